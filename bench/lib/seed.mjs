/**
 * Owners for the webhook benchmarks and the credit storm, written straight into the database
 * as the agents and numbers routes would leave them (a Vapi assistant id, an active number),
 * with their starting credits as one ledger adjustment each — what an admin's SQL would do,
 * which the CreditAccount reads before its first change. Each owner also gets a session, so
 * the bench can read `GET /api/credits` (balance, reserved) as the owner would.
 */
import crypto from "node:crypto";

/**
 * @typedef {{ email: string, userId: string, agentId: string, assistantId: string, phoneNumberId: string, number: string,
 *   credits: number, cookie: string }} SeededOwner
 */

/**
 * @param {import("pg").Pool} pool
 * @param {number[]} credits  one owner per entry, with that many credits
 * @param {{ bookingEnabled?: boolean, password?: string }} [options]  `password`: every owner can log in with it
 * @returns {Promise<SeededOwner[]>}
 */
export async function seedOwners(pool, credits, { bookingEnabled = true, password } = {}) {
  const run = crypto.randomUUID().slice(0, 8);
  const passwordHash = password ? scryptHash(password) : "bench:no-login";
  const owners = [];
  for (const [index, amount] of credits.entries()) {
    const token = crypto.randomBytes(25).toString("hex");
    const number = `+1415${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
    const { rows } = await pool.query(
      `with p0 as (
         insert into users (email, password_hash, name, timezone)
         values ($1, $9, $2, 'America/Chicago') returning id
       ), u as (
         insert into businesses (name, timezone, credit_balance)
         values ($2, 'America/Chicago', $3) returning id
       ), m as (
         insert into memberships (business_id, user_id, role) select u.id, p0.id, 'owner' from u, p0
       ), l as (
         insert into credit_transactions (business_id, delta, balance_after, kind, idempotency_key, description)
         select id, $3, $3, 'adjustment', 'bench-seed:' || id, 'bench starting credits' from u where $3 <> 0
       ), s as (
         insert into sessions (id, user_id, business_id, expires_at) select $4, p0.id, u.id, now() + interval '1 day' from p0, u
       ), a as (
         insert into agents (business_id, vapi_assistant_id, name, greeting, status, booking_enabled, timezone, business_hours)
         select id, $5, 'Front desk', 'Thanks for calling Bella Hair Studio!', 'active', $7, 'America/Chicago',
                '{"mon":[{"start":"09:00","end":"17:00"}],"tue":[{"start":"09:00","end":"17:00"}],"wed":[{"start":"09:00","end":"17:00"}],"thu":[{"start":"09:00","end":"17:00"}],"fri":[{"start":"09:00","end":"17:00"}]}'::jsonb
         from u returning id, business_id
       ), p as (
         insert into phone_numbers (business_id, agent_id, vapi_phone_number_id, e164, status)
         select business_id, id, $6, $8, 'active' from a returning id
       )
       select u.id as business_id, a.id as agent_id from u, a`,
      [`bench-${run}-${index}@example.com`, `Bench Owner ${index}`, amount, sha256Hex(token), `asst-bench-${run}-${index}`,
        `pn-bench-${run}-${index}`, bookingEnabled, number, passwordHash],
    );
    owners.push({
      email: `bench-${run}-${index}@example.com`,
      userId: rows[0].business_id,
      agentId: rows[0].agent_id,
      assistantId: `asst-bench-${run}-${index}`,
      phoneNumberId: `pn-bench-${run}-${index}`,
      number,
      credits: amount,
      cookie: `session=${token}`,
    });
  }
  return owners;
}

/** The format of src/services/identity/passwords.ts (scrypt N=2^15, r=8, p=1), so the worker's login accepts it. */
function scryptHash(password) {
  const N = 2 ** 15;
  const salt = crypto.randomBytes(16);
  const key = crypto.scryptSync(password.normalize("NFKC"), salt, 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 });
  return ["scrypt", N, 8, 1, salt.toString("base64"), key.toString("base64")].join("$");
}

function sha256Hex(text) {
  return crypto.createHash("sha256").update(text).digest("hex");
}
