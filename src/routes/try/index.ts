/** `POST /api/try` (docs/architecture.md §12): type to a receptionist as a caller would (services/calls/try-chat.ts). */
import { Hono } from "hono";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { requireRole, requireUser } from "../../middleware/auth";
import { tryReceptionist } from "../../services/calls/try-chat";
import { tryBody } from "./schemas";

export const tryRoutes = new Hono<HonoEnv>()
  // Trying is editing the receptionist: owners and admins (docs/architecture.md §7c).
  .post("/try", requireUser(), requireRole("owner", "admin"), validate("json", tryBody), async (c) => {
    return c.json(await tryReceptionist(c.var.services, c.var.businessId, c.req.valid("json")), 200);
  });
