/**
 * The per-account phone-number cap (PHONE_NUMBERS_PER_ACCOUNT, docs/architecture.md §13), held strictly even
 * when purchases run in parallel. Counting rows and then buying at Vapi would let every purchase
 * in flight pass the same count; instead a purchase first *reserves* its slot: one transaction
 * (a Neon HTTP batch, READ COMMITTED) takes a per-user advisory lock, clears reservations left
 * by a purchase that died, and inserts a placeholder row only while the user holds fewer rows
 * than the cap. The lock is held until commit, so the next purchase's count (a new snapshot per
 * statement under READ COMMITTED) sees this placeholder. Only then is the number bought at Vapi;
 * the placeholder becomes the real row, or is deleted when Vapi fails
 * (docs/decisions/0602-strict-phone-number-cap.md).
 *
 * Only a business that has completed a purchase that still stands (not refunded in full, not
 * disputed: services/billing/paid.ts) may buy a number (docs/architecture.md §4, ADR 0420): free
 * accounts cannot spend our Vapi number quota. The same batch checks it, so it costs no round trip.
 */
import { and, eq, ne, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { phoneNumbers } from "../../db/schema";
import { AppError } from "../../errors";
import { hasPaid } from "../billing/paid";

/** A reserved slot: the purchase is under way at Vapi. Such rows are hidden from every reader. */
export const PENDING_STATUS = "pending";

/** A placeholder this old belongs to a purchase whose worker died; it no longer holds a slot. */
const ABANDONED_AFTER = "10 minutes";

/** Rows that are real numbers (not a reservation for a purchase in flight). */
export const notPending = ne(phoneNumbers.status, PENDING_STATUS);

/** 402: numbers (and the forwarding they bring) are for accounts that have bought credits. */
function purchaseRequired() {
  return new AppError(
    "payment_required",
    "Buy a credit pack before buying a phone number: numbers are for accounts that have completed a purchase.",
    { reason: "no_completed_purchase" },
  );
}

function capReached(cap: number) {
  return new AppError(
    "conflict",
    `This account already has ${cap} phone number${cap === 1 ? "" : "s"}, the most it can hold. Release one (DELETE /api/phone-numbers/:id) before buying another.`,
    { limit: cap },
  );
}

/**
 * Reserves one of the user's slots and returns the placeholder row's id; throws 402 when the user
 * has never completed a purchase, or the cap's 409.
 */
export async function reservePhoneNumberSlot(db: Database, businessId: string, cap: number): Promise<string> {
  const placeholder = `pending:${crypto.randomUUID()}`;
  const paid = hasPaid(sql`${businessId}::uuid`);
  const [, , payment, inserted] = await db.batch([
    db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`phone-cap:${businessId}`}, 0))`),
    db.execute(sql`
      delete from phone_numbers
      where business_id = ${businessId} and status = ${PENDING_STATUS} and created_at < now() - ${ABANDONED_AFTER}::interval`),
    db.execute(sql`select ${paid} as paid`),
    db.execute(sql`
      insert into phone_numbers (business_id, vapi_phone_number_id, status)
      select ${businessId}::uuid, ${placeholder}, ${PENDING_STATUS}
      where (select count(*) from phone_numbers where business_id = ${businessId}) < ${cap} and ${paid}
      returning id`),
  ]);
  if ((payment.rows[0] as { paid?: boolean } | undefined)?.paid !== true) throw purchaseRequired();
  const id = (inserted.rows[0] as { id?: string } | undefined)?.id;
  if (!id) throw capReached(cap);
  return id;
}

/** Gives a reserved slot back (the purchase failed before anything was kept at Vapi). */
export async function releasePhoneNumberSlot(db: Database, businessId: string, placeholderId: string): Promise<void> {
  await db
    .delete(phoneNumbers)
    .where(and(eq(phoneNumbers.id, placeholderId), eq(phoneNumbers.businessId, businessId), eq(phoneNumbers.status, PENDING_STATUS)));
}
