/** The journeys of issue #11, each in its own browser context. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DESKTOP, journeys, newSession, PHONE } from "./browser.mjs";
import { pageThroughNumbers } from "./numbers-paging.mjs";
import { buyStarterPack, onboardToNumber, signUp, uniqueEmail, waitForMail } from "./steps.mjs";
import { inviteAndAcceptAsStaff } from "./teams.mjs";
import { newCall } from "./vapi-call.mjs";

/** @param {{ browser: import("playwright-core").Browser, app: { appUrl: string, standIns: Record<string,string> }, shots: string }} env */
export function defineJourneys(env) {
  const session = (prefix, viewport = DESKTOP) => newSession(env.browser, { appUrl: env.app.appUrl, viewport, shots: env.shots, prefix });
  /** A journey in its own context; on failure the screen is saved as <prefix>-FAILED.png. */
  const journey = journeys(env, test);

  journey("onboarding end to end in the sandbox: generated FAQ, a number, credits bought on the Stripe stand-in", "onboarding", DESKTOP, async (s) => {
    const { page } = s;
    {
      await page.goto("/signup");
      await s.screen("signup");
      await signUp(s, { email: uniqueEmail("onboard") });
      // Google is connected on its stand-in's consent page when the sandbox has one.
      const google = Boolean(env.app.standIns.google);
      if (!google) console.log("# the sandbox has no Google stand-in: onboarding skips the Google step");
      const balance = await onboardToNumber(s, {
        connectGoogle: google,
        atCredits: async () => {
          await s.screen("onboarding-credits");
          // Numbers come after credits: the number step says so until a pack is bought.
          await page.goto("/onboarding?step=number");
          await page.getByText("A number comes with your first credit pack").waitFor();
          await s.screen("onboarding-number-needs-credits");
          await page.getByRole("button", { name: "Back" }).click();
          await page.getByText("You have no credits yet").waitFor();
        },
        onCheckoutPage: () => page.screenshot({ path: `${env.shots}/onboarding-stripe-checkout.png` }),
      });
      const number = page.getByTestId("receptionist-number");
      await number.waitFor({ timeout: 30_000 });
      assert.match((await number.textContent()) ?? "", /^\+1 \(512\) \d{3}-\d{4}$/);
      await s.screen("onboarding-done");

      await page.getByRole("link", { name: "Go to the overview" }).click();
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      assert.equal(await page.getByTestId("overview-credits").textContent(), balance.toLocaleString("en-US"));
      await s.screen("overview");

      // A call comes in: live on the overview, then in the list with its transcript, and the balance lower.
      const line = await page.evaluate(async () => {
        const [agents, numbers] = await Promise.all([fetch("/api/agents").then((r) => r.json()), fetch("/api/phone-numbers").then((r) => r.json())]);
        return { vapiAssistantId: agents.agents[0].vapiAssistantId, vapiPhoneNumberId: numbers.phoneNumbers[0].vapiPhoneNumberId };
      });
      const call = newCall({ appUrl: env.app.appUrl, ...line });
      const picked = await call.ring();
      assert.equal(picked.assistantId, line.vapiAssistantId, "assistant-request picks the owner's agent");
      await call.answer();
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" }).click();
      await page.getByRole("region", { name: "Calls in progress" }).getByText("+1 (512) 555-0147").waitFor({ timeout: 15_000 });
      await s.screen("overview-live-call");
      await call.hangUp();
      await page.getByRole("region", { name: "Calls in progress" }).getByText("No one is on the phone right now.").waitFor({ timeout: 15_000 });
      await page.reload();
      const after = Number((await page.getByTestId("overview-credits").textContent())?.replace(/,/g, ""));
      assert.ok(after < balance, `the balance went down after the call (${balance} → ${after})`);
      await page.getByRole("region", { name: "Questions your receptionist couldn't answer" }).getByText("Do you do keratin treatments?").waitFor();
      await s.screen("overview-after-call");

      await page.getByRole("button", { name: "Add to FAQ: Do you do keratin treatments?" }).click();
      await page.getByRole("dialog").getByLabel("Answer").fill("We don't offer keratin treatments, but we're happy to recommend a salon that does.");
      await s.screen("add-to-faq");
      await page.getByRole("dialog").getByRole("button", { name: "Add to FAQ" }).click();
      await page.getByText("Added to Bright Smile Dental's FAQ.", { exact: true }).waitFor();
      await page.getByRole("region", { name: "Questions your receptionist couldn't answer" }).getByText("Nothing open").waitFor();
      const faq = await page.evaluate(async () => (await (await fetch("/api/agents")).json()).agents[0].faq.map((item) => item.question));
      assert.ok(faq.includes("Do you do keratin treatments?"), "the question is in the agent's FAQ");

      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Calls" }).click();
      await page.getByRole("link", { name: /Jordan Lee/ }).click();
      await page.getByRole("list", { name: "Transcript" }).getByText("Do you do keratin treatments?").waitFor();
      await s.screen("call-detail");

      // Every other screen, with this owner's real data (the call, the purchase and its debit).
      for (const [link, heading, name] of [
        ["Receptionists", "Receptionists", "agents"],
        ["Phone numbers", "Phone numbers", "numbers"],
        ["Calls", "Calls", "calls"],
        ["Credits", "Credits", "credits"],
        ["Integrations", "Integrations", "integrations"],
        ["Settings", "Settings", "settings"],
      ]) {
        await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link }).click();
        await page.getByRole("heading", { name: heading, exact: true }).waitFor();
        await s.screen(name);
      }
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Receptionists" }).click();
      await page.getByRole("link", { name: "Bright Smile Dental" }).click();
      await page.getByRole("heading", { name: "Bright Smile Dental" }).waitFor();
      await s.screen("agent-editor");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Credits" }).click();
      await page.getByRole("cell", { name: "-4", exact: true }).waitFor();
      assert.deepEqual(s.problems.filter((p) => !/Failed to load resource/.test(p)), []);
    }
  });

  journey("log in and out, a wrong password, forgot password through the sandbox inbox, session expiry returns to the page", "auth", DESKTOP, async (s) => {
    const { page } = s;
    {
      // A first visit to a signed-in page: sent to log in (and back afterwards), not told a session expired.
      await page.goto("/agents");
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      assert.equal(new URL(page.url()).searchParams.get("next"), "/agents");
      assert.equal(await page.getByText("Your session has ended").count(), 0);
      await s.screen("login");
      const { email, password } = await signUp(s, { email: uniqueEmail("auth") });
      await page.goto("/");
      await page.getByRole("button", { name: "Sign out" }).first().click();
      await page.getByText("You are signed out.").waitFor();
      await s.screen("signed-out");

      // The API's answer next to the field it is about.
      await page.getByRole("link", { name: "Create an account" }).click();
      // The sign-up screen loads lazily: filling before it shows would fill the log-in form's Email.
      await page.getByRole("button", { name: "Create account" }).waitFor();
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("another password");
      await page.getByRole("button", { name: "Create account" }).click();
      const taken = page.getByRole("textbox", { name: "Email" });
      await page.getByText("An account with that email already exists").waitFor();
      assert.equal(await taken.getAttribute("aria-invalid"), "true");
      await s.screen("signup-email-taken");
      await page.getByRole("link", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Sign in" }).waitFor();

      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("not the password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByText("That email and password do not match an account.").waitFor();
      await s.screen("login-wrong-password");
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((url) => url.pathname === "/");

      // Session expiry: the cookie disappears; the next request sends the user to log in and back.
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
      await page.getByRole("heading", { name: "Settings" }).waitFor();
      await s.context.clearCookies();
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Phone numbers" }).click();
      await page.getByText("Your session has ended.").waitFor();
      await s.screen("session-expired");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((url) => url.pathname === "/numbers");

      // Forgot password, from the sign-in page to a new password, through the e-mail.
      await page.getByRole("button", { name: "Sign out" }).first().click();
      await page.getByRole("link", { name: "Forgot your password?" }).click();
      await page.getByRole("heading", { name: "Reset your password" }).waitFor();
      await page.getByLabel("Email").fill(email);
      await page.getByRole("button", { name: "Send reset link" }).click();
      await page.getByText("a reset link is on its way").waitFor();
      await s.screen("forgot-password-sent");
      const mail = await waitForMail(env.app.standIns.smtp, email, /reset/i);
      const link = /https?:\/\/\S+\/reset-password\?token=[^\s"<>]+/.exec(mail.text ?? "")?.[0];
      assert.ok(link, "the e-mail carries a reset link");
      await page.goto(link);
      await page.getByLabel("New password", { exact: true }).fill("a brand new password");
      await page.getByLabel("Repeat the new password").fill("a different one");
      await page.getByRole("button", { name: "Set new password" }).click();
      await page.getByText("The two passwords are not the same.").waitFor();
      await s.screen("reset-password-mismatch");
      await page.getByLabel("Repeat the new password").fill("a brand new password");
      await page.getByRole("button", { name: "Set new password" }).click();
      await page.getByText("Your password is changed").waitFor();
      await s.screen("reset-password-done");
      await page.getByRole("link", { name: "Sign in" }).click();
      // By keyboard alone: Tab into the form, type, Enter.
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("type")), "email", "the first Tab reaches the email field");
      await page.keyboard.type(email);
      await page.keyboard.press("Tab");
      await page.keyboard.type("a brand new password");
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { name: /Welcome/ }).waitFor();
      // The mobile-first layout keeps "Skip to content" as the first stop on app pages.
      await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");

      // Settings and the low-credit threshold: inline checks, then saved.
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
      await page.getByLabel("Your phone").fill("555 0100");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.getByText("Use the international format").waitFor();
      await s.screen("settings-invalid-phone");
      await page.getByLabel("Your phone").fill("+14155550123");
      await page.getByLabel("Timezone").selectOption("Europe/London");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.getByText("Settings saved.", { exact: true }).waitFor();
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Credits" }).click();
      await page.getByLabel("E-mail me when my balance drops below").fill("25");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.getByText("Saved.", { exact: true }).waitFor();
      const me = await page.evaluate(async () => (await (await fetch("/api/me")).json()).user);
      assert.deepEqual([me.phone, me.timezone, me.lowCreditThreshold], ["+14155550123", "Europe/London", 25]);
    }
  });

  journey("the agent editor: inline validation, Vapi's refusal shown in words, pause and resume", "editor", DESKTOP, async (s) => {
    const { page } = s;
    {
      await signUp(s, { email: uniqueEmail("editor") });
      const created = await page.evaluate(async () => {
        const response = await fetch("/api/agents", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: "Front desk", greeting: "Thanks for calling!", faq: [{ question: "Do you park?", answer: "Behind the building." }] }),
        });
        return response.json();
      });
      await page.goto(`/agents/${created.agent.id}`);
      await page.getByRole("heading", { name: "Front desk" }).waitFor();

      await page.getByLabel("Name", { exact: true }).fill("");
      await page.getByLabel("Transfer to a person at").fill("555-0100");
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByText("Give the receptionist a name.").waitFor();
      await page.getByText("Use the international format").waitFor();
      await s.screen("editor-inline-errors");

      await page.getByLabel("Name", { exact: true }).fill("Front desk");
      await page.getByLabel("Transfer to a person at").fill("");
      await page.getByLabel("Greeting").fill("Hello from the new greeting!");
      const vapi = env.app.standIns.vapi;
      await fetch(`${vapi}/__control/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ method: "PATCH", path: "/assistant/", status: 400, body: { message: ["firstMessage must be shorter than 1000 characters"], error: "Bad Request", statusCode: 400 } }),
      });
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByText(/Nothing was saved\..*firstMessage must be shorter/).waitFor();
      await s.screen("editor-vapi-refused");
      const stored = await page.evaluate(async (id) => (await (await fetch(`/api/agents/${id}`)).json()).agent.greeting, created.agent.id);
      assert.equal(stored, "Thanks for calling!", "a refused change leaves the agent as it was");

      await page.getByLabel("E-mail me after").selectOption("none");
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByText("No changes").waitFor();
      const saved = await page.evaluate(async (id) => (await (await fetch(`/api/agents/${id}`)).json()).agent, created.agent.id);
      assert.equal(saved.greeting, "Hello from the new greeting!");
      assert.equal(saved.notify, "none");

      // Consent: the editor shows exactly what callers hear first; recording off reaches Vapi.
      const firstWords = page.getByTestId("first-words");
      assert.equal(await firstWords.textContent(), saved.firstMessage);
      assert.equal(saved.firstMessage, "You're speaking with an AI assistant, and this call is recorded. Hello from the new greeting!");
      await page.getByLabel(/^Record calls/).uncheck();
      assert.equal(await firstWords.textContent(), "You're speaking with an AI assistant. Hello from the new greeting!");
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByText("Unsaved changes").waitFor({ state: "detached" });
      await page.getByRole("status").getByText("Saving…").waitFor({ state: "detached" });
      const unrecorded = await page.evaluate(async (id) => (await (await fetch(`/api/agents/${id}`)).json()).agent, created.agent.id);
      assert.deepEqual([unrecorded.recordingEnabled, unrecorded.firstMessage], [false, await firstWords.textContent()]);
      const atVapi = (await (await fetch(`${vapi}/__control/state`)).json()).assistants.find((assistant) => assistant.id === unrecorded.vapiAssistantId);
      assert.deepEqual([atVapi?.artifactPlan, atVapi?.firstMessage], [{ recordingEnabled: false }, unrecorded.firstMessage]);
      await s.screen("editor-recording-off");
      await page.getByRole("button", { name: "Pause" }).click();
      await page.getByText("Paused", { exact: true }).first().waitFor();
      await s.screen("editor-paused");
      await page.getByRole("button", { name: "Resume" }).click();
      // Resumed, but with no number it is not "Answering": the badge says what callers get (issue 21 defect 2).
      await page.getByText("No number", { exact: true }).first().waitFor();

      // Numbers: refused until a pack is bought (402, said in words), then buy one with no agent,
      // assign it, and release it through the confirmation (Escape cancels).
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Phone numbers" }).click();
      await page.getByText("No numbers yet").waitFor();
      await page.getByRole("button", { name: "Buy number" }).click();
      await page.getByText("Buy a credit pack before buying a phone number").waitFor();
      await s.screen("numbers-need-credits");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Credits" }).click();
      await buyStarterPack(s, { shoot: false });
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Phone numbers" }).click();
      await page.getByText("No numbers yet").waitFor();
      await page.getByRole("button", { name: "Buy number" }).click();
      const assign = page.getByLabel(/^Receptionist answering/);
      await assign.waitFor({ timeout: 30_000 });
      await assign.selectOption({ label: "Front desk" });
      await page.getByText("Saved.", { exact: true }).waitFor();
      const assigned = await page.evaluate(async () => (await (await fetch("/api/phone-numbers")).json()).phoneNumbers[0].agentId);
      assert.equal(assigned, created.agent.id);
      await s.screen("numbers-assigned");
      await pageThroughNumbers(s);
      await page.getByRole("button", { name: /^Release/ }).click();
      await page.getByRole("dialog").waitFor();
      await page.keyboard.press("Escape");
      await page.getByRole("dialog").waitFor({ state: "detached" });
      await page.getByRole("button", { name: /^Release/ }).click();
      await s.screen("numbers-release-confirm");
      await page.getByRole("dialog").getByRole("button", { name: "Release number" }).click();
      await page.getByText("No numbers yet").waitFor({ timeout: 30_000 });
    }
  });

  journey("teams: invite from Members, accept in a second browser, staff see the reduced navigation", "teams", DESKTOP, async (s) => {
    const staff = await session("teams-staff");
    try {
      await inviteAndAcceptAsStaff(s, staff, env.app.standIns);
    } catch (error) {
      await staff.page.screenshot({ path: `${env.shots}/teams-staff-FAILED.png`, fullPage: true }).catch(() => {});
      if (staff.problems.length) console.error(`teams-staff: browser console:\n  ${staff.problems.join("\n  ")}`);
      throw error;
    } finally {
      await staff.close();
    }
  });

  journey("a phone-sized run of onboarding", "phone", PHONE, async (s) => {
    const { page } = s;
    {
      await signUp(s, { email: uniqueEmail("phone") });
      await onboardToNumber(s, { areaCode: "415", atCredits: () => s.screen("credits") });
      const number = page.getByTestId("receptionist-number");
      await number.waitFor({ timeout: 30_000 });
      assert.match((await number.textContent()) ?? "", /^\+1 \(415\)/);
      await s.screen("done");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `nothing is wider than the phone (${overflow}px too wide)`);
      await page.getByRole("link", { name: "Go to the overview" }).click();
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      await s.screen("overview");
      for (const [link, name] of [["Receptionists", "agents"], ["Phone numbers", "numbers"], ["Calls", "calls"], ["Credits", "credits"], ["Settings", "settings"]]) {
        await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link }).click();
        await page.getByRole("heading", { name: link, exact: true }).waitFor();
        await s.screen(name);
        const wider = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(wider <= 0, `${link} fits the phone (${wider}px too wide)`);
      }
    }
  });
}
