/**
 * The whole data model (docs/architecture.md §3). Constraints here are the contract: unique keys make
 * handlers idempotent, foreign keys say what a delete takes with it, checks keep rows sane
 * even when a bug slips past validation.
 */
import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

export interface CallUtterance {
  /** Vapi's message timestamp (ms since the epoch): the order of the conversation. */
  at: number;
  role: string;
  text: string;
}

export interface CallEvent {
  at: string;
  kind: "booked" | "cancelled" | "moved" | "tool_failed" | "refused";
  tool?: string;
  detail: string;
  start?: string;
}

export const REMINDER_KINDS = ["24h", "2h"] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** An agent's `texting` (docs/architecture.md §12). */
export interface TextingSettings {
  confirmations: boolean;
  reminders: ReminderKind[];
  missedCallTextBack: boolean;
  /** The owner's own text about an important call, to the business's phone. */
  ownerAlerts: boolean;
}

export const DEFAULT_TEXTING: TextingSettings = { confirmations: true, reminders: ["24h"], missedCallTextBack: false, ownerAlerts: false };

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

/** E.164: a plus and 8–15 digits, no leading zero. */
const E164_PATTERN = "^\\+[1-9][0-9]{7,14}$";

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    name: text("name"),
    /** The person's own timezone (their e-mails' times); a business has its own. */
    timezone: text("timezone").notNull().default("UTC"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email), check("users_email_lower", sql`${t.email} = lower(${t.email})`)],
);

/**
 * The tenant (docs/architecture.md §3 tenancy): agents, numbers, calls, the ledger, the Google
 * connection and bookings belong to a business; people join it through memberships. A business
 * migrated from a single-owner account has that owner's user id as its id (ADR 0130).
 */
export const businesses = pgTable(
  "businesses",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    timezone: text("timezone").notNull().default("UTC"),
    phone: text("phone"),
    creditBalance: integer("credit_balance").notNull().default(0),
    /** Set only by an admin of ours: lets an adjustment take the balance below zero. */
    allowNegativeBalance: boolean("allow_negative_balance").notNull().default(false),
    lowCreditThreshold: integer("low_credit_threshold").notNull().default(10),
    stripeCustomerId: text("stripe_customer_id"),
    /** Transcripts and recordings older than this are deleted by the Cron Trigger. */
    retentionDays: integer("retention_days").notNull().default(90),
    autoTopUpEnabled: boolean("auto_top_up_enabled").notNull().default(false),
    autoTopUpPackId: text("auto_top_up_pack_id"),
    autoTopUpWhenBelow: integer("auto_top_up_when_below"),
    autoTopUpMonthlyCapCents: integer("auto_top_up_monthly_cap_cents"),
    /** Set when the owner deleted the business: its personal data is gone, its ledger kept. */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("businesses_stripe_customer_id_key").on(t.stripeCustomerId),
    check("businesses_name_not_blank", sql`length(btrim(${t.name})) > 0`),
    check("businesses_phone_e164", sql`${t.phone} is null or ${t.phone} ~ ${sql.raw(`'${E164_PATTERN}'`)}`),
    check("businesses_balance_non_negative", sql`${t.creditBalance} >= 0 or ${t.allowNegativeBalance}`),
    check("businesses_threshold_non_negative", sql`${t.lowCreditThreshold} >= 0`),
    check("businesses_retention_days_range", sql`${t.retentionDays} between 1 and 3650`),
  ],
);

export const ROLES = ["owner", "admin", "staff"] as const;
export type Role = (typeof ROLES)[number];

/** Who belongs to which business, and as what (docs/architecture.md §7c). */
export const memberships = pgTable(
  "memberships",
  {
    businessId: uuid("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROLES }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: "memberships_pkey", columns: [t.businessId, t.userId] }),
    index("memberships_user_id_idx").on(t.userId),
    check("memberships_role_valid", sql`${t.role} in ('owner', 'admin', 'staff')`),
  ],
);

/** An e-mailed invitation: single use, 7 days, only the SHA-256 of its token stored. */
export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    businessId: uuid("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    tokenHash: text("token_hash").notNull(),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    acceptedBy: uuid("accepted_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_key").on(t.tokenHash),
    // One pending invitation per person per business: inviting again replaces it.
    uniqueIndex("invitations_pending_email_key").on(t.businessId, t.email).where(sql`${t.acceptedAt} is null`),
    check("invitations_role_valid", sql`${t.role} in ('owner', 'admin', 'staff')`),
    check("invitations_email_lower", sql`${t.email} = lower(${t.email})`),
  ],
);

/**
 * The deletion of a business (DELETE /api/business, ADR 1110): one row per business, the job's
 * state. The queue message and the Cron Trigger both run it; `lease_until` keeps two runs from
 * overlapping, `next_attempt_at` and `attempts` give the backoff, `last_error` says why it is stuck.
 */
export const businessDeletions = pgTable(
  "business_deletions",
  {
    businessId: uuid("business_id").primaryKey().references(() => businesses.id, { onDelete: "cascade" }),
    requestedBy: uuid("requested_by").references(() => users.id, { onDelete: "set null" }),
    /** Who was a member when it was asked for: their accounts close unless they belong elsewhere. */
    memberIds: uuid("member_ids").array().notNull().default(sql`'{}'::uuid[]`),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    lastError: text("last_error"),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [
    index("business_deletions_due_idx").on(t.nextAttemptAt).where(sql`${t.completedAt} is null`),
    check("business_deletions_attempts_non_negative", sql`${t.attempts} >= 0`),
  ],
);

/** Who changed what (agents, numbers, billing, members): the owner's audit list. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    businessId: uuid("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    /** Null when the person was deleted since, or for a change the system made (a webhook). */
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    /** `agent.created`, `number.released`, `member.role_changed`, `billing.checkout_started`, … */
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index("audit_events_business_id_created_at_idx").on(t.businessId, t.createdAt, t.id)],
);

export const sessions = pgTable(
  "sessions",
  {
    /** Hex SHA-256 of the cookie token; the token itself is never stored. */
    id: text("id").primaryKey(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    /** The business this session works in (POST /api/session/business); null: the person's first. */
    businessId: uuid("business_id").references(() => businesses.id, { onDelete: "set null" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    userAgent: text("user_agent"),
    ip: text("ip"),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId), index("sessions_expires_at_idx").on(t.expiresAt)],
);

export const passwordResetTokens = pgTable(
  "password_reset_tokens",
  {
    /** Hex SHA-256 of the mailed token. */
    id: text("id").primaryKey(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("password_reset_tokens_user_id_idx").on(t.userId)],
);

/** Fixed-window counters shared by every isolate (docs/architecture.md §13: never module memory). */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
  count: integer("count").notNull(),
});

/** An agent's booking catalogue (migrations/0015_booking_catalog.sql, docs/decisions/0320). */
export interface BookingServiceSetting {
  id: string;
  name: string;
  minutes: number;
  priceCents?: number | undefined;
  staffIds?: string[] | undefined;
}
export interface BookingStaffSetting {
  id: string;
  name: string;
  calendarId: string;
  businessHours?: Record<string, { start: string; end: string }[]> | undefined;
}
export interface BookingClosureSetting {
  from: string;
  to: string;
  reason?: string | undefined;
}

export const agents = pgTable(
  "agents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    businessId: uuid("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    vapiAssistantId: text("vapi_assistant_id").notNull(),
    name: text("name").notNull(),
    businessDescription: text("business_description").notNull().default(""),
    greeting: text("greeting").notNull(),
    /** The owner's extra instructions; the full prompt is assembled when the assistant is built. */
    systemPrompt: text("system_prompt").notNull().default(""),
    faq: jsonb("faq").$type<{ question: string; answer: string }[]>().notNull().default([]),
    policies: text("policies").notNull().default(""),
    voiceProvider: text("voice_provider").notNull().default("vapi"),
    voiceId: text("voice_id").notNull().default("Elliot"),
    transferNumber: text("transfer_number"),
    bookingEnabled: boolean("booking_enabled").notNull().default(false),
    calendarId: text("calendar_id"),
    appointmentMinutes: integer("appointment_minutes").notNull().default(30),
    bufferMinutes: integer("buffer_minutes").notNull().default(0),
    minNoticeMinutes: integer("min_notice_minutes").notNull().default(60),
    horizonDays: integer("horizon_days").notNull().default(30),
    /** {mon: [{start: "09:00", end: "17:00"}], …}; a missing or empty day is closed. */
    businessHours: jsonb("business_hours").$type<Record<string, { start: string; end: string }[]>>().notNull().default({}),
    timezone: text("timezone").notNull().default("UTC"),
    /** What can be booked: [{id, name, minutes, priceCents?, staffIds?}] (no staffIds: every staff member offers it). */
    bookingServices: jsonb("booking_services").$type<BookingServiceSetting[]>().notNull().default([]),
    /** Who can be booked: [{id, name, calendarId, businessHours?}] (no businessHours: the agent's). */
    bookingStaff: jsonb("booking_staff").$type<BookingStaffSetting[]>().notNull().default([]),
    /** Days nothing is booked: [{from, to, reason?}], dates in the agent's timezone, inclusive. */
    bookingClosures: jsonb("booking_closures").$type<BookingClosureSetting[]>().notNull().default([]),
    sheetsLogging: boolean("sheets_logging").notNull().default(false),
    /** Which calls the owner is e-mailed about: all, important (booked, follow-up, refused) or none. */
    notify: text("notify", { enum: ["all", "important", "none"] }).notNull().default("important"),
    /** Vapi records the calls (artifactPlan.recordingEnabled); the first words say so (ADR 0121). */
    recordingEnabled: boolean("recording_enabled").notNull().default(true),
    /** What this receptionist texts callers (docs/architecture.md §7b); only numbers that can text send any. */
    texting: jsonb("texting").$type<TextingSettings>().notNull().default(DEFAULT_TEXTING),
    status: text("status", { enum: ["active", "paused"] }).notNull().default("active"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("agents_vapi_assistant_id_key").on(t.vapiAssistantId),
    index("agents_business_id_created_at_idx").on(t.businessId, t.createdAt),
    check("agents_status_valid", sql`${t.status} in ('active', 'paused')`),
    check("agents_notify_valid", sql`${t.notify} in ('all', 'important', 'none')`),
    check("agents_transfer_e164", sql`${t.transferNumber} is null or ${t.transferNumber} ~ ${sql.raw(`'${E164_PATTERN}'`)}`),
    check("agents_appointment_minutes_range", sql`${t.appointmentMinutes} between 5 and 480`),
    check("agents_booking_numbers_non_negative", sql`${t.bufferMinutes} >= 0 and ${t.minNoticeMinutes} >= 0 and ${t.horizonDays} between 1 and 365`),
  ],
);

export const phoneNumbers = pgTable(
  "phone_numbers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    businessId: uuid("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    agentId: uuid("agent_id").references(() => agents.id, { onDelete: "set null" }),
    vapiPhoneNumberId: text("vapi_phone_number_id").notNull(),
    /** Null while Vapi is still provisioning the number. */
    e164: text("e164"),
    status: text("status").notNull().default("activating"),
    areaCode: text("area_code"),
    /** Where the number was bought: vapi (cannot text) or twilio (imported into Vapi; it texts). */
    provider: text("provider", { enum: ["vapi", "twilio"] }).notNull().default("vapi"),
    /** The IncomingPhoneNumber's sid (PN…) when it was bought at Twilio. */
    twilioSid: text("twilio_sid"),
    /** "Test my forwarding": the next call from this number before `forwardingTestUntil` verifies the owner's forwarding. */
    forwardingTestFrom: text("forwarding_test_from"),
    forwardingTestUntil: timestamp("forwarding_test_until", { withTimezone: true }),
    forwardingVerifiedAt: timestamp("forwarding_verified_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("phone_numbers_vapi_phone_number_id_key").on(t.vapiPhoneNumberId),
    uniqueIndex("phone_numbers_e164_key").on(t.e164),
    index("phone_numbers_business_id_idx").on(t.businessId),
    index("phone_numbers_agent_id_idx").on(t.agentId),
    uniqueIndex("phone_numbers_twilio_sid_key").on(t.twilioSid),
    check("phone_numbers_provider_valid", sql`${t.provider} in ('vapi', 'twilio')`),
    check("phone_numbers_forwarding_test_from_e164", sql`${t.forwardingTestFrom} is null or ${t.forwardingTestFrom} ~ ${sql.raw(`'${E164_PATTERN}'`)}`),
  ],
);

export const calls = pgTable(
  "calls",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    businessId: uuid("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    agentId: uuid("agent_id").references(() => agents.id, { onDelete: "set null" }),
    phoneNumberId: uuid("phone_number_id").references(() => phoneNumbers.id, { onDelete: "set null" }),
    vapiCallId: text("vapi_call_id").notNull(),
    customerNumber: text("customer_number"),
    status: text("status").notNull().default("queued"),
    startedAt: timestamp("started_at", { withTimezone: true }),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    durationSeconds: integer("duration_seconds"),
    endedReason: text("ended_reason"),
    transcript: text("transcript"),
    summary: text("summary"),
    recordingUrl: text("recording_url"),
    structuredData: jsonb("structured_data").$type<Record<string, unknown>>(),
    /** The report's conversation (artifact.messages), as Vapi sent it. */
    messages: jsonb("messages").$type<Record<string, unknown>[]>(),
    /** Final utterances streamed during the call ({at, role, text}), kept ordered and unique. */
    liveTranscript: jsonb("live_transcript").$type<CallUtterance[]>().notNull().default([]),
    /** What happened on the call besides talking: bookings, tool failures, refusals. */
    events: jsonb("events").$type<CallEvent[]>().notNull().default([]),
    /** Why assistant-request refused the call (out_of_credit, agent_paused, …); null when answered. */
    refusedReason: text("refused_reason"),
    /** When the end-of-call report was stored. */
    reportReceivedAt: timestamp("report_received_at", { withTimezone: true }),
    /** Vapi's cost in USD, kept exact. */
    vapiCost: numeric("vapi_cost", { precision: 12, scale: 4 }),
    creditsCharged: integer("credits_charged").notNull().default(0),
    /** Set by the queue consumer once the Sheets row exists: a retry never appends twice. */
    sheetLoggedAt: timestamp("sheet_logged_at", { withTimezone: true }),
    /** Set when the retention sweep (or the business's deletion) removed the transcript, messages, summary and recording. */
    artifactsDeletedAt: timestamp("artifacts_deleted_at", { withTimezone: true }),
    /** The owner's word on the follow-up (open / done); null: as the structured data's followUpNeeded says (services/calls/follow-ups.ts). */
    followUp: text("follow_up", { enum: ["open", "done"] }),
    followUpNote: text("follow_up_note"),
    followUpAt: timestamp("follow_up_at", { withTimezone: true }),
    followUpBy: uuid("follow_up_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("calls_follow_up_valid", sql`${t.followUp} in ('open', 'done')`),
    // The list's follow-up and booked filters (migration 0016, services/calls/follow-ups.ts).
    index("calls_follow_up_open_idx")
      .on(t.businessId, t.createdAt.desc())
      .where(sql`coalesce(${t.followUp}, case when ${t.structuredData} -> 'followUpNeeded' = 'true'::jsonb then 'open' end) = 'open'`),
    index("calls_booked_idx")
      .on(t.businessId, t.createdAt.desc())
      .where(sql`(${t.events} @> '[{"kind": "booked"}]'::jsonb or ${t.structuredData} -> 'appointmentBooked' = 'true'::jsonb)`),
    check("calls_follow_up_note_length", sql`length(${t.followUpNote}) <= 2000`),
    uniqueIndex("calls_vapi_call_id_key").on(t.vapiCallId),
    index("calls_business_id_started_at_idx").on(t.businessId, t.startedAt),
    index("calls_agent_id_started_at_idx").on(t.agentId, t.startedAt),
    index("calls_business_id_created_at_idx").on(t.businessId, t.createdAt, t.id),
    check("calls_credits_non_negative", sql`${t.creditsCharged} >= 0`),
    // Reconciliation's scan: calls whose report never came, least recently looked at first.
    index("calls_unreported_idx")
      .on(t.updatedAt)
      .where(sql`${t.reportReceivedAt} is null and ${t.status} <> 'refused'`),
    // The retention sweep's scan: oldest calls whose conversation is still kept (ADR 1111).
    index("calls_retention_idx").on(t.createdAt, t.id).where(sql`${t.artifactsDeletedAt} is null`),
  ],
);

/** Unanswered questions the owner dismissed, by the normalised text insights group on (services/calls/insights.ts). */
export const dismissedQuestions = pgTable(
  "dismissed_questions",
  {
    businessId: uuid("business_id")
      .notNull()
      .references(() => businesses.id, { onDelete: "cascade" }),
    question: text("question").notNull(),
    dismissedBy: uuid("dismissed_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ name: "dismissed_questions_pkey", columns: [t.businessId, t.question] }), check("dismissed_questions_question_length", sql`length(${t.question}) between 1 and 500`)],
);

export const creditTransactions = pgTable(
  "credit_transactions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    businessId: uuid("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    delta: integer("delta").notNull(),
    balanceAfter: integer("balance_after").notNull(),
    kind: text("kind", { enum: ["purchase", "call", "adjustment", "refund", "dispute", "text"] }).notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    stripeCheckoutSessionId: text("stripe_checkout_session_id"),
    callId: uuid("call_id").references(() => calls.id, { onDelete: "set null" }),
    description: text("description"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("credit_transactions_idempotency_key_key").on(t.idempotencyKey),
    // Defence in depth: whatever key a caller picks, one checkout session buys credits once.
    uniqueIndex("credit_transactions_checkout_purchase_key")
      .on(t.stripeCheckoutSessionId)
      .where(sql`${t.kind} = 'purchase'`),
    index("credit_transactions_business_id_created_at_idx").on(t.businessId, t.createdAt),
    // "Has this business ever paid?" (the purchase rule, ADR 0420), asked on assistant-request.
    index("credit_transactions_business_purchase_idx").on(t.businessId).where(sql`${t.kind} = 'purchase'`),
    check("credit_transactions_kind_valid", sql`${t.kind} in ('purchase', 'call', 'adjustment', 'refund', 'dispute', 'text')`),
    check("credit_transactions_delta_non_zero", sql`${t.delta} <> 0`),
  ],
);

export const googleConnections = pgTable(
  "google_connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    businessId: uuid("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    googleEmail: text("google_email"),
    scopes: text("scopes").array().notNull().default(sql`'{}'::text[]`),
    /** AES-256-GCM: base64url(iv || ciphertext || tag); key_version names the key. */
    refreshTokenCiphertext: text("refresh_token_ciphertext"),
    accessTokenCiphertext: text("access_token_ciphertext"),
    keyVersion: integer("key_version").notNull().default(1),
    accessTokenExpiresAt: timestamp("access_token_expires_at", { withTimezone: true }),
    spreadsheetId: text("spreadsheet_id"),
    calendarId: text("calendar_id"),
    status: text("status", { enum: ["ok", "needs_reconnect"] }).notNull().default("ok"),
    /** Who is refreshing the access token right now, and until when (one refresh at a time). */
    refreshLeaseId: text("refresh_lease_id"),
    refreshLeaseUntil: timestamp("refresh_lease_until", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("google_connections_business_id_key").on(t.businessId),
    check("google_connections_status_valid", sql`${t.status} in ('ok', 'needs_reconnect')`),
  ],
);

/** Single-use OAuth `state` values, bound to the session that started the flow. */
export const oauthStates = pgTable(
  "oauth_states",
  {
    id: text("id").primaryKey(),
    /** Who started the flow (the state is bound to their session) … */
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    /** … for the business the connection will belong to. */
    businessId: uuid("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    sessionId: text("session_id").notNull(),
    codeVerifier: text("code_verifier").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("oauth_states_user_id_idx").on(t.userId)],
);

/**
 * The latest refund state Stripe reported per charge (cumulative `amount_refunded`). A refund
 * can arrive before its purchase is credited; the purchase then takes it back as it is credited
 * (docs/decisions/0500-refunds-before-purchases.md).
 */
export const stripeRefunds = pgTable(
  "stripe_refunds",
  {
    chargeId: text("charge_id").primaryKey(),
    checkoutSessionId: text("checkout_session_id").notNull(),
    businessId: uuid("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    amountCharged: integer("amount_charged").notNull(),
    amountRefunded: integer("amount_refunded").notNull(),
    currency: text("currency").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("stripe_refunds_checkout_session_id_idx").on(t.checkoutSessionId),
    check("stripe_refunds_amounts_valid", sql`${t.amountCharged} > 0 and ${t.amountRefunded} >= 0`),
  ],
);

/**
 * Refunds Stripe reported as failed (`refund.failed`, or a refund updated to `failed`): a failed
 * refund never succeeds later, so a row here is final (docs/decisions/0210-stripe-later-word-wins.md).
 */
export const stripeRefundFailures = pgTable(
  "stripe_refund_failures",
  {
    refundId: text("refund_id").primaryKey(),
    chargeId: text("charge_id").notNull(),
    checkoutSessionId: text("checkout_session_id").notNull(),
    businessId: uuid("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("stripe_refund_failures_checkout_session_id_idx").on(t.checkoutSessionId), check("stripe_refund_failures_amount_positive", sql`${t.amount} > 0`)],
);

/** Disputes of our charges, by Stripe's status; a closed status (won, lost, warning_closed) is never overwritten (ADR 0210). */
export const stripeDisputes = pgTable(
  "stripe_disputes",
  {
    disputeId: text("dispute_id").primaryKey(),
    chargeId: text("charge_id").notNull(),
    checkoutSessionId: text("checkout_session_id").notNull(),
    businessId: uuid("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    status: text("status").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("stripe_disputes_checkout_session_id_idx").on(t.checkoutSessionId), check("stripe_disputes_amount_non_negative", sql`${t.amount} >= 0`)],
);

/** Idempotency record for incoming webhooks (Stripe events, Vapi end-of-call reports). */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    provider: text("provider").notNull(),
    eventId: text("event_id").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    outcome: text("outcome").notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.eventId] })],
);

/**
 * A booking's claim on its time range, from the moment it is held until it is cancelled. The
 * exclusion constraint `booking_holds_no_overlap` (migrations/0007_booking_holds_per_calendar.sql;
 * drizzle cannot express it) makes two live ranges on one calendar of one owner overlapping
 * impossible, whichever agents booked them (docs/decisions/0310):
 * `EXCLUDE USING gist (business_id WITH =, calendar_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&)
 *  WHERE (status <> 'cancelled' AND NOT legacy_overlap)`.
 * A `held` row whose expires_at passed belongs to a booking that died half-way and may be taken over.
 */
export const bookingHolds = pgTable(
  "booking_holds",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    agentId: uuid("agent_id").notNull().references(() => agents.id, { onDelete: "cascade" }),
    /** The owner of the calendar: with calendarId, the scope of the no-overlap rule. */
    businessId: uuid("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    /** The Google calendar the booking is in (the agent's, else the connection's, else "primary"). */
    calendarId: text("calendar_id").notNull(),
    startAt: timestamp("start_at", { withTimezone: true }).notNull(),
    endAt: timestamp("end_at", { withTimezone: true }).notNull(),
    googleEventId: text("google_event_id"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    status: text("status", { enum: ["held", "confirmed", "cancelled"] }).notNull().default("held"),
    /**
     * True on a booking that already overlapped an earlier one on its calendar when migration 0007
     * made the rule per calendar: it stays live but outside the constraint until it is moved.
     */
    legacyOverlap: boolean("legacy_overlap").notNull().default(false),
    /** `<Vapi call id>:<tool-call id>` (or `dashboard:<Idempotency-Key>`): a retried booking answers the same event. */
    idempotencyKey: text("idempotency_key"),
    /** The number the booking belongs to (the number that called): the only one that may cancel or move it. */
    callerPhone: text("caller_phone"),
    callId: text("call_id"),
    /** What was booked and with whom, as they were named at booking time (the catalogue may change later). */
    serviceId: text("service_id"),
    serviceName: text("service_name"),
    staffId: text("staff_id"),
    staffName: text("staff_name"),
    callerName: text("caller_name"),
    callerEmail: text("caller_email"),
    /** Set whenever the booking is moved (by the caller or the owner): its status reads "moved". */
    movedAt: timestamp("moved_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("booking_holds_business_id_start_at_idx").on(t.businessId, t.startAt, t.id),
    uniqueIndex("booking_holds_agent_id_idempotency_key_key").on(t.agentId, t.idempotencyKey),
    uniqueIndex("booking_holds_google_event_id_key").on(t.googleEventId),
    index("booking_holds_agent_id_caller_phone_idx").on(t.agentId, t.callerPhone),
    check("booking_holds_status_valid", sql`${t.status} in ('held', 'confirmed', 'cancelled')`),
    check("booking_holds_range_valid", sql`${t.endAt} > ${t.startAt}`),
  ],
);

/**
 * A signed vendor message we could not parse, kept whole so nothing is lost on a 4xx (ADR 0410):
 * reconciliation or a replay (services/calls/undelivered.ts) applies it through the normal
 * handling once our parsing understands it. One row per distinct body (a retried delivery is the
 * same row); `applied_at` is set when a replay applied it.
 */
export const undeliveredVendorMessages = pgTable(
  "undelivered_vendor_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    provider: text("provider").notNull(),
    /** `message.type`, when the body has one. */
    type: text("type"),
    /** `message.call.id`, when readable: reconciliation looks here before asking Vapi. */
    vapiCallId: text("vapi_call_id"),
    rawBody: text("raw_body").notNull(),
    bodySha256: text("body_sha256").notNull(),
    /** Why it was refused (the first validation issue, or "invalid_json"). */
    reason: text("reason").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    /** Replays tried; `last_error` says why the last one did not apply. */
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    appliedAt: timestamp("applied_at", { withTimezone: true }),
    /** What the replay's handling answered (e.g. stored, duplicate). */
    outcome: text("outcome"),
  },
  (t) => [
    uniqueIndex("undelivered_vendor_messages_provider_body_key").on(t.provider, t.bodySha256),
    index("undelivered_vendor_messages_pending_call_idx").on(t.vapiCallId).where(sql`${t.appliedAt} is null`),
    check("undelivered_vendor_messages_attempts_non_negative", sql`${t.attempts} >= 0`),
  ],
);

export const TEXT_KINDS = ["confirmation", "reminder_24h", "reminder_2h", "missed_call", "owner_alert", "reply", "help", "cancelled", "inbound"] as const;
export type TextKind = (typeof TEXT_KINDS)[number];

/**
 * Every SMS sent or received (docs/architecture.md §3, §7b; ADR 0141). An outbound text is a row
 * first (`pending`, its idempotency key saying why it exists: `booking:<id>:reminder_24h`,
 * `call:<id>:missed_call`, …, so one reason is texted once), then a queue message sends it:
 * `held` until `send_after` in quiet hours; `sent`/`delivered`/`undelivered`/`failed` from
 * Twilio; `opted_out`, `no_credit`, `no_number` or `not_needed` (its booking was cancelled first) when it was never sent. Inbound texts are
 * `received`, keyed by their MessageSid.
 */
export const texts = pgTable(
  "texts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    businessId: uuid("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    agentId: uuid("agent_id").references(() => agents.id, { onDelete: "set null" }),
    phoneNumberId: uuid("phone_number_id").references(() => phoneNumbers.id, { onDelete: "set null" }),
    /** The other party: the caller (or, for an owner alert, the owner's phone). */
    number: text("number").notNull(),
    /** Our number it was sent from or to. */
    businessNumber: text("business_number"),
    direction: text("direction", { enum: ["outbound", "inbound"] }).notNull(),
    kind: text("kind", { enum: TEXT_KINDS }).notNull(),
    body: text("body").notNull(),
    status: text("status").notNull(),
    twilioSid: text("twilio_sid"),
    segments: integer("segments").notNull().default(0),
    creditsCharged: integer("credits_charged").notNull().default(0),
    bookingId: uuid("booking_id").references(() => bookingHolds.id, { onDelete: "set null" }),
    callId: uuid("call_id").references(() => calls.id, { onDelete: "set null" }),
    idempotencyKey: text("idempotency_key").notNull(),
    sendAfter: timestamp("send_after", { withTimezone: true }),
    error: text("error"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("texts_idempotency_key_key").on(t.idempotencyKey),
    uniqueIndex("texts_twilio_sid_key").on(t.twilioSid),
    index("texts_business_id_created_at_idx").on(t.businessId, t.createdAt, t.id),
    index("texts_business_id_number_idx").on(t.businessId, t.number, t.createdAt),
    index("texts_booking_id_idx").on(t.bookingId),
    index("texts_call_id_idx").on(t.callId),
    index("texts_unsent_idx").on(t.updatedAt).where(sql`${t.status} in ('pending', 'held')`),
    check("texts_direction_valid", sql`${t.direction} in ('outbound', 'inbound')`),
    check("texts_number_e164", sql`${t.number} ~ ${sql.raw(`'${E164_PATTERN}'`)}`),
    check("texts_segments_non_negative", sql`${t.segments} >= 0 and ${t.creditsCharged} >= 0`),
  ],
);

/** Numbers that sent STOP (or a synonym) to a business: never texted again until they send START. */
export const textOptOuts = pgTable(
  "text_opt_outs",
  {
    businessId: uuid("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    number: text("number").notNull(),
    since: timestamp("since", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "text_opt_outs_pkey", columns: [t.businessId, t.number] })],
);

/** Queue side effects already done (an email sent, a row appended), by idempotency key. */
export const sideEffects = pgTable("side_effects", {
  key: text("key").primaryKey(),
  kind: text("kind").notNull(),
  completedAt: timestamp("completed_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Side-effect messages the queue gave up on, as the dead-letter consumer received them
 * (ADR 1101): `body` is the message as first sent (without its dead-letter note), so a replay
 * sends exactly that again; `replayed_at` is the once-only claim of a replay.
 */
export const deadLetters = pgTable(
  "dead_letters",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Its id on the side-effects queue: the dead-letter queue may deliver one letter twice. */
    messageId: text("message_id").notNull(),
    type: text("type"),
    idempotencyKey: text("idempotency_key"),
    body: jsonb("body").notNull(),
    reason: text("reason").notNull(),
    attempts: integer("attempts").notNull(),
    failedAt: timestamp("failed_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
    replayedAt: timestamp("replayed_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("dead_letters_message_id_key").on(t.messageId), index("dead_letters_created_at_idx").on(t.createdAt)],
);

/** Small settings the worker learns at run time (e.g. the Vapi webhook credential id). */
export const appSettings = pgTable("app_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: updatedAt(),
});
