/**
 * The website import (ADRs 0330-0334) in the browser: on a receptionist's page the owner is told
 * in words why a local address is refused, then imports the sandbox's sample salon site, reviews
 * the draft (untick a question, change a price) and applies it; the receptionist then has exactly
 * what was ticked. A week later the site changes and the weekly re-read offers only the change.
 * axe on each screen.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DESKTOP, newSession } from "./browser.mjs";
import { signUp, uniqueEmail } from "./steps.mjs";

/** @param {{ browser: import("playwright-core").Browser, app: { appUrl: string }, shots: string }} env */
export function defineWebsiteImport(env) {
  test("an owner imports their website into a receptionist: refused address in words, draft reviewed, ticked items applied", async () => {
    const s = await newSession(env.browser, { appUrl: env.app.appUrl, viewport: DESKTOP, shots: env.shots, prefix: "website-import" });
    const { page } = s;
    try {
      await signUp(s, { email: uniqueEmail("website"), name: "Bella Owner" });
      const headers = { origin: env.app.appUrl };
      const created = await page.request.post("/api/agents", { headers, data: { name: "Bella's Desk", greeting: "Hi, thanks for calling Bella Hair Studio!" } });
      assert.equal(created.status(), 201, await created.text());
      const { agent } = await created.json();
      const { sampleWebsite } = await (await page.request.get("/api/sandbox")).json();
      assert.ok(sampleWebsite?.url, "the sandbox names its sample website");

      await page.goto(`/agents/${agent.id}`);
      const card = page.getByRole("region", { name: "Import from your website" });
      await card.waitFor();
      await card.getByRole("textbox", { name: "Your website" }).fill("https://localhost/admin");
      await card.getByRole("button", { name: "Read my website" }).click();
      await card.getByText("That address is not a public website.").waitFor();
      await s.screen("refused");

      await card.getByRole("textbox", { name: "Your website" }).fill(sampleWebsite.url);
      await card.getByRole("button", { name: "Read my website" }).click();
      await card.getByRole("heading", { name: "Draft from your website" }).waitFor({ timeout: 30_000 });
      assert.equal(await card.getByRole("textbox", { name: "Question 3" }).inputValue(), "Is there parking nearby?");
      assert.equal(await card.getByRole("textbox", { name: "Service 1" }).inputValue(), "Women's cut");
      await s.screen("draft");

      await card.getByLabel("Take question 4").uncheck();
      await card.getByRole("spinbutton", { name: "Price ($)" }).first().fill("58");
      await card.getByRole("button", { name: "Apply the ticked items" }).click();
      await card.getByText("Added to your receptionist.").waitFor();
      await s.screen("applied");

      const saved = (await (await page.request.get(`/api/agents/${agent.id}`)).json()).agent;
      const questions = saved.faq.map((pair) => pair.question);
      assert.ok(questions.includes("Is there parking nearby?"), "a ticked question was saved");
      assert.ok(!questions.includes("Do you do colour for children?"), "the unticked question was not");
      assert.deepEqual(
        saved.booking.services.map(({ name, minutes, priceCents }) => ({ name, minutes, priceCents })).slice(0, 2),
        [
          { name: "Women's cut", minutes: 45, priceCents: 5800 },
          { name: "Men's cut", minutes: 30, priceCents: 3500 },
        ],
      );
      assert.deepEqual(saved.booking.businessHours.tue, [{ start: "09:00", end: "13:00" }, { start: "14:00", end: "19:00" }]);

      // A week later the site has a new service; the Cron Trigger's weekly re-read (run through the
      // dev server's scheduled handler, at a time eight days on) offers only that.
      const site = new URL(sampleWebsite.url);
      const sample = await (await fetch(new URL("/__control/state", site))).json();
      const changed = await fetch(new URL("/__stand-in/site", site), {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ services: [...sample.services, { name: "Keratin treatment", length: "2 hours", price: "$250" }] }),
      });
      assert.equal(changed.status, 200);
      try {
        const later = Date.now() + 8 * 86_400_000;
        const cron = await fetch(`${env.app.appUrl}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("17 * * * *")}&time=${later}`);
        assert.equal(cron.status, 200);
        // The re-read runs on the queue: wait until it is done, then open the page afresh.
        let imports = [];
        for (let i = 0; i < 60 && !imports.some((item) => item.kind === "weekly" && item.status === "ready"); i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          imports = (await (await page.request.get(`/api/knowledge/imports?agentId=${agent.id}`)).json()).imports;
        }
        assert.ok(imports.some((item) => item.kind === "weekly" && item.status === "ready"), `the weekly re-read finished: ${JSON.stringify(imports.map(({ kind, status, error }) => ({ kind, status, error })))}`);
        await page.reload();
        await card.getByText("Changes on your website: the weekly re-read found something different").waitFor({ timeout: 30_000 });
        await card.getByRole("heading", { name: "Changes on your website" }).waitFor();
        assert.equal(await card.getByRole("textbox", { name: /^Service \d$/ }).count(), 1, "only the new service is offered");
        assert.equal(await card.getByRole("textbox", { name: "Service 1" }).inputValue(), "Keratin treatment");
        await s.screen("weekly-changes");
        await card.getByRole("button", { name: "Apply the ticked items" }).click();
        await card.getByText("Added to your receptionist.").waitFor();
        const after = (await (await page.request.get(`/api/agents/${agent.id}`)).json()).agent;
        assert.ok(after.booking.services.some((service) => service.name === "Keratin treatment" && service.minutes === 120), "the new service was added");
        assert.ok(after.booking.services.some((service) => service.name === "Women's cut" && service.priceCents === 5800), "the owner's own price stays");
      } finally {
        await fetch(new URL("/__stand-in/site/reset", site), { method: "POST" });
      }
    } catch (error) {
      await page.screenshot({ path: `${env.shots}/website-import-FAILED.png`, fullPage: true }).catch(() => {});
      if (s.problems.length) console.error(`website-import: browser console:\n  ${s.problems.join("\n  ")}`);
      throw error;
    } finally {
      await s.close();
    }
  });
}
