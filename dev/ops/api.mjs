/**
 * The client side of the worker's operations API (`/api/ops/*`, src/routes/ops): a bearer
 * token, JSON in and out, the worker's error body turned into one readable line.
 */

/** The operations API's bearer token in the sandbox (`npm run dev` gives it to the worker). */
export const SANDBOX_OPS_TOKEN = "sandbox-ops-token-0123456789abcdef0123456789";

/**
 * @param {{ url: string, token: string, fetch?: typeof fetch }} target
 * @returns {(method: string, path: string) => Promise<any>}
 */
export function opsApi({ url, token, fetch: fetchImpl = fetch }) {
  return async (method, path) => {
    const response = await fetchImpl(`${url.replace(/\/$/, "")}/api/ops/${path}`, { method, headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
    const body = /** @type {any} */ (await response.json().catch(() => undefined));
    if (!response.ok) {
      const error = body?.error;
      // Without OPS_TOKEN the worker has no operations API: every path is "No route for …".
      const hint = /^No route for/.test(error?.message ?? "") ? " (is OPS_TOKEN set on that worker?)" : "";
      throw new Error(`${method} /api/ops/${path}: ${response.status} ${error?.code ?? ""} ${error?.message ?? ""}${hint}`.replace(/\s+/g, " ").trim());
    }
    return body;
  };
}
