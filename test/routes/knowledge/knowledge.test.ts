/**
 * The website import through its endpoints (docs/architecture.md §6; ADRs 0322, 0330-0334):
 * POST queues a row, the side-effects consumer reads the sandbox's sample salon site and drafts
 * through the OpenRouter stand-in, GET shows the draft; nothing reaches the agent until the owner
 * applies it through the agent's own PATCH. The errors a user can meet, in words.
 */
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { Bindings } from "../../../src/bindings";
import { agents, knowledgeImports } from "../../../src/db/schema";
import type { SideEffectMessage } from "../../../src/side-effects/messages";
import { createAgentVia } from "../../support/agents";
import { db } from "../../support/db";
import { bindingsWith, recordingQueue, testEnv } from "../../support/env";
import { createUser } from "../../support/factories";
import { call, errorOf } from "../../support/http";
import { importSite } from "../../support/knowledge";
import { consumeBatch } from "../../support/queues";
import { standIn } from "../../support/stand-ins";

const site = standIn("sample-website");
const openrouter = standIn("openrouter");

afterEach(async () => {
  await site.reset();
  await fetch(`${site.url}/__stand-in/site/reset`, { method: "POST" });
});

describe("POST /api/knowledge/import", () => {
  it("answers 202 queued, then reads the home page and a few same-site pages and drafts FAQ, services and hours (lunch a break)", async () => {
    const owner = await createUser();
    const mark = await site.mark();
    const aiMark = await openrouter.mark();
    const { response, sent, started, found } = await importSite(owner.cookie, { url: `${site.url}/` });
    expect(response.status).toBe(202);
    expect(started).toMatchObject({ status: "queued", url: `${site.url}/` });
    expect(sent).toEqual([{ type: "knowledge.import", idempotencyKey: `knowledge-import:${started?.id}`, importId: started?.id }]);
    expect(found?.status).toBe("ready");
    expect(found?.draft?.services).toEqual([
      { name: "Women's cut", minutes: 45, priceCents: 5500 },
      { name: "Men's cut", minutes: 30, priceCents: 3500 },
      { name: "Colour", minutes: 120, priceCents: 12000 },
      { name: "Balayage", minutes: 180, priceCents: 21000 },
      { name: "Blow-dry", minutes: 30, priceCents: 3000 },
    ]);
    const tueToFri = [{ start: "09:00", end: "13:00" }, { start: "14:00", end: "19:00" }];
    expect(found?.draft?.hours).toEqual({ mon: [], tue: tueToFri, wed: tueToFri, thu: tueToFri, fri: tueToFri, sat: [{ start: "09:00", end: "13:00" }, { start: "14:00", end: "17:00" }], sun: [] });
    expect(found?.draft?.faq).toContainEqual({ question: "Is there parking nearby?", answer: "Free parking is behind the building, entrance on Elm Street." });
    expect(found?.draft?.faq).toHaveLength(4);

    // What was read and what was left: the big page and the redirect into a private host are skipped
    // with their reasons; the page limit leaves the last links; nothing off-site is asked for.
    const skipped = Object.fromEntries((found?.pages ?? []).filter((page) => page.skipped).map((page) => [new URL(page.url).pathname, page.skipped]));
    expect(skipped["/gallery"]).toMatch(/too large/);
    expect(skipped["/staff"]).toMatch(/redirected to an address that is not read/);
    expect(skipped["/brochure.pdf"]).toMatch(/Only 8 pages/);
    expect(skipped["/blog"]).toMatch(/Only 8 pages/);
    const asked = (await site.requests(mark)).map((request) => request.path);
    expect(asked[0]).toBe("/");
    expect(asked).not.toContain("/blog");
    expect(asked.length).toBeLessThanOrEqual(9); // 8 pages, the redirect /prices → /services counted once

    // The model was given the pages as data, with the strict schema.
    const [completion] = await openrouter.requests(aiMark);
    const body = completion?.body as { response_format: { json_schema: { name: string; strict: boolean } }; messages: { role: string; content: string }[] };
    expect(body.response_format.json_schema).toMatchObject({ name: "website_draft", strict: true });
    const data = JSON.parse(body.messages.at(-1)?.content ?? "{}") as { website: { pages: { url: string; text: string }[] } };
    expect(data.website.pages.map((page) => new URL(page.url).pathname)).toEqual(["/", "/services", "/hours", "/faq", "/about"]);
    expect(data.website.pages[0]?.text).not.toContain("analytics");
  });

  it("saves nothing to the agent; the owner applies the draft through the agent's PATCH (its schemas accept it) and marks it applied", async () => {
    const owner = await createUser();
    const agent = await createAgentVia(owner.cookie);
    const { found } = await importSite(owner.cookie, { url: site.url, agentId: agent.id });
    expect(found?.status).toBe("ready");
    const [row] = await db.select().from(agents).where(eq(agents.id, agent.id));
    expect(row?.faq).toEqual(agent.faq);
    expect(row?.bookingServices).toEqual([]);

    const draft = found?.draft;
    const patched = await call(`/api/agents/${agent.id}`, {
      method: "PATCH",
      cookie: owner.cookie,
      json: { faq: [...agent.faq, ...(draft?.faq ?? [])], booking: { services: draft?.services, businessHours: draft?.hours } },
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    const applied = await call(`/api/knowledge/imports/${found?.id}`, { method: "PATCH", cookie: owner.cookie, json: { outcome: "applied" } });
    expect(applied.status).toBe(200);
    expect(((await applied.json()) as { import: { appliedAt: string | null } }).import.appliedAt).toEqual(expect.any(String));
    const listed = await call(`/api/knowledge/imports?agentId=${agent.id}`, { cookie: owner.cookie });
    expect(((await listed.json()) as { imports: { id: string }[] }).imports.map((item) => item.id)).toEqual([found?.id]);
  });

  it("refuses, with a 400 in words and nothing queued, what the spelling already tells: not https, IP literals in any spelling, local names", async () => {
    const owner = await createUser();
    const cases: [string, RegExp][] = [
      ["http://bellahair.com/", /Only https/],
      ["ftp://bellahair.com/", /Only https/],
      ["file:///etc/passwd", /Only https/],
      ["https://127.0.0.1/", /not an IP address/],
      ["https://10.0.0.8/", /not an IP address/],
      ["https://169.254.169.254/latest/meta-data/", /not an IP address/],
      ["https://2130706433/", /not an IP address/],
      ["https://0x7f.0.0.1/", /not an IP address/],
      ["https://0177.0.0.1/", /not an IP address/],
      ["https://127.1/", /not an IP address/],
      ["https://[::1]/", /not an IP address/],
      ["https://[::ffff:169.254.169.254]/", /not an IP address/],
      ["https://[fe80::1]/", /not an IP address/],
      ["https://localhost/", /not a public website/],
      ["https://shop.localhost/", /not a public website/],
      ["https://printer.local/", /not a public website/],
      ["https://metadata.google.internal/", /not a public website/],
      ["https://intranet/", /not a public website/],
      ["https://owner:secret@bellahair.com/", /user name or password/],
      ["https://bellahair.com:8443/", /standard https port/],
    ];
    for (const [url, message] of cases) {
      const { response, sent } = await importSite(owner.cookie, { url });
      expect(response.status, url).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe("validation_failed");
      expect(error.message, url).toMatch(message);
      expect(error.message.startsWith("url: "), url).toBe(true);
      expect(sent).toEqual([]);
    }
    expect(await db.select().from(knowledgeImports).where(eq(knowledgeImports.businessId, owner.business.id))).toEqual([]);
    expect((await importSite(owner.cookie, { url: "" })).response.status).toBe(400);
  });

  it("refuses names that resolve into private, loopback, link-local, CGNAT or ULA ranges (asked of the DNS resolver), and says so on the import", async () => {
    const owner = await createUser();
    const env = { ...testEnv, WEB_IMPORT_DNS_URL: `${site.url}/dns-query` } as Bindings;
    for (const name of ["private", "metadata", "loopback", "cgnat", "ula"]) {
      const { response, found } = await importSite(owner.cookie, { url: `https://${name}.bella-salon.example/` }, env);
      expect(response.status, name).toBe(202);
      expect(found, name).toMatchObject({ status: "failed", error: "That address leads to a private network." });
    }
    const { found } = await importSite(owner.cookie, { url: "https://nowhere.bella-salon.example/" }, env);
    expect(found).toMatchObject({ status: "failed", error: "That website's name does not resolve." });
    const dns = (await site.requests()).filter((request) => request.path === "/dns-query").map((request) => request.query.name);
    expect(dns).toContain("metadata.bella-salon.example");
    // A resolver that fails is a refusal too (nothing is read that could not be checked), not a retry.
    await site.fault({ method: "GET", path: "/dns-query", status: 500, times: 2 });
    const { found: unchecked } = await importSite(owner.cookie, { url: "https://public.bella-salon.example/" }, env);
    expect(unchecked).toMatchObject({ status: "failed", error: "The website's name could not be looked up (the resolver answered 500)." });
  });

  it("fails the import in words: a redirect into a private host, too large, not HTML, site down, timed out", async () => {
    const owner = await createUser();
    const failure = async (path: string, env: Bindings = testEnv) => (await importSite(owner.cookie, { url: `${site.url}${path}` }, env)).found;
    expect(await failure("/staff")).toMatchObject({ status: "failed", error: "The website redirected to an address that is not read: Use the website's name, not an IP address." });
    expect(await failure("/gallery")).toMatchObject({ status: "failed", error: "That page is too large to read." });
    expect(await failure("/brochure.pdf")).toMatchObject({ status: "failed", error: "That address is not a web page." });
    await site.fault({ method: "GET", path: "/hours", status: 503, body: "down" });
    expect(await failure("/hours")).toMatchObject({ status: "failed", error: "The website is not working right now (it answered 503). Try again later." });
    await site.fault({ method: "GET", path: "/faq", delayMs: 2000 });
    expect(await failure("/faq", { ...testEnv, WEB_IMPORT_TIMEOUT_MS: "200" } as Bindings)).toMatchObject({ status: "failed", error: "The website did not answer in time." });
    expect(await failure("/no-such-page")).toMatchObject({ status: "failed", error: "That page was not found on the website (404)." });
  });

  it("says when the AI writer fails, and a redelivered message of a finished import does nothing", async () => {
    const owner = await createUser();
    await openrouter.fault({ method: "POST", path: "/chat/completions", status: 500, times: 3 });
    const { found, sent } = await importSite(owner.cookie, { url: site.url });
    expect(found).toMatchObject({ status: "failed", error: "The AI writer could not draft from your website. Please try again." });
    const unfinished = await call(`/api/knowledge/imports/${found?.id}`, { method: "PATCH", cookie: owner.cookie, json: { outcome: "applied" } });
    expect(unfinished.status).toBe(409);
    expect((await errorOf(unfinished)).message).toBe("Only a finished import can be applied or dismissed.");
    await openrouter.reset();
    const mark = await site.mark();
    await consumeBatch(sent);
    expect(await site.requests(mark)).toEqual([]);
  });

  it("is per business: another business's import is 404; the agent must be the business's own", async () => {
    const owner = await createUser();
    const stranger = await createUser();
    const { found } = await importSite(owner.cookie, { url: site.url });
    expect((await call(`/api/knowledge/imports/${found?.id}`, { cookie: stranger.cookie })).status).toBe(404);
    expect((await call(`/api/knowledge/imports/${found?.id}`, { method: "PATCH", cookie: stranger.cookie, json: { outcome: "dismissed" } })).status).toBe(404);
    expect((await call("/api/knowledge/imports/not-a-uuid", { cookie: owner.cookie })).status).toBe(404);
    const theirs = await createAgentVia(stranger.cookie);
    expect((await importSite(owner.cookie, { url: site.url, agentId: theirs.id })).response.status).toBe(404);
  });

  it("is limited per business: the eleventh import in an hour is a 429", async () => {
    const owner = await createUser();
    const queue = recordingQueue<SideEffectMessage>();
    const env = bindingsWith({ SIDE_EFFECTS: queue });
    for (let i = 0; i < 10; i += 1) expect((await call("/api/knowledge/import", { method: "POST", cookie: owner.cookie, json: { url: site.url }, env })).status).toBe(202);
    const response = await call("/api/knowledge/import", { method: "POST", cookie: owner.cookie, json: { url: site.url }, env });
    expect(response.status).toBe(429);
    expect((await errorOf(response)).code).toBe("rate_limited");
    expect(queue.sent).toHaveLength(10);
  });
});
