/** Request schemas of /api/phone-numbers (docs/architecture.md §12): buy (US area codes only), assign, list. Built on first use (lib/first-use.ts, ADR 0900). */
import { z } from "zod";
import { cursorParam, limitParam } from "../../lib/cursor";
import { firstUse } from "../../lib/first-use";
import { e164Schema, singleLine } from "../../lib/schemas";

const built = firstUse(() => {
  const agentId = z.uuid({ message: "must be the id of one of your agents" });
  const buySchema = z.strictObject({
    agentId: agentId.nullable().optional(),
    areaCode: singleLine
      .regex(/^[2-9]\d{2}$/, { message: "must be a 3-digit US area code such as 415 (phone numbers are available in the US only)" })
      .optional(),
    /** Where the number comes from; NUMBER_PROVIDER when absent. `twilio` is a number that can text (it needs Twilio's keys). */
    provider: z.enum(["vapi", "twilio"], { message: "must be vapi or twilio" }).optional(),
  });
  const assignSchema = z.strictObject({ agentId: agentId.nullable() });
  const phoneNumberListQuery = z.object({ limit: limitParam(50), cursor: cursorParam });
  const forwardingTestSchema = z.strictObject({
    numberId: z.uuid({ message: "must be the id of one of your numbers" }),
    /** The phone the owner will call from (their own line, forwarded). */
    from: e164Schema,
  });
  return { buySchema, assignSchema, phoneNumberListQuery, forwardingTestSchema };
});

export const buySchema = z.lazy(() => built().buySchema);
export const assignSchema = z.lazy(() => built().assignSchema);
export const phoneNumberListQuery = z.lazy(() => built().phoneNumberListQuery);
export const forwardingTestSchema = z.lazy(() => built().forwardingTestSchema);
