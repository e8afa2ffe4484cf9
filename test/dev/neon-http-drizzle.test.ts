/**
 * drizzle-orm/neon-http through the local Neon-HTTP endpoint gives what drizzle over
 * node-postgres gives on the same database, and db.batch() is one transaction.
 * Its own file because creating a neon-http drizzle instance changes the driver's global type
 * parsers (timestamps, dates, intervals stay strings), which the raw-driver comparisons must not see.
 */
import { sql as dsql, eq } from "drizzle-orm";
import { drizzle as drizzleNeon } from "drizzle-orm/neon-http";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { integer, jsonb, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { backendCases, failure, useNeonEndpoint } from "./backends";

const notes = pgTable("notes", {
  id: serial("id").primaryKey(),
  title: text("title").notNull().unique(),
  meta: jsonb("meta").$type<{ tags: string[] }>(),
  n: integer("n"),
  createdAt: timestamp("created_at", { withTimezone: true }).defaultNow().notNull(),
});

for (const backend of backendCases) {
  describe.skipIf(backend.skip !== null)(`drizzle-orm/neon-http on ${backend.name}`, () => {
    const suite = useNeonEndpoint(backend, [
      `create table notes (id serial primary key, title text not null unique, meta jsonb, n integer,
        created_at timestamptz not null default now())`,
    ]);

    it("reads and writes as drizzle over node-postgres does", async () => {
      const dn = drizzleNeon({ client: suite.sql });
      const dp = drizzlePg({ client: suite.pool });
      const inserted = await dn
        .insert(notes)
        .values([{ title: "first", meta: { tags: ["x", "y"] }, n: 1 }, { title: "second", n: 2 }])
        .returning();
      expect(inserted.map((r) => [r.title, r.meta, r.n])).toEqual([["first", { tags: ["x", "y"] }, 1], ["second", null, 2]]);
      expect(inserted[0]!.createdAt).toBeInstanceOf(Date);

      expect(await dn.select().from(notes).orderBy(notes.id)).toEqual(await dp.select().from(notes).orderBy(notes.id));
      const updated = await dn.update(notes).set({ n: 5 }).where(eq(notes.title, "second")).returning({ n: notes.n });
      expect(updated).toEqual([{ n: 5 }]);
      expect((await dn.execute(dsql`select count(*)::int as c from ${notes}`)).rows).toEqual([{ c: 2 }]);
    });

    it("commits a successful batch and undoes all of a failing one", async () => {
      const dn = drizzleNeon({ client: suite.sql });
      const dp = drizzlePg({ client: suite.pool });
      const [added, counted] = await dn.batch([
        dn.insert(notes).values({ title: "third" }).returning({ title: notes.title }),
        dn.select({ c: dsql<number>`count(*)::int` }).from(notes),
      ]);
      expect(added).toEqual([{ title: "third" }]);
      expect(counted).toEqual([{ c: 3 }]);

      const err = await failure(
        dn.batch([dn.insert(notes).values({ title: "fourth" }), dn.insert(notes).values({ title: "first" })]),
      );
      expect(err.cause ?? err).toMatchObject({ code: "23505", constraint: "notes_title_key" });
      expect(await dp.$count(notes)).toBe(3);
    });
  });
}
