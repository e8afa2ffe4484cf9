/**
 * A business that can text, for the texting tests: a paying owner, their business in a timezone
 * where it is now `localHour` o'clock (so quiet hours are what the test wants, whatever the time
 * of the run), and a number bought at the Twilio stand-in (NUMBER_PROVIDER=twilio).
 */
import { eq } from "drizzle-orm";
import { businesses, creditTransactions, memberships, texts } from "../../src/db/schema";
import { db } from "./db";
import { envWith } from "./env";
import { createPayingUser } from "./factories";
import { call } from "./http";

export const twilioEnv = envWith({ NUMBER_PROVIDER: "twilio" });

/** An Etc/GMT zone where the local hour is `hour` now (Etc/GMT-3 is UTC+3). */
export function zoneAtLocalHour(hour: number, now = new Date()): string {
  const offset = ((hour - now.getUTCHours() + 36) % 24) - 12;
  return offset === 0 ? "Etc/GMT" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
}

export async function createTextingBusiness({ credits = 100, localHour = 14, name = "Bright Smiles Dental" }: { credits?: number; localHour?: number; name?: string } = {}) {
  return makeTextingBusiness(await createPayingUser({}, credits), { localHour, name });
}

/** `owner` (who has paid once) gets a business that can text: its timezone and name, and a Twilio number. */
export async function makeTextingBusiness<T extends { user: { id: string }; cookie: string; business?: { id: string } }>(owner: T, { localHour = 14, name = "Bright Smiles Dental", phone }: { localHour?: number; name?: string; phone?: string } = {}) {
  const timezone = zoneAtLocalHour(localHour);
  const businessId = owner.business?.id ?? owner.user.id;
  await db
    .insert(businesses)
    .values({ id: businessId, name, timezone, phone })
    .onConflictDoUpdate({ target: businesses.id, set: { name, timezone, phone } });
  await db.insert(memberships).values({ businessId, userId: owner.user.id, role: "owner" }).onConflictDoNothing();
  const response = await call("/api/phone-numbers", { method: "POST", cookie: owner.cookie, json: {}, env: twilioEnv });
  if (response.status !== 201) throw new Error(`could not buy a Twilio number: ${response.status} ${await response.text()}`);
  const { phoneNumber } = (await response.json()) as { phoneNumber: { id: string; number: string } };
  return { ...owner, businessId, timezone, number: phoneNumber.number, phoneNumberId: phoneNumber.id };
}

export const textRow = async (id: string) => (await db.select().from(texts).where(eq(texts.id, id)))[0];
export const textCharges = (businessId: string) =>
  db.select().from(creditTransactions).where(eq(creditTransactions.businessId, businessId)).then((rows) => rows.filter((row) => row.kind === "text"));

let callers = 0;
/** A caller's number no other test uses (+1 415 55x xxxx). */
export const uniqueCaller = () => `+1415${String(5_500_000 + ((Date.now() + callers++ * 7919) % 500_000)).padStart(7, "0")}`;
