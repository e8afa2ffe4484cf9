/**
 * Data rights (docs/architecture.md §7d, §12), owner only: `GET /api/export` streams everything
 * of the current business as NDJSON, `DELETE /api/business {confirm}` deletes it (202: the
 * vendors' part runs as a job, ADR 1110).
 */
import { Hono } from "hono";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { requireRole, requireUser } from "../../middleware/auth";
import { deleteBusiness } from "../../services/data-rights/deletion";
import { openExport } from "../../services/data-rights/export";
import { deleteBusinessBody } from "./schemas";

export const dataRightsRoutes = new Hono<HonoEnv>()
  .get("/export", requireUser(), requireRole("owner"), async (c) => {
    const { fileName, stream } = await openExport(c.var.services, c.get("businessId"));
    return c.body(stream, 200, {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-store",
    });
  })
  .delete("/business", requireUser(), requireRole("owner"), validate("json", deleteBusinessBody), async (c) => {
    const deletion = await deleteBusiness(c.var.services, { businessId: c.get("businessId"), userId: c.get("user").id, confirm: c.req.valid("json").confirm });
    return c.json({ deletion }, 202);
  });
