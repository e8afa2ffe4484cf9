import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { calls, phoneNumbers } from "../../../src/db/schema";
import { grantCredits, recordPaymentFacts } from "../../support/credits";
import { db } from "../../support/db";
import { envWith } from "../../support/env";
import { call } from "../../support/http";
import { createLine, deliver, vapiMessage } from "../../support/vapi-webhook";

type Answer = {
  assistantId?: string;
  assistantOverrides?: { maxDurationSeconds: number; variableValues: Record<string, string> };
  destination?: { type: string; number: string; message: string };
  error?: string;
};

/** A valid US number (libphonenumber-js) that is one of our numbers: the line's own, renumbered. */
async function ourNumber(businessId: string): Promise<string> {
  const number = `+1212${200 + Math.floor(Math.random() * 800)}${String(Math.floor(Math.random() * 1e4)).padStart(4, "0")}`;
  await db.update(phoneNumbers).set({ e164: number }).where(eq(phoneNumbers.businessId, businessId));
  return number;
}

const callRow = async (vapiCallId: string) => (await db.select().from(calls).where(eq(calls.vapiCallId, vapiCallId)))[0];

describe("assistant-request", () => {
  it("answers the number's assistant with maxDurationSeconds from the hold, and records the call", async () => {
    const { owner, line, agentId } = await createLine({ credits: 100 });
    const { status, body } = await deliver<Answer>(vapiMessage("assistant-request", line));
    expect(status).toBe(200);
    expect(body).toEqual({ assistantId: line.vapiAssistantId, assistantOverrides: { maxDurationSeconds: 600, variableValues: { agentName: "Bella's Front Desk" } } });
    expect(await callRow(line.vapiCallId)).toMatchObject({ businessId: owner.user.id, agentId, status: "queued", customerNumber: "+15125550147", refusedReason: null });
    const credits = await call("/api/credits", { cookie: owner.cookie });
    expect(await credits.json()).toMatchObject({ balance: 100, reserved: 10, available: 90 });
    const me = (await (await call("/api/me", { cookie: owner.cookie })).json()) as { user: Record<string, unknown> };
    expect(me.user).toMatchObject({ credits: 100, reserved: 10, available: 90 });
  });

  it("a low balance shortens the call to what the hold covers", async () => {
    const { line } = await createLine({ credits: 3 });
    const { body } = await deliver<Answer>(vapiMessage("assistant-request", line));
    expect(body.assistantOverrides?.maxDurationSeconds).toBe(180);
  });

  it("two calls at once on 12 credits hold 10 and 2: the second is cut at 2 minutes", async () => {
    const { line, newCall } = await createLine({ credits: 12 });
    const answers = await Promise.all([deliver<Answer>(vapiMessage("assistant-request", line)), deliver<Answer>(vapiMessage("assistant-request", newCall()))]);
    expect(answers.map((a) => a.body.assistantOverrides?.maxDurationSeconds).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([120, 600]);
    const third = await deliver<Answer>(vapiMessage("assistant-request", newCall()));
    expect(third.body).toEqual({ error: expect.stringMatching(/call back/) });
  });

  it("a redelivered assistant-request answers the same and holds once", async () => {
    const { owner, line } = await createLine({ credits: 15 });
    const first = await deliver<Answer>(vapiMessage("assistant-request", line));
    const again = await deliver<Answer>(vapiMessage("assistant-request", line));
    expect(again.body).toEqual(first.body);
    expect(await (await call("/api/credits", { cookie: owner.cookie })).json()).toMatchObject({ reserved: 10, available: 5 });
    expect(await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId))).toHaveLength(1);
  });

  it("an owner out of credit with a phone: the caller is transferred to it, and the call is recorded as refused", async () => {
    const { line } = await createLine({ credits: 0, ownerPhone: "+15125550199" });
    const { status, body } = await deliver<Answer>(vapiMessage("assistant-request", line));
    expect(status).toBe(200);
    expect(body).toEqual({ destination: { type: "number", number: "+15125550199", message: expect.any(String) } });
    const row = await callRow(line.vapiCallId);
    expect(row).toMatchObject({ status: "refused", refusedReason: "out_of_credit" });
    // The record says where the caller went, not only that the call was refused (issue 21 defect 8).
    expect(row?.events).toEqual([{ at: expect.any(String), kind: "refused", detail: "Forwarded to your phone, +15125550199" }]);
  });

  it("an owner out of credit without a phone: a short spoken refusal; buying credits re-enables the line at once", async () => {
    const { owner, line, newCall } = await createLine({ credits: 0 });
    const { body } = await deliver<Answer>(vapiMessage("assistant-request", line));
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error?.length).toBeLessThan(120);
    expect(await callRow(line.vapiCallId)).toMatchObject({ status: "refused", refusedReason: "out_of_credit", events: [] });
    await grantCredits(owner.user.id, 5);
    expect((await deliver<Answer>(vapiMessage("assistant-request", newCall()))).body.assistantOverrides?.maxDurationSeconds).toBe(300);
  });

  it("a paused agent refuses (transfer to the owner), recorded with its reason, holding nothing", async () => {
    const { owner, line } = await createLine({ credits: 50, agentStatus: "paused", ownerPhone: "+15125550123" });
    const { body } = await deliver<Answer>(vapiMessage("assistant-request", line));
    expect(body.destination?.number).toBe("+15125550123");
    expect(await callRow(line.vapiCallId)).toMatchObject({ status: "refused", refusedReason: "agent_paused" });
    expect(await (await call("/api/credits", { cookie: owner.cookie })).json()).toMatchObject({ reserved: 0, available: 50 });
  });

  it("a number without an agent refuses, recorded as no_agent", async () => {
    const { line } = await createLine({ credits: 50, withAgent: false });
    const { body } = await deliver<Answer>(vapiMessage("assistant-request", line));
    expect(body).toEqual({ error: expect.any(String) });
    expect(await callRow(line.vapiCallId)).toMatchObject({ status: "refused", refusedReason: "no_agent" });
  });

  it("an unknown number gets a spoken refusal and writes nothing", async () => {
    const { line } = await createLine();
    const { status, body } = await deliver<Answer>(vapiMessage("assistant-request", { ...line, vapiPhoneNumberId: "pn-nobody" }));
    expect(status).toBe(200);
    expect(body).toEqual({ error: expect.any(String) });
    expect(await callRow(line.vapiCallId)).toBeUndefined();
  });
});

describe("assistant-request: a call id we already know (issue 18 item 3)", () => {
  it("a byte-identical replay after the call was settled opens no hold and is refused", async () => {
    const { owner, line } = await createLine({ credits: 100 });
    const request = vapiMessage("assistant-request", line);
    expect((await deliver<Answer>(request)).body.assistantId).toBe(line.vapiAssistantId);
    expect((await deliver(vapiMessage("end-of-call-report", line))).status).toBe(200);
    const settled = await (await call("/api/credits", { cookie: owner.cookie })).json();
    expect(settled).toMatchObject({ balance: 96, reserved: 0 });

    const replay = await deliver<Answer>(request);
    expect(replay.body).toEqual({ error: expect.any(String) });
    expect(await (await call("/api/credits", { cookie: owner.cookie })).json()).toMatchObject({ balance: 96, reserved: 0, available: 96 });
    expect(await callRow(line.vapiCallId)).toMatchObject({ status: "ended" });
  });

  it("50 assistant-requests for one call id at once: one hold, one call row, every answer the same", async () => {
    const { owner, line } = await createLine({ credits: 15 });
    const request = vapiMessage("assistant-request", line);
    const answers = await Promise.all(Array.from({ length: 50 }, () => deliver<Answer>(request)));
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    expect(answers[0]?.body).toMatchObject({ assistantId: line.vapiAssistantId, assistantOverrides: { maxDurationSeconds: 600 } });
    expect(await (await call("/api/credits", { cookie: owner.cookie })).json()).toMatchObject({ reserved: 10, available: 5 });
    expect(await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId))).toHaveLength(1);
  });

  it("a replay of a refused call is answered the same way and never gets a hold, even once credits are back", async () => {
    const { owner, line } = await createLine({ credits: 0, ownerPhone: "+15125550199" });
    const request = vapiMessage("assistant-request", line);
    const first = await deliver<Answer>(request);
    expect(first.body.destination?.number).toBe("+15125550199");
    await grantCredits(owner.user.id, 50);
    expect((await deliver<Answer>(request)).body).toEqual(first.body);
    expect(await (await call("/api/credits", { cookie: owner.cookie })).json()).toMatchObject({ reserved: 0, available: 50 });
  });
});

describe("assistant-request: forwarding only where the destination policy allows (issue 18 item 1)", () => {
  it("an owner who never completed a purchase is not forwarded, out of credit or paused", async () => {
    const { line } = await createLine({ credits: 0, ownerPhone: "+15125550199", paid: false });
    expect((await deliver<Answer>(vapiMessage("assistant-request", line))).body).toEqual({ error: expect.any(String) });
    const paused = await createLine({ credits: 50, agentStatus: "paused", ownerPhone: "+15125550123", paid: false });
    expect((await deliver<Answer>(vapiMessage("assistant-request", paused.line))).body).toEqual({ error: expect.any(String) });
  });

  it("an owner whose only purchase was refunded in full or is disputed is not forwarded: a reversed payment is no payment (ADR 0420)", async () => {
    for (const facts of [{ refunded: 1000 }, { dispute: "needs_response" }, { dispute: "lost" }]) {
      const { line, owner } = await createLine({ credits: 0, ownerPhone: "+15125550199" });
      await recordPaymentFacts(owner.user.id, facts);
      expect((await deliver<Answer>(vapiMessage("assistant-request", line))).body, JSON.stringify(facts)).toEqual({ error: expect.any(String) });
    }
    const won = await createLine({ credits: 0, ownerPhone: "+15125550199" });
    await recordPaymentFacts(won.owner.user.id, { dispute: "won" });
    expect((await deliver<Answer>(vapiMessage("assistant-request", won.line))).body).toMatchObject({ destination: { number: "+15125550199" } });
  });

  it("an owner's phone saved before the policy (premium rate, international, Jamaica behind +1, one of our numbers) is not forwarded to", async () => {
    const ours = await createLine({ credits: 10 });
    for (const ownerPhone of ["+19005551234", "+88213000000", "+18765550123", await ourNumber(ours.owner.user.id)]) {
      const { line } = await createLine({ credits: 0, ownerPhone });
      expect((await deliver<Answer>(vapiMessage("assistant-request", line))).body, ownerPhone).toEqual({ error: expect.any(String) });
    }
  });

  it("out-of-credit forwards are bounded per business per day; a redelivery is not counted twice", async () => {
    const env = envWith({ OUT_OF_CREDIT_FORWARDS_PER_DAY: "2" });
    const { line, newCall } = await createLine({ credits: 0, ownerPhone: "+15125550199" });
    const forwarded = { destination: { type: "number", number: "+15125550199", message: expect.any(String) } };
    expect((await deliver<Answer>(vapiMessage("assistant-request", line), env)).body).toEqual(forwarded);
    expect((await deliver<Answer>(vapiMessage("assistant-request", line), env)).body).toEqual(forwarded);
    expect((await deliver<Answer>(vapiMessage("assistant-request", newCall()), env)).body).toEqual(forwarded);
    expect((await deliver<Answer>(vapiMessage("assistant-request", newCall()), env)).body).toEqual({ error: expect.any(String) });
    const paused = await createLine({ credits: 50, agentStatus: "paused", ownerPhone: "+15125550123" });
    const none = envWith({ OUT_OF_CREDIT_FORWARDS_PER_DAY: "0" });
    expect((await deliver<Answer>(vapiMessage("assistant-request", paused.line), none)).body).toEqual({ error: expect.any(String) });
  });

  it("a transfer number that no longer passes (now one of our numbers) is taken off this call's tools", async () => {
    const other = await createLine({ credits: 10 });
    const { line } = await createLine({ credits: 100, transferNumber: await ourNumber(other.owner.user.id) });
    const { body } = await deliver<Answer & { assistantOverrides: { model?: { tools?: { type: string }[] } } }>(vapiMessage("assistant-request", line));
    expect(body.assistantId).toBe(line.vapiAssistantId);
    expect(body.assistantOverrides.maxDurationSeconds).toBe(600);
    const tools = body.assistantOverrides.model?.tools?.map((tool) => tool.type);
    expect(tools).toContain("endCall");
    expect(tools).not.toContain("transferCall");
  });

  it("a transfer number that passes leaves the assistant as Vapi has it", async () => {
    const { line } = await createLine({ credits: 100, transferNumber: "+15125550100" });
    const { body } = await deliver<Answer>(vapiMessage("assistant-request", line));
    expect(body.assistantOverrides).toEqual({ maxDurationSeconds: 600, variableValues: { agentName: "Bella's Front Desk" } });
  });
});
