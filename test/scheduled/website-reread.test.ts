/**
 * The weekly re-read of imported websites (ADR 0333): the Cron Trigger queues one re-read per
 * business per week (however often it runs), for the site the owner last applied or saw, and the
 * re-read offers only what changed on the site since.
 */
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { Bindings } from "../../src/bindings";
import { knowledgeImports } from "../../src/db/schema";
import { runScheduled } from "../../src/scheduled";
import type { SideEffectMessage } from "../../src/side-effects/messages";
import { db } from "../support/db";
import { bindingsWith, recordingQueue } from "../support/env";
import { createUser } from "../support/factories";
import { call } from "../support/http";
import { importSite } from "../support/knowledge";
import { consumeBatch } from "../support/queues";
import { standIn } from "../support/stand-ins";

const site = standIn("sample-website");

afterEach(async () => {
  await fetch(`${site.url}/__stand-in/site/reset`, { method: "POST" });
});

async function changeSite(change: Record<string, unknown>) {
  const response = await fetch(`${site.url}/__stand-in/site`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(change) });
  expect(response.ok).toBe(true);
}

describe("weekly website re-read", () => {
  it("queues exactly one re-read per business per week, and offers only what changed since the applied draft", async () => {
    const owner = await createUser();
    const { found } = await importSite(owner.cookie, { url: site.url });
    expect(found?.status).toBe("ready");
    expect((await call(`/api/knowledge/imports/${found?.id}`, { method: "PATCH", cookie: owner.cookie, json: { outcome: "applied" } })).status).toBe(200);

    // The site changes: a price goes up, a service is added, one is dropped, a question is added, Saturday closes earlier.
    await changeSite({
      services: [
        { name: "Women's cut", length: "45 min", price: "$60" },
        { name: "Men's cut", length: "30 min", price: "$35" },
        { name: "Colour", length: "2 hours", price: "from $120" },
        { name: "Balayage", length: "3 hours", price: "$210" },
        { name: "Keratin treatment", length: "2 hours", price: "$250" },
      ],
      hours: ["Monday: closed", "Tuesday – Friday: 9:00 – 19:00", "Saturday: 9:00 – 16:00", "Sunday: closed"],
    });

    // A week and a day later, the hourly trigger runs twice in the same week.
    const later = new Date(Date.now() + 8 * 86_400_000);
    const queue = recordingQueue<SideEffectMessage>();
    const env = bindingsWith({ SIDE_EFFECTS: queue });
    await runScheduled({ scheduledTime: later.getTime(), cron: "17 * * * *" }, env);
    await runScheduled({ scheduledTime: later.getTime() + 3_600_000, cron: "17 * * * *" }, env);
    const weekly = await db.select().from(knowledgeImports).where(eq(knowledgeImports.businessId, owner.business.id));
    const rereads = weekly.filter((row) => row.kind === "weekly");
    expect(rereads).toHaveLength(1);
    const mine = queue.sent.filter((message) => message.type === "knowledge.import" && message.importId === rereads[0]?.id);
    expect(mine).toHaveLength(1);

    await consumeBatch(mine);
    const response = await call(`/api/knowledge/imports/${rereads[0]?.id}`, { cookie: owner.cookie });
    const reread = ((await response.json()) as { import: { status: string; kind: string; changes: unknown } }).import;
    expect(reread).toMatchObject({ status: "ready", kind: "weekly" });
    expect(reread.changes).toEqual({
      faq: { added: [], changed: [], removed: [] },
      services: {
        added: [{ name: "Keratin treatment", minutes: 120, priceCents: 25000 }],
        changed: [{ name: "Women's cut", minutes: 45, priceCents: 6000 }],
        removed: [{ name: "Blow-dry", minutes: 30, priceCents: 3000 }],
      },
      hours: expect.objectContaining({ sat: [{ start: "09:00", end: "13:00" }, { start: "14:00", end: "16:00" }] }),
    });
    const listed = ((await (await call("/api/knowledge/imports", { cookie: owner.cookie })).json()) as { imports: { id: string; kind: string }[] }).imports;
    expect(listed[0]).toMatchObject({ id: rereads[0]?.id, kind: "weekly" });
  });

  it("re-reads nothing for a business that never applied or saw a draft, nor before a week has passed", async () => {
    const owner = await createUser();
    const { found } = await importSite(owner.cookie, { url: site.url });
    const queue = recordingQueue<SideEffectMessage>();
    const env = bindingsWith({ SIDE_EFFECTS: queue }) as Bindings;
    await runScheduled({ scheduledTime: Date.now() + 8 * 86_400_000, cron: "17 * * * *" }, env);
    expect(await db.select().from(knowledgeImports).where(eq(knowledgeImports.businessId, owner.business.id))).toHaveLength(1);
    await call(`/api/knowledge/imports/${found?.id}`, { method: "PATCH", cookie: owner.cookie, json: { outcome: "dismissed" } });
    await runScheduled({ scheduledTime: Date.now() + 2 * 86_400_000, cron: "17 * * * *" }, env);
    expect(await db.select().from(knowledgeImports).where(eq(knowledgeImports.businessId, owner.business.id))).toHaveLength(1);
  });
});
