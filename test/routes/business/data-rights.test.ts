/**
 * Data rights (docs/architecture.md §7d, ADR 1110, 1112): GET /api/export streams everything of
 * the business and nothing of another or any secret; DELETE /api/business takes it apart at the
 * vendors and here, survives a vendor failing halfway, and leaves the money books whole.
 */
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { agents, bookingHolds, businessDeletions, businesses, calls, creditTransactions, googleConnections, invitations, memberships, phoneNumbers, sessions, undeliveredVendorMessages, users } from "../../../src/db/schema";
import { runScheduled } from "../../../src/scheduled";
import { createServices } from "../../../src/services/create-services";
import { runBusinessDeletion } from "../../../src/services/data-rights/deletion";
import { saveConnection } from "../../../src/services/google/connection";
import type { SideEffectMessage } from "../../../src/side-effects/messages";
import { logIn } from "../../support/accounts";
import { createAgentVia } from "../../support/agents";
import { memberOf, onlyMemberOf, ownerWithBusiness } from "../../support/business";
import { expectLedgerConsistent, recordPaymentFacts, recordPurchase } from "../../support/credits";
import { db } from "../../support/db";
import { bindingsWith, recordingQueue, testEnv } from "../../support/env";
import { google, googleDeps, issueTokens, SCOPES } from "../../support/google";
import { call, errorOf } from "../../support/http";
import { consumeBatch } from "../../support/queues";
import { stripeStandIn } from "../../support/stripe";
import { callAtVapi, vapi, vapiState } from "../../support/vapi";
import { deliver, vapiMessage } from "../../support/vapi-webhook";

const TRANSCRIPT = "AI: Thanks for calling! User: This is Jamie Rivera, I'd like a haircut on Tuesday.";

/** An owner with an agent and a number (bought at the Vapi stand-in), a paid purchase, Google connected, two calls, a booking and a pending invitation. */
async function fullBusiness() {
  const owner = await ownerWithBusiness();
  const { businessId } = owner;
  await recordPurchase(businessId, 100);
  await recordPaymentFacts(businessId, { refunded: 0 });
  const agent = await createAgentVia(owner.cookie);
  const bought = await call("/api/phone-numbers", { method: "POST", cookie: owner.cookie, json: { agentId: agent.id } });
  expect(bought.status, await bought.clone().text()).toBe(201);
  const number = ((await bought.json()) as { phoneNumber: { id: string; vapiPhoneNumberId: string } }).phoneNumber;
  const tokens = await issueTokens(SCOPES, `owner-${crypto.randomUUID()}@gmail.com`);
  await saveConnection(googleDeps(new Date()), businessId, { email: "bella.salon@gmail.com", scopes: SCOPES.split(" "), ...tokens });
  const made = [];
  for (let i = 0; i < 2; i++) {
    const vapiCallId = `call-${crypto.randomUUID()}`;
    await callAtVapi({ id: vapiCallId });
    const [row] = await db
      .insert(calls)
      .values({
        businessId,
        agentId: agent.id,
        phoneNumberId: number.id,
        vapiCallId,
        status: "ended",
        customerNumber: "+15125550147",
        transcript: TRANSCRIPT,
        summary: "Jamie Rivera booked a haircut.",
        recordingUrl: `https://storage.vapi.ai/${vapiCallId}.wav`,
        structuredData: { callerName: "Jamie Rivera" },
        messages: [{ role: "user", message: "This is Jamie Rivera" }],
        reportReceivedAt: new Date(),
      })
      .returning();
    if (row) made.push(row);
  }
  await db.insert(bookingHolds).values({
    agentId: agent.id,
    businessId,
    calendarId: "primary",
    startAt: new Date("2031-05-14T13:00:00Z"),
    endAt: new Date("2031-05-14T13:30:00Z"),
    expiresAt: new Date("2031-05-14T13:00:00Z"),
    status: "confirmed",
    callerPhone: "+15125550147",
    callId: made[0]?.vapiCallId,
  });
  await db.insert(invitations).values({ businessId, email: `invitee-${crypto.randomUUID()}@example.test`, role: "staff", tokenHash: crypto.randomUUID(), expiresAt: new Date(Date.now() + 86_400_000) });
  return { ...owner, agent, number, calls: made, tokens };
}

async function exportLines(cookie: string) {
  const response = await call("/api/export", { cookie });
  expect(response.status, response.status === 200 ? "" : await response.clone().text()).toBe(200);
  const text = new TextDecoder().decode(await response.arrayBuffer());
  return { response, text, records: text.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown> & { type: string }) };
}

describe("GET /api/export", () => {
  it("streams every kind of record of the business, nothing of another, and no secret", async () => {
    const mine = await fullBusiness();
    const other = await fullBusiness();
    const { response, text, records } = await exportLines(mine.cookie);

    expect(response.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="agentline-export-\d{4}-\d\d-\d\d\.ndjson"$/);
    const types = new Set(records.map((record) => record.type));
    for (const type of ["export", "business", "member", "invitation", "agent", "phone_number", "call", "booking", "ledger_entry", "stripe_refund", "google_connection", "end"]) {
      expect(types, type).toContain(type);
    }
    expect(records[0]).toMatchObject({ type: "export", businessId: mine.businessId });
    expect(records.at(-1)).toMatchObject({ type: "end", counts: { call: 2, agent: 1, phone_number: 1 } });
    const exportedCalls = records.filter((record) => record.type === "call");
    expect(exportedCalls.map((record) => record.id).sort()).toEqual(mine.calls.map((row) => row.id).sort());
    expect(exportedCalls[0]).toMatchObject({ transcript: TRANSCRIPT, summary: "Jamie Rivera booked a haircut.", structuredData: { callerName: "Jamie Rivera" } });
    expect(records.find((record) => record.type === "member")).toMatchObject({ email: mine.email, role: "owner" });
    expect(records.find((record) => record.type === "google_connection")).toMatchObject({ googleEmail: "bella.salon@gmail.com" });

    // Nothing of the other business.
    for (const id of [other.businessId, other.agent.id, other.number.id, ...other.calls.map((row) => row.id)]) expect(text).not.toContain(id);
    expect(text).not.toContain(other.email);
    // No secret: no hash, token or ciphertext field, and no token's value.
    expect(text).not.toMatch(/passwordHash|password_hash|tokenHash|token_hash|Ciphertext|ciphertext|refreshLease|sessionId/);
    expect(text).not.toContain(mine.tokens.refreshToken);
    expect(text).not.toContain(mine.tokens.accessToken);
    const [hash] = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, mine.user.id));
    expect(text).not.toContain(hash?.hash);
  });

  it("is the owner's alone: an admin or staff member gets 403, no session 401", async () => {
    const owner = await ownerWithBusiness();
    for (const role of ["admin", "staff"] as const) {
      const member = await onlyMemberOf(owner.businessId, role);
      const response = await call("/api/export", { cookie: member.cookie });
      expect(response.status, role).toBe(403);
      expect((await errorOf(response)).code).toBe("forbidden");
    }
    expect((await call("/api/export")).status).toBe(401);
  });

  it("is limited per business: the fourth export in an hour is a 429", async () => {
    const owner = await ownerWithBusiness();
    for (let i = 0; i < 3; i++) await exportLines(owner.cookie);
    const response = await call("/api/export", { cookie: owner.cookie });
    expect(response.status).toBe(429);
    expect((await errorOf(response)).code).toBe("rate_limited");
  });
});

/** DELETE /api/business with a queue that keeps the message (the test runs the job itself). */
async function requestDeletion(cookie: string, confirm: unknown) {
  const queue = recordingQueue<SideEffectMessage>();
  const response = await call("/api/business", { method: "DELETE", cookie, json: { confirm }, env: bindingsWith({ SIDE_EFFECTS: queue }) });
  return { response, sent: queue.sent };
}

const services = () => createServices(testEnv);

describe("DELETE /api/business", () => {
  it("refuses a confirmation that is not the business's name exactly, and changes nothing", async () => {
    const owner = await ownerWithBusiness("Bella Hair Studio");
    for (const confirm of ["bella hair studio", "Bella Hair Studio ", "", "Bella"]) {
      const { response, sent } = await requestDeletion(owner.cookie, confirm);
      expect(response.status, confirm).toBe(400);
      expect((await errorOf(response)).message).toContain('"Bella Hair Studio"');
      expect(sent).toEqual([]);
    }
    expect((await requestDeletion(owner.cookie, undefined)).response.status).toBe(400);
    const [business] = await db.select().from(businesses).where(eq(businesses.id, owner.businessId));
    expect(business?.deletedAt).toBeNull();
    expect(await db.select().from(businessDeletions).where(eq(businessDeletions.businessId, owner.businessId))).toEqual([]);
  });

  it("is the owner's alone: an admin gets 403 and the business stays", async () => {
    const owner = await ownerWithBusiness();
    const admin = await onlyMemberOf(owner.businessId, "admin");
    const { response } = await requestDeletion(admin.cookie, owner.businessName);
    expect(response.status).toBe(403);
    const [business] = await db.select().from(businesses).where(eq(businesses.id, owner.businessId));
    expect(business?.deletedAt).toBeNull();
  });

  it("takes everything apart at Vapi, Google and here, resuming after vendors fail halfway; the ledger still adds up", async () => {
    const owner = await fullBusiness();
    const { businessId } = owner;
    const staff = await onlyMemberOf(businessId, "staff");
    const elsewhere = await memberOf(businessId, "admin");
    await db.insert(undeliveredVendorMessages).values({ provider: "vapi", vapiCallId: owner.calls[0]?.vapiCallId, rawBody: TRANSCRIPT, bodySha256: crypto.randomUUID(), reason: "test" });
    const customer = await (await services().stripe()).customers.create({ email: owner.email, name: owner.businessName });
    await db.update(businesses).set({ stripeCustomerId: customer.id }).where(eq(businesses.id, businessId));

    const { response, sent } = await requestDeletion(owner.cookie, owner.businessName);
    expect(response.status, await response.clone().text()).toBe(202);
    expect(((await response.json()) as { deletion: { status: string } }).deletion.status).toBe("in_progress");
    expect(sent).toEqual([expect.objectContaining({ type: "business.delete", businessId })]);

    // From the request on, nobody works in it: the owner and staff are refused, the admin with
    // another business falls back to that one.
    expect((await call("/api/agents", { cookie: owner.cookie })).status).toBe(403);
    expect((await call("/api/export", { cookie: owner.cookie })).status).toBe(403);
    expect((await call("/api/export", { cookie: staff.cookie })).status).toBe(403);
    const me = (await (await call("/api/me", { cookie: elsewhere.cookie })).json()) as { user: { id: string } };
    expect(me.user.id).toBe(elsewhere.user.id);
    const [session] = await db.select().from(sessions).where(eq(sessions.userId, elsewhere.user.id));
    expect(session?.businessId ?? null).not.toBe(businessId);
    // A second DELETE while it runs changes nothing: the owner is no member any more.
    expect((await requestDeletion(owner.cookie, owner.businessName)).response.status).toBe(403);

    // Vapi fails releasing the number (the client retries once: two failures), then Google fails revoking.
    await vapi.fault({ method: "DELETE", path: `/phone-number/${owner.number.vapiPhoneNumberId}`, status: 500, times: 2 });
    await expect(runBusinessDeletion(services(), businessId)).rejects.toThrow();
    let [job] = await db.select().from(businessDeletions).where(eq(businessDeletions.businessId, businessId));
    expect(job).toMatchObject({ attempts: 1, completedAt: null, leaseUntil: null });
    expect(job?.lastError).toBeTruthy();
    expect(job?.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    expect(await db.select().from(phoneNumbers).where(eq(phoneNumbers.businessId, businessId))).toHaveLength(1);

    await google.fault({ method: "POST", path: "/revoke", status: 503, times: 5 });
    await expect(runBusinessDeletion(services(), businessId)).rejects.toThrow();
    await google.reset();
    [job] = await db.select().from(businessDeletions).where(eq(businessDeletions.businessId, businessId));
    expect(job?.attempts).toBe(2);
    // The number and the assistant went in that run; the Google connection is still there to revoke.
    expect(await db.select().from(phoneNumbers).where(eq(phoneNumbers.businessId, businessId))).toEqual([]);
    expect(await db.select().from(agents).where(eq(agents.businessId, businessId))).toEqual([]);
    expect(await db.select().from(googleConnections).where(eq(googleConnections.businessId, businessId))).toHaveLength(1);

    expect(await runBusinessDeletion(services(), businessId)).toBe("completed");
    // Done is done: another run (a late queue message) does nothing.
    expect(await runBusinessDeletion(services(), businessId)).toBe("not_found");

    // Nothing left at the vendors.
    const state = await vapiState();
    expect(state.assistants.find((a) => a.id === owner.agent.vapiAssistantId)).toBeUndefined();
    expect(state.phoneNumbers.find((n) => n.id === owner.number.vapiPhoneNumberId)).toBeUndefined();
    const vapiCalls = ((await vapi.state<{ calls: { id: string }[] }>()).calls ?? []).map((c) => c.id);
    for (const row of owner.calls) expect(vapiCalls).not.toContain(row.vapiCallId);
    const refreshed = await fetch(`${google.url}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: owner.tokens.refreshToken, client_id: String(testEnv.GOOGLE_CLIENT_ID), client_secret: String(testEnv.GOOGLE_CLIENT_SECRET) }),
    });
    expect(refreshed.status).toBe(400);
    const stripeCustomers = (await stripeStandIn().stateNow()).customers;
    expect(stripeCustomers.find((c) => c.id === customer.id)).toEqual({ id: customer.id, object: "customer", deleted: true });
    expect(JSON.stringify(stripeCustomers)).not.toContain(owner.email);

    // Nothing personal left here.
    expect(await db.select().from(googleConnections).where(eq(googleConnections.businessId, businessId))).toEqual([]);
    expect(await db.select().from(bookingHolds).where(eq(bookingHolds.businessId, businessId))).toEqual([]);
    expect(await db.select().from(invitations).where(eq(invitations.businessId, businessId))).toEqual([]);
    expect(await db.select().from(memberships).where(eq(memberships.businessId, businessId))).toEqual([]);
    expect(await db.select().from(undeliveredVendorMessages).where(eq(undeliveredVendorMessages.vapiCallId, owner.calls[0]?.vapiCallId ?? ""))).toEqual([]);
    const kept = await db.select().from(calls).where(eq(calls.businessId, businessId));
    expect(kept).toHaveLength(2);
    for (const row of kept) {
      expect(row).toMatchObject({ transcript: null, summary: null, recordingUrl: null, messages: null, structuredData: null, customerNumber: null, liveTranscript: [] });
      expect(row.artifactsDeletedAt).not.toBeNull();
    }
    const [tombstone] = await db.select().from(businesses).where(eq(businesses.id, businessId));
    expect(tombstone).toMatchObject({ name: "Deleted business", phone: null, autoTopUpEnabled: false });
    expect(tombstone?.deletedAt).not.toBeNull();
    expect(JSON.stringify(await db.select().from(businesses).where(eq(businesses.id, businessId)))).not.toContain(owner.businessName);

    // The ledger is kept, without descriptions, and still adds up.
    const ledger = await db.select().from(creditTransactions).where(eq(creditTransactions.businessId, businessId));
    expect(ledger.length).toBeGreaterThan(0);
    expect(ledger.every((row) => row.description === null)).toBe(true);
    await expectLedgerConsistent(businessId);

    // Accounts: the owner and the staff member (no other business) are deleted; the admin keeps theirs.
    for (const closed of [owner, staff]) {
      expect(await db.select().from(users).where(eq(users.id, closed.user.id))).toEqual([]);
      expect(await db.select().from(sessions).where(eq(sessions.userId, closed.user.id))).toEqual([]);
      expect((await logIn(closed.email, closed.password)).status).toBe(401);
      expect((await call("/api/me", { cookie: closed.cookie })).status).toBe(401);
    }
    expect((await logIn(elsewhere.email, elsewhere.password)).status).toBe(200);
  });

  it("answers webhooks for its old calls without reviving anything", async () => {
    const owner = await fullBusiness();
    const old = owner.calls[0];
    if (!old) throw new Error("no call");
    const line = { vapiCallId: old.vapiCallId, vapiPhoneNumberId: owner.number.vapiPhoneNumberId, vapiAssistantId: owner.agent.vapiAssistantId };
    expect((await requestDeletion(owner.cookie, owner.businessName)).response.status).toBe(202);
    // While the job has not run yet (number and assistant still at Vapi), and after it has.
    for (const phase of ["requested", "completed"]) {
      if (phase === "completed") expect(await runBusinessDeletion(services(), owner.businessId)).toBe("completed");
      const before = await db.select().from(creditTransactions).where(eq(creditTransactions.businessId, owner.businessId));
      const fresh = { ...line, vapiCallId: `call-${crypto.randomUUID()}` };
      const request = await deliver<{ assistantId?: string }>(vapiMessage("assistant-request", fresh));
      expect(request.status, phase).toBe(200);
      expect(request.body.assistantId, phase).toBeUndefined();
      for (const target of [line, fresh]) {
        const report = await deliver(vapiMessage("end-of-call-report", target));
        expect(report.status, phase).toBeLessThan(300);
        await deliver(vapiMessage("status-update", target));
        await deliver(vapiMessage("transcript-final", target));
      }
      const after = await db.select().from(creditTransactions).where(eq(creditTransactions.businessId, owner.businessId));
      expect(after.length, phase).toBe(before.length);
      const rows = await db.select().from(calls).where(and(eq(calls.businessId, owner.businessId), sql`${calls.transcript} is not null or ${calls.liveTranscript} <> '[]'::jsonb`));
      if (phase === "completed") expect(rows, phase).toEqual([]);
      expect(await db.select().from(calls).where(eq(calls.vapiCallId, fresh.vapiCallId)), phase).toEqual([]);
    }
    await expectLedgerConsistent(owner.businessId);
  });

  it("two DELETEs at once make one job; the queue message runs it, and a lost message is finished by the Cron Trigger", async () => {
    const first = await fullBusiness();
    const answers = await Promise.all([requestDeletion(first.cookie, first.businessName), requestDeletion(first.cookie, first.businessName)]);
    expect(answers.map((answer) => answer.response.status).sort()).toEqual(expect.arrayContaining([202]));
    for (const answer of answers) expect([202, 403]).toContain(answer.response.status);
    expect(await db.select().from(businessDeletions).where(eq(businessDeletions.businessId, first.businessId))).toHaveLength(1);
    const message = answers.flatMap((answer) => answer.sent)[0];
    if (!message) throw new Error("no message queued");
    const { result } = await consumeBatch([message]);
    expect(result.explicitAcks).toHaveLength(1);
    const [done] = await db.select().from(businessDeletions).where(eq(businessDeletions.businessId, first.businessId));
    expect(done?.completedAt).not.toBeNull();

    // The queue refuses the message: the request still answers 202, and the next cron run deletes.
    const second = await fullBusiness();
    const failingQueue = { send: async () => Promise.reject(new Error("queue unavailable")), sendBatch: async () => undefined } as unknown as Queue;
    const response = await call("/api/business", { method: "DELETE", cookie: second.cookie, json: { confirm: second.businessName }, env: bindingsWith({ SIDE_EFFECTS: failingQueue }) });
    expect(response.status).toBe(202);
    const scheduled = await runScheduled({ cron: "17 * * * *", scheduledTime: Date.now() + 1000 }, testEnv);
    expect(scheduled?.deletions).toEqual(expect.arrayContaining([{ businessId: second.businessId, outcome: "completed" }]));
    expect((await vapiState()).phoneNumbers.find((n) => n.id === second.number.vapiPhoneNumberId)).toBeUndefined();
  });
});
