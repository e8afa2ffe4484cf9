/**
 * Who may use the local Neon-HTTP endpoint: a client that knows this run's password (it comes
 * in the Neon-Connection-String header, as at Neon) and that addressed the endpoint by a
 * loopback name, so neither a web page the developer visits nor a DNS-rebinding name can.
 */
import crypto from "node:crypto";

/** A fresh password for one run of the endpoint. */
export function newPassword() {
  return crypto.randomBytes(24).toString("base64url");
}

/**
 * @param {string} password
 * @returns {(connectionString: unknown) => boolean} whether a connection string carries the password,
 *   compared in constant time (both sides hashed first, so lengths don't leak either).
 */
export function createPasswordCheck(password) {
  if (!password) throw new Error("the local Neon-HTTP endpoint needs a non-empty password");
  const expected = digest(password);
  return (connectionString) => {
    if (typeof connectionString !== "string") return false;
    let given;
    try {
      given = decodeURIComponent(new URL(connectionString).password);
    } catch {
      return false;
    }
    return crypto.timingSafeEqual(digest(given), expected);
  };
}

/** @param {string} text */
function digest(text) {
  return crypto.createHash("sha256").update(text, "utf8").digest();
}

/**
 * @param {string | undefined} hostHeader the request's Host header
 * @param {string} boundHost the address the endpoint listens on; a specific one is accepted too
 */
export function isLoopbackHost(hostHeader, boundHost) {
  if (!hostHeader) return false;
  const name = hostHeader.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (name === "localhost" || name === "::1" || /^127(\.\d{1,3}){3}$/.test(name)) return true;
  const bound = boundHost.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return bound !== "0.0.0.0" && bound !== "::" && name === bound;
}
