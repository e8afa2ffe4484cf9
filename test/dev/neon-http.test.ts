/**
 * The local Neon-HTTP endpoint, driven by the real @neondatabase/serverless driver, must be
 * indistinguishable from node-postgres on the same database: same parsed rows, field metadata,
 * command and rowCount, same error properties, and batches that are one transaction.
 * (drizzle-orm/neon-http is in its own file: creating it rewires the driver's type parsers.)
 */
import { errorFields, NeonDbError } from "@neondatabase/serverless";
import { describe, expect, it } from "vitest";
import { backendCases, failure, useNeonEndpoint } from "./backends";

const TYPED_COLUMNS =
  "i2, i4, i8, num, flag, label, doc, js, at, day, ts, blob, uid, tags, nums, f8, iv";
const typedParams = () => [
  7,
  2147483647,
  9007199254740993n,
  "12345.6789",
  true,
  "alpha",
  { a: [1, "x"], b: null, "quote\"d": "é" },
  JSON.stringify([1, 2, { c: 3 }]),
  new Date("2026-03-04T05:06:07.089Z"),
  "2026-03-04",
  "2026-03-04 05:06:07.5",
  Buffer.from([0, 1, 127, 128, 254, 255]),
  "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
  ["a", "b c", 'q"z', "back\\slash", null, "NULL", ""],
  [1, null, -3],
  -1.25e-7,
  "1 day 02:03:04.5",
];

const plainFields = (fields: readonly object[]) => fields.map((f) => ({ ...f }));

for (const backend of backendCases) {
  describe.skipIf(backend.skip !== null)(`Neon HTTP endpoint on ${backend.name}`, () => {
    const suite = useNeonEndpoint(backend, [
      `create table typed_values (
        id serial primary key, i2 int2, i4 int4, i8 int8, num numeric(12,4), flag bool,
        label text unique, doc jsonb, js json, at timestamptz, day date, ts timestamp, blob bytea,
        uid uuid, tags text[], nums int[], f8 float8, iv interval)`,
      "create table counters (k text primary key, v integer not null check (v >= 0))",
    ]);

    it("stores the driver's parameters exactly as node-postgres stores the same values", async () => {
      const insert = `insert into typed_values (${TYPED_COLUMNS}) values (${typedParams().map((_, i) => `$${i + 1}`)})`;
      const viaNeon = await suite.sql.query(insert, typedParams(), { fullResults: true });
      const pgParams = typedParams();
      pgParams[5] = "beta";
      const viaPg = await suite.pool.query(insert, pgParams);
      expect(viaNeon.command).toBe("INSERT");
      expect(viaNeon.rowCount).toBe(viaPg.rowCount);

      const stored = await suite.pool.query(`select ${TYPED_COLUMNS} from typed_values order by id`);
      const [a, b] = stored.rows;
      expect({ ...a, label: "beta" }).toEqual(b);
      expect(a.blob).toEqual(Buffer.from([0, 1, 127, 128, 254, 255]));
      expect(a.tags).toEqual(["a", "b c", 'q"z', "back\\slash", null, "NULL", ""]);
      await suite.pool.query(`insert into typed_values (label) values ('nulls')`);
    });

    it("returns the same parsed rows, fields, command and rowCount as node-postgres", async () => {
      const query = `select * from typed_values order by id`;
      const viaNeon = await suite.sql.query(query, [], { fullResults: true });
      const viaPg = await suite.pool.query(query);
      expect(viaNeon.rows).toHaveLength(3);
      expect(viaNeon.rows).toEqual(viaPg.rows);
      expect(plainFields(viaNeon.fields)).toEqual(plainFields(viaPg.fields));
      expect(viaNeon.fields.find((f) => f.name === "label")).toMatchObject({ tableID: expect.any(Number), columnID: 7 });
      expect(viaNeon.fields[0]!.tableID).toBeGreaterThan(0);
      expect(viaNeon.command).toBe(viaPg.command);
      expect(viaNeon.rowCount).toBe(viaPg.rowCount);

      const row = viaNeon.rows[0]!;
      expect(row.i8).toBe("9007199254740993");
      expect(row.at).toEqual(new Date("2026-03-04T05:06:07.089Z"));
      expect(row.doc).toEqual({ a: [1, "x"], b: null, "quote\"d": "é" });
      expect(row.nums).toEqual([1, null, -3]);
      expect(viaNeon.rows[2]).toMatchObject({ label: "nulls", i4: null, doc: null, tags: null, blob: null });
    });

    it("answers array mode, expressions and the tagged template like node-postgres", async () => {
      const query = "select label, i2 + $1::int as bumped, tags[2] as second, 1 as label from typed_values order by id";
      const viaNeon = await suite.sql.query(query, [1], { arrayMode: true, fullResults: true });
      const viaPg = await suite.pool.query({ text: query, values: [1], rowMode: "array" });
      expect(viaNeon.rows).toEqual(viaPg.rows);
      expect(plainFields(viaNeon.fields)).toEqual(plainFields(viaPg.fields));

      const blob = new Uint8Array([9, 8, 7]);
      const [tagged] = await suite.sql`select ${blob} as blob, ${"it's"}::text as quoted, ${null}::int as nothing`;
      expect(tagged).toEqual({ blob: Buffer.from([9, 8, 7]), quoted: "it's", nothing: null });
    });

    it("reports command and rowCount for writes and DDL as node-postgres does", async () => {
      for (const query of [
        "update typed_values set i2 = i2 + 1 where label in ('alpha', 'beta')",
        "delete from typed_values where label = 'nothing-here'",
        "create table scratch_ddl (x int)",
        "drop table scratch_ddl",
      ]) {
        const viaNeon = await suite.sql.query(query.replace("scratch_ddl", "scratch_ddl_neon"), [], { fullResults: true });
        const viaPg = await suite.pool.query(query.replace("scratch_ddl", "scratch_ddl_pg"));
        expect([viaNeon.command, viaNeon.rowCount], query).toEqual([viaPg.command, viaPg.rowCount]);
      }
    });

    it("keeps every error property of a unique violation (23505)", async () => {
      const query = "insert into typed_values (label) values ($1)";
      const neonErr = await failure(suite.sql.query(query, ["alpha"]));
      const pgErr = await failure(suite.pool.query(query, ["alpha"]));
      expect(neonErr).toBeInstanceOf(NeonDbError);
      expect(neonErr.code).toBe("23505");
      expect(neonErr.constraint).toBe("typed_values_label_key");
      expect(neonErr.detail).toBe("Key (label)=(alpha) already exists.");
      expect(neonErr.message).toBe(pgErr.message);
      for (const field of errorFields) expect(neonErr[field], field).toEqual(pgErr[field]);
    });

    it("keeps every error property of a syntax error (42601), position included", async () => {
      const neonErr = await failure(suite.sql.query("select * fro typed_values"));
      const pgErr = await failure(suite.pool.query("select * fro typed_values"));
      expect(neonErr.code).toBe("42601");
      expect(neonErr.position).toBe("10");
      expect(neonErr.message).toBe(pgErr.message);
      for (const field of errorFields) expect(neonErr[field], field).toEqual(pgErr[field]);
    });

    it("runs one statement per query, as Neon's extended protocol does", async () => {
      const err = await failure(suite.sql.query("select 1; select 2"));
      expect(err.code).toBe("42601");
      expect(err.message).toBe("cannot insert multiple commands into a prepared statement");
    });

    it("runs a transaction as one unit and rolls all of it back when a statement fails", async () => {
      const ok = await suite.sql.transaction((tx) => [
        tx`insert into counters (k, v) values ('a', 1) returning v`,
        tx`update counters set v = v + 1 where k = 'a' returning v`,
      ]);
      expect(ok).toEqual([[{ v: 1 }], [{ v: 2 }]]);

      const err = await failure(
        suite.sql.transaction((tx) => [
          tx`insert into counters (k, v) values ('b', 5)`,
          tx`update counters set v = v - 10 where k = 'a'`,
        ]),
      );
      expect(err).toBeInstanceOf(NeonDbError);
      expect(err.code).toBe("23514");
      expect(err.constraint).toBe("counters_v_check");
      const { rows } = await suite.pool.query("select k, v from counters order by k");
      expect(rows).toEqual([{ k: "a", v: 2 }]);
    });

    it("applies the isolation level, read-only and deferrable options to the batch", async () => {
      const [[settings]] = (await suite.sql.transaction(
        (tx) => [
          tx`select current_setting('transaction_isolation') as iso,
                    current_setting('transaction_read_only') as ro,
                    current_setting('transaction_deferrable') as deferrable`,
        ],
        { isolationLevel: "Serializable", readOnly: true, deferrable: true },
      )) as [[Record<string, string>]];
      expect(settings).toEqual({ iso: "serializable", ro: "on", deferrable: "on" });

      const err = await failure(suite.sql.transaction((tx) => [tx`insert into counters (k, v) values ('ro', 1)`], { readOnly: true }));
      expect(err.code).toBe("25006");
      expect((await suite.pool.query("select 1 from counters where k = 'ro'")).rowCount).toBe(0);
    });

    it("does not let a lone BEGIN leave the shared connection inside a transaction", async () => {
      await suite.sql`begin`;
      await suite.sql`insert into counters (k, v) values ('after-begin', 1)`;
      await suite.sql`rollback`;
      const { rows } = await suite.pool.query("select v from counters where k = 'after-begin'");
      expect(rows).toEqual([{ v: 1 }]);
    });

    it("never interleaves another request into a batch's transaction", async () => {
      const batches = Array.from({ length: 8 }, () =>
        suite.sql.transaction((tx) => [
          tx`select txid_current()::text as id`,
          tx`select pg_sleep(0.01)`,
          tx`select txid_current()::text as id`,
        ]),
      );
      const singles = Array.from({ length: 8 }, () => suite.sql`select txid_current()::text as id`);
      const [batchResults, singleResults] = await Promise.all([Promise.all(batches), Promise.all(singles)]);
      const batchIds = batchResults.map(([first, , last]) => {
        expect(first).toEqual(last);
        return (first as { id: string }[])[0]!.id;
      });
      expect(new Set(batchIds).size).toBe(batchIds.length);
      for (const [single] of singleResults) expect(batchIds).not.toContain(single!.id);
    });

    it("answers raw HTTP clients: typed JSON without Neon-Raw-Text-Output, and bad requests", async () => {
      const connection = `postgresql://agentline:${encodeURIComponent(suite.password)}@db.local/agentline`;
      const post = (body: unknown, headers: Record<string, string> = {}) =>
        fetch(suite.url, {
          method: "POST",
          headers: { "Neon-Connection-String": connection, ...headers },
          body: typeof body === "string" ? body : JSON.stringify(body),
        });

      const typed = await post({
        query: "select $1::int as i, $2::jsonb as j, '{1,NULL,3}'::int[] as a, true as b, 5::int8 as big, 'NaN'::float8 as nan",
        params: [41, { k: [1, 2] }],
      });
      expect(typed.status).toBe(200);
      expect(await typed.json()).toMatchObject({
        command: "SELECT",
        rowCount: 1,
        rowAsArray: false,
        rows: [{ i: 41, j: { k: [1, 2] }, a: [1, null, 3], b: true, big: "5", nan: "NaN" }],
      });

      const perQueryArrayMode = await post({ queries: [{ query: "select 1 as x", arrayMode: true }, { query: "select 2 as x" }] });
      const { results } = (await perQueryArrayMode.json()) as { results: { rows: unknown }[] };
      expect(results.map((r) => r.rows)).toEqual([[[1]], [{ x: 2 }]]);

      const badIsolation = await post({ queries: [] }, { "Neon-Batch-Isolation-Level": "Whatever" });
      expect([badIsolation.status, await badIsolation.json()]).toEqual([400, { message: "invalid isolation level" }]);
      expect((await post("not json")).status).toBe(400);
      expect((await fetch(suite.url.replace(/\/sql$/, "/elsewhere"), { method: "POST", body: "{}" })).status).toBe(404);
    });
  });
}
