/**
 * Request schemas of /api/members, /api/invitations and /api/audit (docs/architecture.md §7c,
 * §12), from lib/schemas' shared fields. A new account's password follows the sign-up's rule;
 * an existing account's is taken as typed. Built on first use (z.lazy, ADR 0900).
 */
import { z } from "zod";
import { cursorParam, limitParam } from "../../lib/cursor";
import { emailSchema, rawSingleLine, singleLine } from "../../lib/schemas";
import { ROLES } from "../../services/businesses/members";

const role = z.enum(ROLES, { message: `must be one of ${ROLES.join(", ")}` });
/** The token as mailed: base32, 200 bits (lib/tokens.ts). */
const token = singleLine.min(16).max(128);

export const inviteBody = z.lazy(() => z.object({ email: emailSchema, role }).strict());
export const roleBody = z.lazy(() => z.object({ role }).strict());
export const lookupBody = z.lazy(() => z.object({ token }).strict());
/**
 * `password` is checked against the sign-up rule only when it makes a new account (the service
 * knows which): an existing account's password is whatever it is.
 */
export const acceptBody = z.lazy(() =>
  z
    .object({
      token,
      password: rawSingleLine.min(1, { message: "is required" }).max(1024).optional(),
      name: singleLine.min(1).max(100).optional(),
    })
    .strict(),
);
export const auditQuery = z.lazy(() => z.object({ limit: limitParam(50), cursor: cursorParam }));
