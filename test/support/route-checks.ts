/**
 * The checks every API route shares (Unkey's `runCommonRouteTests`): without a session it is
 * 401; a state-changing request without our Origin is 403 `bad_origin`; another user's id reads
 * as 404, never as theirs. Each refusal also leaves the other user's resource as it was.
 *
 * @example
 *   runCommonRouteTests({ method: "DELETE", path: "/api/agents/:id", foreign: foreignAgent });
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { testEnv } from "./env";
import { createUser } from "./factories";
import { APP_ORIGIN } from "./http";

export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** A resource seeded for another user, and a way to read it back to see that nothing changed. */
export interface ForeignResource {
  id: string;
  snapshot: () => Promise<unknown>;
}

export interface RouteUnderTest {
  method: Method;
  /**
   * As registered, e.g. `/api/agents/:id`, with a query if the route needs one; `:id` here and
   * `":id"` in the body become the other user's id (or a fresh UUID).
   */
  path: string;
  /** A body the route would accept from its owner, so only the check under test can refuse it. */
  body?: unknown;
  /** False for the routes anyone may call (sign-up, login, health): no 401 check; a GET must answer. */
  auth?: boolean;
  /** Seeds a resource of the given user; the route must answer 404 for its id. */
  foreign?: (ownerId: string) => Promise<ForeignResource>;
}

const STATE_CHANGING = new Set<Method>(["POST", "PATCH", "PUT", "DELETE"]);

interface Send {
  cookie?: string;
  origin?: string | null;
  id?: string;
}

/** One request straight into the app, with exactly the Origin and cookie given (unlike `call`). */
async function send(route: RouteUnderTest, { cookie, origin = APP_ORIGIN, id = crypto.randomUUID() }: Send): Promise<Response> {
  const headers = new Headers({ "cf-connecting-ip": `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}::1` });
  if (cookie) headers.set("cookie", cookie);
  if (origin !== null) headers.set("origin", origin);
  const init: RequestInit = { method: route.method, headers };
  if (route.body !== undefined) {
    headers.set("content-type", "application/json");
    init.body = JSON.stringify(route.body).replaceAll('":id"', JSON.stringify(id));
  }
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`${APP_ORIGIN}${route.path.replace(":id", id)}`, init), testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

async function expectError(response: Response, status: number, code: string): Promise<void> {
  const text = await response.text();
  expect({ status: response.status, code: (JSON.parse(text) as { error?: { code?: string } }).error?.code }, text).toEqual({ status, code });
}

/** Registers the shared checks for one route, in a describe block named after it. */
export function runCommonRouteTests(route: RouteUnderTest): void {
  describe(`${route.method} ${route.path}`, () => {
    if (route.auth !== false) {
      it("without a session, or with a made-up one, is 401 unauthenticated", async () => {
        const owner = await createUser();
        const resource = await route.foreign?.(owner.user.id);
        const before = await resource?.snapshot();
        await expectError(await send(route, { id: resource?.id }), 401, "unauthenticated");
        await expectError(await send(route, { id: resource?.id, cookie: "session=made-up-token" }), 401, "unauthenticated");
        expect(await resource?.snapshot()).toEqual(before);
      });
    }

    if (route.auth === false && route.method === "GET") {
      it("is public: it answers without a session", async () => {
        const response = await send(route, {});
        expect([401, 403], await response.clone().text()).not.toContain(response.status);
        expect(response.status).toBeLessThan(500);
      });
    }

    if (STATE_CHANGING.has(route.method)) {
      it("without our Origin, or from another site, is 403 bad_origin", async () => {
        const { cookie, user } = await createUser();
        const resource = await route.foreign?.(user.id);
        const before = await resource?.snapshot();
        // The owner's own session and resource: only the Origin is wrong.
        await expectError(await send(route, { cookie, id: resource?.id, origin: null }), 403, "bad_origin");
        await expectError(await send(route, { cookie, id: resource?.id, origin: "https://evil.example" }), 403, "bad_origin");
        expect(await resource?.snapshot()).toEqual(before);
      });
    }

    const { foreign } = route;
    if (foreign) {
      it("another user's id is 404 not_found, and their resource is unchanged", async () => {
        const owner = await createUser();
        const intruder = await createUser();
        const resource = await foreign(owner.user.id);
        const before = await resource.snapshot();
        await expectError(await send(route, { cookie: intruder.cookie, id: resource.id }), 404, "not_found");
        expect(await resource.snapshot()).toEqual(before);
      });
    }
  });
}
