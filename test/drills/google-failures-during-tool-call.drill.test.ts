/**
 * Fault drill: Google fails while a caller is booking — `check_availability` then
 * `book_appointment` in one tool-calls message through POST /api/webhooks/vapi, against the
 * Google stand-in.
 * - invalid_grant: the owner revoked our access at Google and the access token has expired, so
 *   the refresh is refused. What this proves: HTTP 200 with the spoken fallback for each tool
 *   call, the connection marked `needs_reconnect` (its access token dropped) and logged, the
 *   failure on the call as GET /api/calls/:id shows it; the next tool call falls back without
 *   asking Google again.
 * - invalid_grant with the access token still cached (revoked minutes after connecting): Calendar
 *   answers 401, the one refresh that follows is refused, and the same call already marks the
 *   connection `needs_reconnect` instead of paying a failing request on every call for an hour.
 * - 429 (rateLimitExceeded on every Calendar request): the same 200 and fallback, the failure on
 *   the call naming the rate limit and logged with kind `rate_limited`. "Marked" for a 429 means
 *   exactly that — recorded on the call and in the log — and NOT `needs_reconnect`: the grant is
 *   fine and the owner has nothing to fix, so the connection stays `ok` with its token, and the
 *   retried booking succeeds once Google lets up.
 */
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { agents, calls } from "../../src/db/schema";
import { CALENDAR_FALLBACK } from "../../src/services/calls/speech";
import { saveConnection } from "../../src/services/google/connection";
import { db } from "../support/db";
import { calendarEvents, connectionRow, google, googleDeps, issueTokens, ownCalendar, SCOPES } from "../support/google";
import { call } from "../support/http";
import { createLine, deliver, type Line, vapiMessage } from "../support/vapi-webhook";

type ToolAnswer = { results: { name: string; toolCallId: string; result?: string; error?: string }[] };
type CallJson = { call: { id: string; events: { kind: string; tool?: string; detail: string }[] } };

/** One tool-calls message: the caller checks a day, then books a time on it. */
function checkThenBook(line: Line, date: string) {
  const body = vapiMessage("tool-calls", line);
  const ids = { check: `call_${crypto.randomUUID()}`, book: `call_${crypto.randomUUID()}` };
  body.message.toolCallList = [
    { id: ids.check, type: "function", function: { name: "check_availability", arguments: JSON.stringify({ date }) } },
    { id: ids.book, type: "function", function: { name: "book_appointment", arguments: JSON.stringify({ start: `${date}T10:00:00Z`, name: "Jordan Lee" }) } },
  ];
  body.message.toolWithToolCallList = [];
  return { body, ids };
}

function tuesdayAhead() {
  const day = new Date(Date.now() + 7 * 86_400_000);
  while (day.getUTCDay() !== 2) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

/** An owner whose Google is connected (as of `connectedAt`), an agent booking into its own calendar, and a call in progress. */
async function bookingLine(connectedAt: Date) {
  const created = await createLine({ bookingEnabled: true, timezone: "UTC" });
  const tokens = await issueTokens();
  await saveConnection(googleDeps(connectedAt), created.owner.user.id, { email: "owner.sandbox@gmail.com", scopes: SCOPES.split(" "), ...tokens });
  const calendarId = await ownCalendar(tokens.accessToken);
  await db.update(agents).set({ calendarId }).where(eq(agents.businessId, created.owner.user.id));
  expect((await deliver(vapiMessage("assistant-request", created.line))).status).toBe(200);
  const callJson = async () => {
    const [row] = await db.select({ id: calls.id }).from(calls).where(eq(calls.vapiCallId, created.line.vapiCallId));
    const response = await call(`/api/calls/${row?.id}`, { cookie: created.owner.cookie });
    expect(response.status).toBe(200);
    return (await response.json()) as CallJson;
  };
  // Read the calendar as another Google account: revoking the agent's token ends every token of
  // its account (one grant per account and client, as at Google), and the drill may revoke it.
  const viewer = (await issueTokens(SCOPES, "calendar-viewer@example.test")).accessToken;
  const booked = async () => (await calendarEvents(viewer, calendarId)).filter((event) => event.status !== "cancelled");
  return { ...created, tokens, callJson, booked };
}

/** The JSON log lines written at warn level. */
function warnings() {
  const spy = vi.spyOn(console, "warn").mockImplementation(() => undefined);
  return () => spy.mock.calls.map((args) => JSON.parse(String(args[0])) as Record<string, unknown>);
}

afterEach(async () => {
  vi.restoreAllMocks();
  await google.reset();
});

describe("drill: Google fails during a tool call", () => {
  it("invalid_grant: spoken fallback with 200, the connection marked needs_reconnect, the failure on the call", async () => {
    // Connected two hours ago: the access token has expired, the next tool call must refresh it.
    const { owner, line, tokens, callJson, booked } = await bookingLine(new Date(Date.now() - 2 * 3_600_000));
    const revoked = await fetch(`${google.url}/revoke?token=${encodeURIComponent(tokens.refreshToken)}`, { method: "POST" });
    expect(revoked.status).toBe(200);
    const logged = warnings();

    const { body, ids } = checkThenBook(line, tuesdayAhead());
    const answer = await deliver<ToolAnswer>(body);
    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual([
      { name: "check_availability", toolCallId: ids.check, result: CALENDAR_FALLBACK },
      { name: "book_appointment", toolCallId: ids.book, result: CALENDAR_FALLBACK },
    ]);

    const connection = await connectionRow(owner.user.id);
    expect(connection).toMatchObject({ status: "needs_reconnect", accessTokenCiphertext: null });
    expect(logged()).toContainEqual(expect.objectContaining({ level: "warn", msg: "google connection needs reconnecting", businessId: owner.user.id, why: expect.stringContaining("invalid_grant") }));
    expect((await callJson()).call.events).toEqual([
      expect.objectContaining({ kind: "tool_failed", tool: "check_availability", detail: "Google Calendar needs reconnecting" }),
      expect.objectContaining({ kind: "tool_failed", tool: "book_appointment", detail: "Google Calendar needs reconnecting" }),
    ]);

    // The next tool call falls back at once: Google is not asked again.
    const mark = await google.mark();
    const again = await deliver<ToolAnswer>(checkThenBook(line, tuesdayAhead()).body);
    expect(again.body.results.map((result) => result.result)).toEqual([CALENDAR_FALLBACK, CALENDAR_FALLBACK]);
    expect(await google.requests(mark)).toEqual([]);
    expect(await booked()).toEqual([]);
  });

  it("invalid_grant with the access token still cached: one refresh on the first 401, the fallback, and needs_reconnect at once", async () => {
    // Connected just now: the cached access token has most of its hour left when the owner revokes us.
    const { owner, line, tokens, callJson } = await bookingLine(new Date());
    const revoked = await fetch(`${google.url}/revoke?token=${encodeURIComponent(tokens.refreshToken)}`, { method: "POST" });
    expect(revoked.status).toBe(200);
    warnings();
    const mark = await google.mark();

    const { body, ids } = checkThenBook(line, tuesdayAhead());
    const answer = await deliver<ToolAnswer>(body);
    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual([
      { name: "check_availability", toolCallId: ids.check, result: CALENDAR_FALLBACK },
      { name: "book_appointment", toolCallId: ids.book, result: CALENDAR_FALLBACK },
    ]);
    expect(await connectionRow(owner.user.id)).toMatchObject({ status: "needs_reconnect", accessTokenCiphertext: null });
    const sent = await google.requests(mark);
    expect(sent.filter((request) => request.path === "/token")).toHaveLength(1);
    expect(sent.filter((request) => request.path.startsWith("/calendar/"))).toHaveLength(1);
    expect((await callJson()).call.events.map((event) => event.detail)).toEqual(["Google Calendar needs reconnecting", "Google Calendar needs reconnecting"]);
  });

  it("429: spoken fallback with 200, the rate limit on the call and in the log, the connection left ok; the retry books", async () => {
    const { owner, line, callJson, booked } = await bookingLine(new Date());
    await google.fault({
      path: "/calendar/",
      status: 429,
      times: -1,
      body: { error: { code: 429, message: "Rate Limit Exceeded", errors: [{ domain: "usageLimits", reason: "rateLimitExceeded", message: "Rate Limit Exceeded" }], status: "RESOURCE_EXHAUSTED" } },
    });
    const logged = warnings();

    const { body, ids } = checkThenBook(line, tuesdayAhead());
    const answer = await deliver<ToolAnswer>(body);
    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual([
      { name: "check_availability", toolCallId: ids.check, result: CALENDAR_FALLBACK },
      { name: "book_appointment", toolCallId: ids.book, result: CALENDAR_FALLBACK },
    ]);

    const connection = await connectionRow(owner.user.id);
    expect(connection).toMatchObject({ status: "ok", accessTokenCiphertext: expect.any(String) });
    const rateLimited = logged().filter((line) => line.kind === "rate_limited" && line.status === 429);
    expect(rateLimited.length).toBeGreaterThanOrEqual(2);
    const detail = "Google Calendar is rate-limiting our requests (429); the connection is fine";
    expect((await callJson()).call.events).toEqual([
      expect.objectContaining({ kind: "tool_failed", tool: "check_availability", detail }),
      expect.objectContaining({ kind: "tool_failed", tool: "book_appointment", detail }),
    ]);

    // Google lets up: Vapi's retry of the same message books once.
    await google.reset();
    expect(await booked()).toEqual([]);
    const retried = await deliver<ToolAnswer>(body);
    expect(retried.body.results[1]?.result).toMatch(/^You're booked for .* at 10:00 AM, under the name Jordan Lee\.$/);
    expect(await booked()).toHaveLength(1);
    expect((await callJson()).call.events.map((event) => event.kind)).toEqual(["tool_failed", "tool_failed", "booked"]);
  });
});
