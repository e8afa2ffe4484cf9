/**
 * The dashboard-side routes the bench loads: the floor, health, an authenticated read and login.
 * One account is signed up through the API (as a user would) for /api/me and login.
 */
const PASSWORD = "bench password, long enough";

/** @param {string} appUrl @returns {Promise<import("./load.mjs").Target[]>} */
export async function apiTargets(appUrl) {
  const email = `bench-${Date.now()}@example.com`;
  const headers = { "content-type": "application/json", origin: appUrl };
  const signup = await fetch(`${appUrl}/api/auth/signup`, {
    method: "POST",
    headers,
    body: JSON.stringify({ email, password: PASSWORD, name: "Bench Owner" }),
  });
  if (signup.status !== 201) throw new Error(`bench signup: HTTP ${signup.status} ${await signup.text()}`);
  const cookie = (signup.headers.get("set-cookie") ?? "").split(";")[0];
  return [
    { name: "GET /api/ping", path: "/api/ping", expectStatus: [204] },
    { name: "GET /api/health", path: "/api/health" },
    { name: "GET /api/me", path: "/api/me", headers: { cookie } },
    // scrypt (N=2^15) makes a login ~100 times dearer than the floor, and 50 in flight queue
    // behind each other for longer than a timed step: each step sends a count instead.
    { name: "POST /api/auth/login", method: "POST", path: "/api/auth/login", headers, body: JSON.stringify({ email, password: PASSWORD }),
      requestsPerStep: (inFlight) => Math.max(10, 2 * inFlight) },
  ];
}
