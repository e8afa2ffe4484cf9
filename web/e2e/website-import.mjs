/**
 * The website import (ADRs 0330-0334) in the browser: on a receptionist's page the owner is told
 * in words why a local address is refused, then imports the sandbox's sample salon site, reviews
 * the draft (untick a question, change a price) and applies it; the receptionist then has exactly
 * what was ticked. axe on each screen.
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
    } catch (error) {
      await page.screenshot({ path: `${env.shots}/website-import-FAILED.png`, fullPage: true }).catch(() => {});
      if (s.problems.length) console.error(`website-import: browser console:\n  ${s.problems.join("\n  ")}`);
      throw error;
    } finally {
      await s.close();
    }
  });
}
