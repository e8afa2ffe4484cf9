/**
 * The side-effects queue's messages: a closed, versionless union parsed with zod on the way
 * out of the queue, so a malformed message is dead-lettered rather than half-handled.
 */
import { z } from "zod";

export const emailMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("email.password_reset"),
    idempotencyKey: z.string().min(1),
    to: z.email(),
    name: z.string().nullable(),
    resetUrl: z.url(),
    expiresAt: z.iso.datetime(),
    /** The account's IANA zone, so the expiry reads in the owner's own time; messages queued before it read UTC. */
    timezone: z.string().min(1).optional(),
  }),
  z.object({
    type: z.literal("email.low_credit"),
    idempotencyKey: z.string().min(1),
    businessId: z.string().min(1),
    balance: z.number().int(),
    threshold: z.number().int(),
  }),
  z.object({
    type: z.literal("email.purchase_receipt"),
    idempotencyKey: z.string().min(1),
    businessId: z.string().min(1),
    credits: z.number().int().positive(),
    amountCents: z.number().int().nonnegative(),
    currency: z.string().length(3),
    balance: z.number().int(),
  }),
  /**
   * An invitation to join a business: the link carries the token (only its hash is stored); who
   * invited and the business's name are read when it is sent.
   */
  z.object({
    type: z.literal("email.invitation"),
    idempotencyKey: z.string().min(1),
    invitationId: z.string().min(1),
    to: z.email(),
    acceptUrl: z.url(),
  }),
  /** The owner's e-mail about one call (the agent's `notify` setting decided it is due). */
  z.object({
    type: z.literal("email.call_summary"),
    idempotencyKey: z.string().min(1),
    businessId: z.string().min(1),
    callId: z.string().min(1),
  }),
  /** The caller's e-mail when the business cancelled or moved their booking from the dashboard. */
  /** The owner's e-mail that auto top-up is paused (a decline, an authentication request), with a link to buy. */
  z.object({
    type: z.literal("email.auto_top_up_paused"),
    idempotencyKey: z.string().min(1),
    businessId: z.string().min(1),
    topUpId: z.string().min(1),
  }),
  z.object({
    type: z.literal("email.booking_changed"),
    idempotencyKey: z.string().min(1),
    bookingId: z.string().min(1),
    change: z.enum(["cancelled", "moved"]),
  }),
]);

export const sideEffectMessageSchema = z.discriminatedUnion("type", [
  ...emailMessageSchema.options,
  z.object({
    type: z.literal("sheets.append_call"),
    idempotencyKey: z.string().min(1),
    callId: z.string().min(1),
  }),
  /** Run (or continue) the deletion of a business: its job row says what is left (ADR 1110). */
  z.object({
    type: z.literal("business.delete"),
    idempotencyKey: z.string().min(1),
    businessId: z.string().min(1),
  }),
  /** Makes the off-session payment of one claimed auto top-up (services/billing/auto-top-up.ts); its key is `auto-top-up:<id>`. */
  z.object({
    type: z.literal("billing.auto_top_up"),
    idempotencyKey: z.string().min(1),
    businessId: z.uuid(),
    topUpId: z.uuid(),
  }),
  /** Reads a website into a draft for one `knowledge_imports` row (services/knowledge); its key is `knowledge-import:<id>`. */
  z.object({
    type: z.literal("knowledge.import"),
    idempotencyKey: z.string().min(1),
    importId: z.uuid(),
  }),
  /** Sends one `texts` row (services/texts/send.ts); its key is `text:<id>`. */
  z.object({
    type: z.literal("text.send"),
    idempotencyKey: z.string().min(1),
    textId: z.uuid(),
  }),
]);

export type SideEffectMessage = z.infer<typeof sideEffectMessageSchema>;
export type EmailMessage = z.infer<typeof emailMessageSchema>;

/**
 * A message's body as sent, with the business named as it is today: messages queued before teams
 * (ADR 0130) say `userId`, the id of the business that user's account became.
 */
export function withBusinessId(body: unknown): unknown {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return body;
  const { userId, ...rest } = body as Record<string, unknown>;
  if (userId === undefined || "businessId" in rest) return body;
  return { ...rest, businessId: userId };
}
