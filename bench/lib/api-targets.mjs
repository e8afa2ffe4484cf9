/**
 * The dashboard-side routes the bench loads: the floor, health, an authenticated read and login.
 * Login is rate-limited per account (10 attempts in flight) and per client IP (30), by design:
 * each connection logs in as its own seeded owner from its own client address (the
 * CF-Connecting-IP header Cloudflare would set), so the step measures logins, not 429s.
 */

/**
 * @param {import("./seed.mjs").SeededOwner} reader  whose session reads /api/me
 * @param {import("./seed.mjs").SeededOwner[]} loginOwners  one per connection, all with `password`
 * @param {string} password
 * @param {string} appUrl
 * @returns {import("./load.mjs").Target[]}
 */
export function apiTargets(appUrl, reader, loginOwners, password) {
  let nextConnection = 0;
  const loginAs = (index) => ({
    "content-type": "application/json",
    origin: appUrl,
    "cf-connecting-ip": `198.51.100.${(index % 250) + 1}`,
    body: JSON.stringify({ email: loginOwners[index % loginOwners.length].email, password }),
  });
  return [
    { name: "GET /api/ping", path: "/api/ping", expectStatus: [204] },
    { name: "GET /api/health", path: "/api/health" },
    { name: "GET /api/me", path: "/api/me", headers: { cookie: reader.cookie } },
    {
      name: "POST /api/auth/login",
      method: "POST",
      path: "/api/auth/login",
      // scrypt (N=2^15) makes a login ~100 times dearer than the floor, and 50 in flight queue
      // behind each other for longer than a timed step: each step sends a count instead.
      requestsPerStep: (inFlight) => Math.max(10, 2 * inFlight),
      setupRequest: (request, context) => {
        context.connection ??= nextConnection++;
        const { body, ...headers } = loginAs(context.connection);
        return { ...request, body, headers };
      },
      send: () => {
        const { body, ...headers } = loginAs(0);
        return fetch(`${appUrl}/api/auth/login`, { method: "POST", headers, body });
      },
    },
  ];
}
