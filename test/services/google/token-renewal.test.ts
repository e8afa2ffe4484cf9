/**
 * A cached access token Google answers with 401 (the owner revoked us, or Google rotated the
 * token before its expiry): the request refreshes it once, under the refresh lease, and is made
 * again; a refused refresh marks the connection needs_reconnect; a second 401 is a failure.
 */
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { bookingHolds } from "../../../src/db/schema";
import { bookAppointment, getAvailability } from "../../../src/services/google";
import { db } from "../../support/db";
import { bookingAgent, calendarEvents, connectedUser, connectionRow, google, googleDeps, ownCalendar } from "../../support/google";
import { googleApiError, googleOAuthError } from "../../support/vendor-errors";

const NOW = new Date("2030-05-13T12:00:00Z"); // Monday 08:00 in New York
const UNAUTHENTICATED = googleApiError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");

async function setUp() {
  const { user, tokens } = await connectedUser(NOW);
  const calendarId = await ownCalendar(tokens.accessToken);
  const agent = await bookingAgent(user.id, { calendarId });
  return { user, tokens, calendarId, agent, deps: googleDeps(NOW) };
}

const refreshes = async (mark: number) => (await google.requests(mark)).filter((r) => r.method === "POST" && r.path === "/token");
const freeBusyRequests = async (mark: number) => (await google.requests(mark)).filter((r) => r.path.endsWith("/freeBusy"));

afterEach(() => google.reset());

describe("a cached Google token answered with 401", () => {
  it("is refreshed once and the availability read is made again with the new token", async () => {
    const { user, tokens, agent, deps } = await setUp();
    await google.fault({ path: "/calendar/", status: 401, body: UNAUTHENTICATED });
    const mark = await google.mark();
    const result = await getAvailability(deps, agent, { date: "2030-05-14" });
    expect(result).toMatchObject({ ok: true, date: "2030-05-14" });
    expect(result.ok && result.slots.length).toBeGreaterThan(0);
    expect(await refreshes(mark)).toHaveLength(1);
    const reads = await freeBusyRequests(mark);
    expect(reads).toHaveLength(2);
    expect(reads[1]?.headers.authorization).not.toBe(`Bearer ${tokens.accessToken}`);
    expect(await connectionRow(user.id)).toMatchObject({ status: "ok", refreshLeaseId: null });
  });

  it("is refreshed once and the booking is made once with the new token", async () => {
    const { tokens, calendarId, agent, deps } = await setUp();
    await google.fault({ method: "POST", path: `/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`, status: 401, body: UNAUTHENTICATED });
    const mark = await google.mark();
    const result = await bookAppointment(deps, agent, { name: "Jane Caller", phone: "+14155550100", start: "2030-05-14T10:00:00-04:00", idempotencyKey: "renewal-1" });
    expect(result).toMatchObject({ ok: true, replayed: false });
    expect(await refreshes(mark)).toHaveLength(1);
    const inserts = (await google.requests(mark)).filter((r) => r.method === "POST" && r.path.endsWith("/events"));
    expect(inserts).toHaveLength(2);
    expect((await calendarEvents(tokens.accessToken, calendarId)).filter((event) => event.status !== "cancelled")).toHaveLength(1);
  });

  it("revoked at Google: one refresh, invalid_grant, the connection needs_reconnect and the caller is told so", async () => {
    const { user, tokens, agent, deps } = await setUp();
    expect((await fetch(`${google.url}/revoke?token=${encodeURIComponent(tokens.refreshToken)}`, { method: "POST" })).status).toBe(200);
    const mark = await google.mark();
    const result = await getAvailability(deps, agent, { date: "2030-05-14" });
    expect(result).toMatchObject({ ok: false, code: "google_not_connected", connection: "needs_reconnect" });
    expect(await refreshes(mark)).toHaveLength(1);
    expect(await freeBusyRequests(mark)).toHaveLength(1);
    expect(await connectionRow(user.id)).toMatchObject({ status: "needs_reconnect", accessTokenCiphertext: null });
  });

  it("a booking whose insert meets a revoked grant gives its hold back", async () => {
    const { user, calendarId, agent, deps } = await setUp();
    await google.fault({ method: "POST", path: `/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`, status: 401, body: UNAUTHENTICATED });
    await google.fault({ method: "POST", path: "/token", status: 400, body: googleOAuthError("invalid_grant", "Token has been expired or revoked.") });
    const result = await bookAppointment(deps, agent, { name: "Jane Caller", start: "2030-05-14T10:00:00-04:00", idempotencyKey: "renewal-2" });
    expect(result).toMatchObject({ ok: false, code: "google_not_connected", connection: "needs_reconnect" });
    expect(await db.select().from(bookingHolds).where(eq(bookingHolds.agentId, agent.id))).toEqual([]);
    expect((await connectionRow(user.id))?.status).toBe("needs_reconnect");
  });

  it("a second 401 after the refresh is a failure, not another refresh", async () => {
    const { user, agent, deps } = await setUp();
    await google.fault({ path: "/calendar/", status: 401, body: UNAUTHENTICATED, times: -1 });
    const mark = await google.mark();
    const result = await getAvailability(deps, agent, { date: "2030-05-14" });
    expect(result).toMatchObject({ ok: false, code: "google_unavailable", googleFailure: "unauthorized" });
    expect(await refreshes(mark)).toHaveLength(1);
    expect(await freeBusyRequests(mark)).toHaveLength(2);
    expect((await connectionRow(user.id))?.status).toBe("ok");
  });

  it("concurrent requests answered 401 refresh once between them", async () => {
    const { agent, deps } = await setUp();
    await google.fault({ path: "/calendar/", status: 401, body: UNAUTHENTICATED, times: 3 });
    await google.fault({ method: "POST", path: "/token", delayMs: 300 });
    const mark = await google.mark();
    const results = await Promise.all([1, 2, 3].map(() => getAvailability(deps, agent, { date: "2030-05-14" })));
    expect(results.map((result) => (result.ok ? "ok" : JSON.stringify(result)))).toEqual(["ok", "ok", "ok"]);
    expect(await refreshes(mark)).toHaveLength(1);
  });
});
