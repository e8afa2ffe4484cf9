/**
 * Auto top-up (issue 21): the card saved at the Stripe stand-in's checkout, the owner's settings on
 * Credits, calls that take the balance below the level, and what the owner sees: a top-up paid,
 * one skipped by the monthly cap (desktop); a declined card and one that needs authentication,
 * paused with the reason, the e-mail's Buy credits link, and Resume (phone). Axe on every screen.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DESKTOP, journeys, PHONE } from "./browser.mjs";
import { signUp, uniqueEmail, until, waitForMail } from "./steps.mjs";
import { newCall } from "./vapi-call.mjs";

/** @param {{ browser: import("playwright-core").Browser, app: { appUrl: string, standIns: Record<string,string> }, shots: string }} env */
export function defineTopUp(env) {
  const journey = journeys(env, test);
  /** Every journey here ends without a console error. */
  const cleanly = (body) => async (s) => {
    await body(s);
    assert.deepEqual(s.problems.filter((p) => !/Failed to load resource/.test(p)), []);
  };

  /** Buys the Starter pack on Credits with "save my card" ticked, paying with `card` on the stand-in's page. */
  async function buySavingCard(page, card) {
    await page.goto("/billing");
    await page.getByLabel(/Save my card for auto top-up/).check();
    await page.getByRole("button", { name: /^Buy Starter/ }).click();
    await page.waitForURL(/\/pay\//);
    await page.getByLabel("Card number").fill(card);
    await page.getByRole("button", { name: /^Pay/ }).click();
    await page.waitForURL(/\/billing\?checkout=success/);
    await page.getByText(`ending ${card.slice(-4)}`).waitFor({ timeout: 30_000 });
  }

  /** A receptionist on a number, made through the API as the dashboard would; answers the line to call. */
  async function line(page) {
    const made = await page.evaluate(async () => {
      const post = (path, json) => fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(json) }).then((r) => r.json());
      const { agent } = await post("/api/agents", { name: "Front desk", greeting: "Thanks for calling, how can I help?" });
      const { phoneNumber } = await post("/api/phone-numbers", { agentId: agent.id, areaCode: "512" });
      return { vapiAssistantId: agent.vapiAssistantId, vapiPhoneNumberId: phoneNumber.vapiPhoneNumberId };
    });
    return { appUrl: env.app.appUrl, ...made };
  }

  /** One three-minute call (4 credits). */
  async function callOnce(target) {
    const call = newCall(target);
    await call.ring();
    await call.answer();
    await call.hangUp();
  }

  async function setAutoTopUp(page, { whenBelow, cap }) {
    await page.getByLabel("Top up automatically").check();
    await page.getByLabel("Pack to buy").selectOption("starter");
    await page.getByLabel("Top up when my balance drops below").fill(String(whenBelow));
    await page.getByLabel("Spend at most, per month").fill(String(cap));
    await page.getByRole("button", { name: "Save auto top-up" }).click();
    await page.getByText("Auto top-up is on.", { exact: true }).first().waitFor();
  }

  /** Reloads Credits and answers whether auto top-up shows as paused (once the card has loaded). */
  async function pausedAfterReload(page) {
    await page.reload();
    await page.getByTestId("saved-card").waitFor();
    return page.getByText("Auto top-up is paused.").isVisible();
  }

  const balance = (page) => page.evaluate(async () => (await (await fetch("/api/credits")).json()).balance);

  journey("auto top-up on desktop: enabling needs a card, a crossing pays once, the monthly cap skips the next", "topup", DESKTOP, cleanly(async (s) => {
    const { page } = s;
    await signUp(s, { email: uniqueEmail("topup") });
    await page.goto("/billing");
    await page.getByText("No saved card yet").waitFor();
    // Without a saved card the API refuses, and says what to do.
    await page.getByLabel("Top up automatically").check();
    await page.getByRole("button", { name: "Save auto top-up" }).click();
    await page.getByText(/save a card first/).waitFor();
    await s.screen("billing-top-up-no-card");

    await buySavingCard(page, "4242 4242 4242 4242");
    const target = await line(page);
    await page.goto("/billing");
    await setAutoTopUp(page, { whenBelow: 98, cap: 10 });
    await s.screen("billing-top-up-on");

    await callOnce(target); // 100 → 96, below 98: the Starter pack is bought off-session.
    await until(async () => (await balance(page)) === 196, "the top-up's credits arrive", 120);
    await page.reload();
    await page.getByTestId("top-up-month").getByText("Charged $10.00; $0.00 left under your cap.").waitFor();
    await page.getByText("Paid", { exact: true }).waitFor();
    await s.screen("billing-top-up-paid");

    // A higher level makes the next call a second crossing: the cap ($10, spent) stops it.
    await setAutoTopUp(page, { whenBelow: 195, cap: 10 });
    await callOnce(target); // 196 → 192
    await page.reload();
    await page.getByText("Skipped: monthly cap").waitFor({ timeout: 30_000 });
    assert.equal(await balance(page), 192);
    await s.screen("billing-top-up-capped");
  }));

  journey("auto top-up on a phone: a declined card and one that needs authentication pause it, e-mail a link to buy, and Resume lifts it", "topup-phone", PHONE, cleanly(async (s) => {
    const { page } = s;
    const { email } = await signUp(s, { email: uniqueEmail("topupphone") });
    await buySavingCard(page, "4000 0000 0000 0002");
    const target = await line(page);
    await page.goto("/billing");
    await setAutoTopUp(page, { whenBelow: 98, cap: 50 });
    await callOnce(target); // 100 → 96: the saved card is declined.
    await until(() => pausedAfterReload(page), "the decline pauses auto top-up", 120);
    await page.getByText("Your card was declined").waitFor();
    await s.screen("billing-top-up-declined");
    const mail = await waitForMail(env.app.standIns.smtp, email, /Auto top-up is paused/);
    assert.match(mail.text ?? "", /your card was declined/);
    const buy = /Buy credits: (\S+)/.exec(mail.text ?? "")?.[1];
    assert.ok(buy?.endsWith("/billing?buy=starter"), `the e-mail links to buying (${buy})`);

    // The link from the e-mail; a card that needs authentication off-session is saved, which resumes auto top-up.
    await page.goto(new URL(buy).pathname + new URL(buy).search);
    await page.getByText("Your auto top-up pack").waitFor();
    await buySavingCard(page, "4000 0027 6000 3184");
    await page.goto("/billing");
    assert.equal(await page.getByText("Auto top-up is paused.").count(), 0);
    await page.evaluate(() => fetch("/api/business", { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ autoTopUp: { whenBelow: 195 } }) }));
    await callOnce(target); // 196 → 192, below 195: the bank asks to authenticate, which it cannot off-session.
    await until(() => pausedAfterReload(page), "the authentication request pauses auto top-up", 120);
    await page.getByText("Your bank asked to confirm the last top-up").waitFor();
    await s.screen("billing-top-up-authentication");

    await page.getByRole("button", { name: "Resume auto top-up" }).click();
    await page.getByText("Auto top-up is on.", { exact: true }).first().waitFor();
    assert.equal(await page.getByText("Auto top-up is paused.").count(), 0);
    await s.screen("billing-top-up-resumed");
  }));
}
