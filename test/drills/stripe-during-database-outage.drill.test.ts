/**
 * Fault drill: Stripe delivers checkout.session.completed while the database endpoint is down,
 * then retries once it is back. What this proves: the delivery during the outage gets 503 database_unavailable
 * (so Stripe retries) and writes nothing; the retry credits the pack exactly once, and a third
 * delivery is a duplicate. (The outage is the worker pointed at a database endpoint nothing
 * listens on: every query fails to connect, as when the endpoint stops.)
 */
import { describe, expect, it } from "vitest";
import { expectConsoleError } from "../support/console-trap";
import { expectLedgerConsistent, storedBalance } from "../support/credits";
import { envWith, testEnv } from "../support/env";
import { createUserWithCredits } from "../support/factories";
import { checkoutSession, deliverEvent, stripeEvent } from "../support/stripe";

// Its own database host: the driver's endpoint override is isolate-wide and keyed by host, so the
// test's own queries keep reaching the live endpoint.
const downUrl = new URL(String(testEnv.DATABASE_URL));
downUrl.hostname = "db-outage.agentline.local";
const DATABASE_DOWN = envWith({ DATABASE_URL: downUrl.toString(), NEON_FETCH_ENDPOINT: "http://127.0.0.1:9/sql" });

describe("drill: a Stripe webhook during a database outage", () => {
  it("answers 503 database_unavailable and writes nothing while the database is down; the retry credits once", async () => {
    const { user } = await createUserWithCredits(5);
    const event = stripeEvent("checkout.session.completed", checkoutSession({ businessId: user.id, credits: 100 }));

    expectConsoleError(/unhandled error|Failed query|connect/i);
    const during = await deliverEvent(event, DATABASE_DOWN);
    expect(during.response.status).toBe(503);
    expect(during.body.error?.code).toBe("database_unavailable");
    expect(await storedBalance(user.id)).toBe(5);

    const retry = await deliverEvent(event);
    expect(retry.response.status).toBe(200);
    const again = await deliverEvent(event);
    expect(again.response.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true });

    const { rows, balance } = await expectLedgerConsistent(user.id);
    expect(balance).toBe(105);
    expect(rows.filter((row) => row.kind === "purchase")).toHaveLength(1);
  });
});
