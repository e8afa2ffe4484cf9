/**
 * `/api/knowledge` (docs/architecture.md §6, §12; ADR 0330): import the business's website into a
 * draft (202: the reading runs on the queue), follow it, list the latest, and say what the owner
 * did with it. Owners and admins only. Thin: the rules live in services/knowledge/imports.ts.
 */
import { Hono } from "hono";
import { assertId } from "../../db/scope";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { MANAGERS, requireRole, requireUser } from "../../middleware/auth";
import { getImport, listImports, markImport, startImport } from "../../services/knowledge/imports";
import { knowledgeImportBody, knowledgeListQuery, knowledgeMarkBody } from "./schemas";

export const knowledgeRoutes = new Hono<HonoEnv>()
  .use("/knowledge/*", requireUser(), requireRole(...MANAGERS))
  .post("/knowledge/import", validate("json", knowledgeImportBody), async (c) => {
    const { url, agentId } = c.req.valid("json");
    const started = await startImport(c.var.services, { businessId: c.get("businessId"), userId: c.get("user").id, url, agentId });
    return c.json({ import: started }, 202);
  })
  .get("/knowledge/imports", validate("query", knowledgeListQuery), async (c) => {
    return c.json({ imports: await listImports(c.var.services, c.get("businessId"), c.req.valid("query")) }, 200);
  })
  .get("/knowledge/imports/:id", async (c) => {
    const found = await getImport(c.var.services, c.get("businessId"), assertId(c.req.param("id"), "import"));
    // §12 names `status` and `draft` at the top; `import` carries the whole row as POST answers it.
    return c.json({ import: found, status: found.status, draft: found.draft ?? null }, 200);
  })
  .patch("/knowledge/imports/:id", validate("json", knowledgeMarkBody), async (c) => {
    const marked = await markImport(c.var.services, c.get("businessId"), assertId(c.req.param("id"), "import"), c.req.valid("json").outcome);
    return c.json({ import: marked }, 200);
  });
