/**
 * `/api/appointments` (docs/architecture.md §12, §7c): the business's bookings, listed for staff
 * and up, and cancelled or moved from the dashboard. Thin: the rules live in services/google/bookings.ts.
 */
import { Hono } from "hono";
import { assertId } from "../../db/scope";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { ANY_MEMBER, requireRole, requireUser } from "../../middleware/auth";
import { cancelBooking, listBookings, moveBooking } from "../../services/google";
import { appointmentListQuery, appointmentMoveBody } from "./schemas";

export const appointmentsRoutes = new Hono<HonoEnv>()
  .use("/appointments", requireUser(), requireRole(...ANY_MEMBER))
  .use("/appointments/*", requireUser(), requireRole(...ANY_MEMBER))
  .get("/appointments", validate("query", appointmentListQuery), async (c) => {
    return c.json(await listBookings(c.var.services, c.get("businessId"), c.req.valid("query")), 200);
  })
  .post("/appointments/:id/cancel", async (c) => {
    const appointment = await cancelBooking(c.var.services, c.get("businessId"), assertId(c.req.param("id"), "appointment"));
    return c.json({ appointment }, 200);
  })
  .post("/appointments/:id/move", validate("json", appointmentMoveBody), async (c) => {
    const appointment = await moveBooking(c.var.services, c.get("businessId"), assertId(c.req.param("id"), "appointment"), c.req.valid("json"));
    return c.json({ appointment }, 200);
  });
