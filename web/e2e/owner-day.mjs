/** The owner's day-to-day (issue 21): each defect the trial hit, and follow-ups, states, the checklist and forwarding, on desktop and phone. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DESKTOP, newSession, PHONE } from "./browser.mjs";
import { onboardToNumber, signUp, uniqueEmail } from "./steps.mjs";
import { newCall } from "./vapi-call.mjs";

/** A request held until `release()`: what the screen shows before its data (or its script) arrives. */
async function hold(page, pattern) {
  let release = () => {};
  const gate = new Promise((resolve) => (release = resolve));
  await page.route(pattern, async (route) => {
    await gate;
    await route.continue().catch(() => {});
  });
  return async () => {
    release();
    await page.unroute(pattern);
  };
}

/** Waits (up to 15 s) until `check` holds; fails naming `what` otherwise. */
async function until(check, what) {
  for (let i = 0; i < 60; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** @param {{ browser: import("playwright-core").Browser, app: { appUrl: string, standIns: Record<string,string> }, shots: string }} env */
export function defineOwnerDay(env) {
  const journey = (name, prefix, viewport, body) =>
    test(name, async () => {
      const s = await newSession(env.browser, { appUrl: env.app.appUrl, viewport, shots: env.shots, prefix });
      try {
        await body(s);
      } catch (error) {
        await s.page.screenshot({ path: `${env.shots}/${prefix}-FAILED.png`, fullPage: true }).catch(() => {});
        if (s.problems.length) console.error(`${prefix}: browser console:\n  ${s.problems.join("\n  ")}`);
        throw error;
      } finally {
        await s.close();
      }
    });

  journey("a new owner's first day: the frame before scripts, common passwords, Google denied then allowed, resume, the checklist and states", "ownerday", DESKTOP, async (s) => {
    const { page } = s;
    // Defect 10: on a slow connection the frame is there before any script runs.
    const scripts = await hold(page, /\/src\/main\.tsx|\/assets\/index-[^/]*\.js/);
    await page.goto("/signup", { waitUntil: "commit" });
    await page.getByTestId("boot-frame").waitFor();
    assert.match((await page.getByTestId("boot-frame").textContent()) ?? "", /Loading your dashboard/);
    await scripts();
    await page.getByRole("heading", { name: "Create your account" }).waitFor();

    // Defect 9: a very common password is refused with the reason, before any request.
    await page.getByLabel("Your name").fill("Jo Salon");
    await page.getByLabel("Email").fill(uniqueEmail("ownerday"));
    await page.getByLabel("Password").fill("12345678");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("That is one of the most common passwords").waitFor();
    await s.screen("signup-common-password");
    await page.getByLabel("Password").fill("a salon of my own");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/onboarding/);

    const google = Boolean(env.app.standIns.google);
    await onboardToNumber(s, {
      shoot: false,
      connectGoogle: google,
      denyGoogleFirst: google,
      atCredits: async () => {
        // Defect 6: /onboarding without a step resumes where the owner was.
        await page.goto("/onboarding");
        await page.getByRole("heading", { name: "Credits for calls" }).waitFor();
        // The checklist, before everything is done.
        await page.goto("/");
        const checklist = page.getByRole("list", { name: "Setup checklist" });
        await checklist.waitFor();
        await checklist.getByText("Set up your receptionist (done)").waitFor();
        await checklist.getByText("Buy credits for calls (to do)").waitFor();
        // Defect 2: at 0 credits the overview says what to do, and the receptionist is not "Answering".
        await page.getByTestId("overview-out-of-credit").waitFor();
        assert.equal(await page.getByRole("region", { name: "Your receptionists" }).getByText("Answering", { exact: true }).count(), 0);
        await s.screen("overview-checklist");
        await page.goto("/onboarding?step=credits");
        await page.getByText("You have no credits yet").waitFor();
      },
    });
    const agents = await page.evaluate(async () => (await (await fetch("/api/agents")).json()).agents);
    // Defect 1: onboarding with Google connected logs calls to the Sheet.
    if (google) assert.equal(agents[0].sheetsLogging, true, "Google connected in onboarding turns the call log on");
    await page.getByRole("link", { name: "Go to the overview" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.getByRole("region", { name: "Your receptionists" }).getByText(/Answering|Number activating/).waitFor();
    await s.screen("overview-states");

    // Defect 3: the numbers page never says "Nobody" for an assigned number while the receptionists load.
    const agentsArrive = await hold(page, /\/api\/agents(\?|$)/);
    await page.goto("/numbers");
    const select = page.getByLabel(/^Receptionist answering/);
    await select.waitFor();
    assert.match((await select.locator("option:checked").textContent()) ?? "", /Loading receptionists/);
    await agentsArrive();
    await until(async () => (await select.locator("option:checked").textContent()) === "Bright Smile Dental", "the select shows the assigned receptionist");

    // Keep your existing number: the codes, then a test call from the owner's phone verifies it.
    await page.getByRole("radio", { name: "T-Mobile" }).check();
    await page.getByRole("radio", { name: "Always" }).check();
    assert.match((await page.getByTestId("forwarding-codes").textContent()) ?? "", /\*\*21\*1\d{10}#/);
    await page.getByLabel("Test my forwarding: the phone I'll call from").fill("(512) 555-0111");
    await page.getByRole("button", { name: "Test my forwarding" }).click();
    await page.getByText("Waiting for your call from +1 (512) 555-0111").waitFor();
    await s.screen("numbers-forwarding-waiting");
    const line = await page.evaluate(async () => {
      const [a, n] = await Promise.all([fetch("/api/agents").then((r) => r.json()), fetch("/api/phone-numbers").then((r) => r.json())]);
      return { vapiAssistantId: a.agents[0].vapiAssistantId, vapiPhoneNumberId: n.phoneNumbers[0].vapiPhoneNumberId };
    });
    const call = newCall({ appUrl: env.app.appUrl, ...line, customer: "+15125550111" });
    await call.ring();
    await call.answer();
    await page.getByText("Forwarding works").waitFor({ timeout: 20_000 });
    await s.screen("numbers-forwarding-verified");
    await call.hangUp();
    assert.deepEqual(s.problems.filter((p) => !/Failed to load resource/.test(p)), []);
  });

  journey("follow-ups on a phone: badges, filters, search, mark handled with a note; dismiss a question; the editor's unsaved-changes guard; a screen that fails to load", "followups", PHONE, async (s) => {
    const { page } = s;
    await signUp(s, { email: uniqueEmail("followups") });
    await onboardToNumber(s, { shoot: false });
    const line = await page.evaluate(async () => {
      const [a, n] = await Promise.all([fetch("/api/agents").then((r) => r.json()), fetch("/api/phone-numbers").then((r) => r.json())]);
      return { agentId: a.agents[0].id, vapiAssistantId: a.agents[0].vapiAssistantId, vapiPhoneNumberId: n.phoneNumbers[0].vapiPhoneNumberId };
    });
    const call = newCall({ appUrl: env.app.appUrl, ...line });
    await call.ring();
    await call.answer();
    await call.hangUp();

    // The list: the caller's name and number, a follow-up badge; the call page always shows the number, with tap-to-call.
    await page.goto("/calls");
    await page.getByText("Call back", { exact: true }).first().waitFor({ timeout: 20_000 });
    await s.screen("calls-badges");
    // Defect 9: an impossible range says so.
    await page.getByLabel("From", { exact: true }).fill("2030-02-02");
    await page.getByLabel("To", { exact: true }).fill("2030-02-01");
    await page.getByText("The From date is after the To date").waitFor();
    await page.goto("/calls?followUp=open");
    await page.getByRole("link", { name: /555-0147/ }).first().click();
    // The list's own row links carry the same number: wait for the call page before looking for tap-to-call.
    await page.waitForURL(/\/calls\/[0-9a-f-]{36}$/);
    // The address changes before the lazy call screen replaces the list: wait for what only the call page has.
    await page.getByRole("textbox", { name: "Note" }).waitFor();
    const tel = page.getByRole("main").getByRole("link", { name: "+1 (512) 555-0147" }).first();
    await tel.waitFor();
    assert.equal(await tel.getAttribute("href"), "tel:+15125550147");
    await s.screen("call-follow-up");
    await page.getByRole("textbox", { name: "Note" }).fill("Called back, booked her for Friday.");
    await page.getByRole("button", { name: "Mark as handled" }).click();
    await page.getByRole("button", { name: "Reopen" }).waitFor();
    await page.goto("/calls?followUp=open");
    await page.getByText("No calls match these filters.").waitFor();
    await page.goto("/calls?followUp=done");
    await page.getByRole("list").getByText("Handled", { exact: true }).first().waitFor();
    await page.getByRole("searchbox", { name: "Search" }).fill("keratin-nobody-said-this");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByText("No calls match these filters.").waitFor();

    // Unanswered questions can be dismissed, and stay dismissed.
    await page.goto("/");
    const question = page.getByRole("button", { name: /^Dismiss: / }).first();
    await question.waitFor();
    const label = (await question.getAttribute("aria-label")) ?? "";
    await question.click();
    await page.getByText("Dismissed: it won't be listed again.", { exact: true }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    assert.equal(await page.getByRole("button", { name: label }).count(), 0);

    // Defect 5: unsaved edits are not lost without a word.
    await page.goto(`/agents/${line.agentId}`);
    await page.getByRole("textbox", { name: "Name", exact: true }).fill("Bright Smile Front Desk");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Calls" }).click();
    await page.getByRole("dialog", { name: "Leave without saving?" }).waitFor();
    await s.screen("editor-unsaved-guard");
    await page.getByRole("button", { name: "Stay and keep editing" }).click();
    assert.equal(await page.getByRole("textbox", { name: "Name", exact: true }).inputValue(), "Bright Smile Front Desk");
    // Closing or reloading the tab gets the browser's own "leave site?" prompt.
    const unload = new Promise((resolve) => {
      page.once("dialog", async (dialog) => {
        resolve(dialog.type());
        await dialog.dismiss();
      });
      setTimeout(() => resolve("no dialog"), 10_000);
    });
    await page.reload({ timeout: 5_000 }).catch(() => {});
    assert.equal(await unload, "beforeunload");
    await page.getByRole("button", { name: "Discard" }).click();

    // Defect 7: a screen whose script fails shows its error inside the shell, the menu intact.
    await page.goto("/");
    await page.route(/\/src\/routes\/billing\.tsx|\/assets\/billing-[^/]*\.js/, (route) => route.abort());
    await page.goto("/billing");
    await page.getByText("This page could not be loaded.").waitFor();
    await page.getByRole("button", { name: "Reload the page" }).waitFor();
    assert.equal(await page.getByText("Failed to fetch dynamically imported module").count(), 0);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Calls" }).waitFor();
    await s.screen("screen-failed-inside-shell");
  });
}
