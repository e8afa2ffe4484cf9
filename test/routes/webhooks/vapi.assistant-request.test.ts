import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { calls } from "../../../src/db/schema";
import { grantCredits } from "../../support/credits";
import { db } from "../../support/db";
import { call } from "../../support/http";
import { createLine, deliver, vapiMessage } from "../../support/vapi-webhook";

type Answer = {
  assistantId?: string;
  assistantOverrides?: { maxDurationSeconds: number; variableValues: Record<string, string> };
  destination?: { type: string; number: string; message: string };
  error?: string;
};

const callRow = async (vapiCallId: string) => (await db.select().from(calls).where(eq(calls.vapiCallId, vapiCallId)))[0];

describe("assistant-request", () => {
  it("answers the number's assistant with maxDurationSeconds from the hold, and records the call", async () => {
    const { owner, line, agentId } = await createLine({ credits: 100 });
    const { status, body } = await deliver<Answer>(vapiMessage("assistant-request", line));
    expect(status).toBe(200);
    expect(body).toEqual({ assistantId: line.vapiAssistantId, assistantOverrides: { maxDurationSeconds: 600, variableValues: { agentName: "Bella's Front Desk" } } });
    expect(await callRow(line.vapiCallId)).toMatchObject({ userId: owner.user.id, agentId, status: "queued", customerNumber: "+15125550147", refusedReason: null });
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
    expect(await callRow(line.vapiCallId)).toMatchObject({ status: "refused", refusedReason: "out_of_credit" });
  });

  it("an owner out of credit without a phone: a short spoken refusal; buying credits re-enables the line at once", async () => {
    const { owner, line, newCall } = await createLine({ credits: 0 });
    const { body } = await deliver<Answer>(vapiMessage("assistant-request", line));
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error?.length).toBeLessThan(120);
    expect(await callRow(line.vapiCallId)).toMatchObject({ status: "refused", refusedReason: "out_of_credit" });
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
