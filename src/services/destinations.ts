/**
 * The destination policy (docs/architecture.md §13, docs/decisions/0420-destination-policy.md): the one place
 * that decides whether we may dial a number for a business — an agent's transfer number, the
 * owner's phone (the out-of-credit forward), a phone number's fallback at Vapi. A destination
 * must be
 * 1. a valid E.164 number (libphonenumber-js, "max" metadata: the smallest build with types),
 * 2. in ALLOWED_DESTINATION_COUNTRIES,
 * 3. of a dialable type: fixed line, mobile, fixed-or-mobile or toll-free (an allow-list: premium
 *    rate, shared cost, UAN, voicemail access, personal, pager, VoIP and unknown are refused),
 * 4. never a number any business has with us (a loop through our own numbers bills us twice
 *    per minute and dodges every per-business limit).
 * It is checked when a destination is saved (a 400 `destination_not_allowed` naming the rule) and
 * again when a call is answered (services/calls/assistant-request.ts), where rule 4 comes from the
 * request's one statement and this module only judges.
 */
import { sql } from "drizzle-orm";
import type { Config } from "../config/env";
import type { Database } from "../db/client";
import { AppError } from "../errors";

export type DestinationRule = "invalid_number" | "country_not_allowed" | "number_type_not_allowed" | "own_number";

export type DestinationVerdict = { ok: true } | { ok: false; rule: DestinationRule; message: string };

type Libphonenumber = typeof import("libphonenumber-js/max");

/** The metadata (~40 KiB gzip) is parsed on first use, not at startup (docs/decisions/0900-startup-budget.md). */
let library: Promise<Libphonenumber> | undefined;
const loadLibrary = () => (library ??= import("libphonenumber-js/max"));

/** Types a business may forward to; toll-free is cheap to dial (its owner pays), ADR 0420. */
const DIALABLE_TYPES = new Set(["FIXED_LINE", "MOBILE", "FIXED_LINE_OR_MOBILE", "TOLL_FREE"]);

const refused = (rule: DestinationRule, message: string): DestinationVerdict => ({ ok: false, rule, message });

/**
 * Rules 1–3, which need nothing but the number; `isOurs` (rule 4) is the caller's to find out —
 * `isOwnNumber` below when saving, the hot path's single statement when answering a call.
 */
export async function judgeDestination(number: string, config: Pick<Config, "ALLOWED_DESTINATION_COUNTRIES">, isOurs = false): Promise<DestinationVerdict> {
  const { parsePhoneNumberFromString } = await loadLibrary();
  const parsed = /^\+[1-9]\d{6,14}$/.test(number) ? parsePhoneNumberFromString(number) : undefined;
  if (!parsed?.isValid() || parsed.number !== number) {
    return refused("invalid_number", `${number} is not a valid phone number in E.164 form (such as +14155550123).`);
  }
  const allowed = config.ALLOWED_DESTINATION_COUNTRIES;
  if (!parsed.country || !allowed.includes(parsed.country)) {
    return refused("country_not_allowed", `Calls can only be forwarded to numbers in ${allowed.join(", ")}; ${number} is not.`);
  }
  const type = parsed.getType();
  if (!type || !DIALABLE_TYPES.has(type)) {
    const kind = type ? type.toLowerCase().replaceAll("_", " ") : "unknown";
    return refused("number_type_not_allowed", `Calls can only be forwarded to landline, mobile or toll-free numbers; ${number} is a ${kind} number.`);
  }
  if (isOurs) return refused("own_number", `${number} is an Agentline number; calls cannot be forwarded to a number that Agentline answers.`);
  return { ok: true };
}

/** Whether any business has this number with us (phone_numbers.e164 is unique). */
export async function isOwnNumber(db: Database, number: string): Promise<boolean> {
  const result = await db.execute<{ ours: boolean }>(sql`select exists (select 1 from phone_numbers where e164 = ${number}) as ours`);
  return result.rows[0]?.ours === true;
}

/**
 * The save-time check: passes, or throws 400 `destination_not_allowed` naming the rule and the
 * field it was sent in (`details: {field, rule}`), before anything is written.
 */
export async function assertDestinationAllowed(db: Database, config: Pick<Config, "ALLOWED_DESTINATION_COUNTRIES">, field: string, number: string): Promise<void> {
  let verdict = await judgeDestination(number, config);
  if (verdict.ok && (await isOwnNumber(db, number))) verdict = await judgeDestination(number, config, true);
  if (!verdict.ok) throw new AppError("destination_not_allowed", verdict.message, { field, rule: verdict.rule });
}
