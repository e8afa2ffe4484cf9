/** Steps several journeys share: sign up through the form, onboard up to a number, read the sandbox inbox. */
import assert from "node:assert/strict";

let counter = 0;
export function uniqueEmail(label) {
  counter += 1;
  return `${label}-${Date.now().toString(36)}-${counter}@sandbox.test`;
}

export async function signUp(session, { email, password = "correct horse battery", name = "Sam Owner" }) {
  const { page } = session;
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/onboarding/);
  return { email, password };
}

/**
 * From "describe your business" to a bought number, credits first (numbers are for accounts that
 * have bought a pack, docs/architecture.md §4); `screen` names each step's screenshot. `atCredits` runs on the
 * credits step before the pack is bought, `onCheckoutPage` on Stripe's page. Answers the balance after the purchase.
 */
export async function onboardToNumber(session, { areaCode = "512", shoot = true, connectGoogle = false, denyGoogleFirst = false, atCredits = async () => {}, onCheckoutPage = async () => {} } = {}) {
  const { page } = session;
  const shot = (name) => (shoot ? session.screen(name) : Promise.resolve());
  await page.getByRole("heading", { name: "Describe your business" }).waitFor();
  // Inline validation before any request.
  await page.getByRole("button", { name: "Write my greeting, FAQ and policies" }).click();
  await page.getByText("Enter your business's name.").waitFor();
  await shot("onboarding-describe-errors");
  await page.getByLabel("Business name").fill("Bright Smile Dental");
  await page
    .getByLabel("What does your business do?")
    .fill("A family dentist in Austin, Texas. Cleanings, fillings and whitening; most insurance accepted; open weekdays 9 to 5, parking behind the building.");
  await shot("onboarding-describe");
  await page.getByRole("button", { name: "Write my greeting, FAQ and policies" }).click();
  // Services and hours, drafted from the description (issue 20): weekdays 9 to 5, the services it names.
  await page.getByRole("heading", { name: "Services and hours" }).waitFor({ timeout: 60_000 });
  await page.getByRole("button", { name: "Add a service" }).waitFor({ timeout: 60_000 });
  assert.equal(await page.getByRole("textbox", { name: "Monday opens", exact: true }).inputValue(), "09:00");
  assert.ok((await page.getByRole("textbox", { name: "Service 1 name" }).inputValue()).length > 2, "a service was drafted");
  await shot("onboarding-services");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("heading", { name: "Check what your receptionist will say" }).waitFor({ timeout: 60_000 });
  const firstQuestion = await page.getByRole("textbox", { name: "Question 1", exact: true }).inputValue();
  assert.ok(firstQuestion.length > 3, "the generated FAQ has a first question");
  assert.ok((await page.getByRole("textbox", { name: "Greeting" }).inputValue()).length > 5, "a greeting was written");
  await shot("onboarding-script");
  await page.getByRole("button", { name: "Create my receptionist" }).click();
  await page.getByRole("heading", { name: "Pick a voice" }).waitFor({ timeout: 30_000 });
  await page.getByRole("radio", { name: /Kylie/ }).check();
  await shot("onboarding-voice");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("heading", { name: "Connect Google" }).waitFor();
  await shot("onboarding-google");
  if (connectGoogle && denyGoogleFirst) {
    // Deny on Google's screen: Integrations says so and offers the way back into setup (issue 21 defect 6).
    await page.getByRole("link", { name: "Connect Google" }).click();
    await page.getByRole("button", { name: "Deny" }).click();
    await page.getByText("Google was not connected").waitFor({ timeout: 30_000 });
    await shot("integrations-denied");
    await page.getByRole("link", { name: "Continue setup" }).click();
    await page.getByRole("heading", { name: "Connect Google" }).waitFor();
  }
  if (connectGoogle) {
    // Google's consent screen (the stand-in's), and back to Integrations, then on with setup.
    await page.getByRole("link", { name: "Connect Google" }).click();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByText("Google is connected.").waitFor({ timeout: 30_000 });
    await shot("integrations-connected");
    await page.getByRole("link", { name: "Continue setup" }).click();
    // Back on the Google step: continuing turns the receptionist's call log on (issue 21 defect 1).
    await page.getByText("Every call will be logged to your Google Sheet.").waitFor();
    await page.getByRole("button", { name: "Continue" }).click();
  } else {
    await page.getByRole("button", { name: "Skip for now" }).click();
  }
  await page.getByRole("heading", { name: "Credits for calls" }).waitFor();
  await page.getByText("You have no credits yet").waitFor();
  await atCredits();
  const balance = await buyStarterPack(session, { shoot, onCheckoutPage });
  await page.getByRole("link", { name: "Continue setup" }).click();
  await page.getByRole("heading", { name: "Get a phone number" }).waitFor();
  await page.getByLabel("Area code (optional)").fill("12");
  await page.getByRole("button", { name: "Buy this number" }).click();
  await page.getByText("Enter a 3-digit US area code").waitFor();
  await page.getByLabel("Area code (optional)").fill(areaCode);
  await shot("onboarding-number");
  // A double click buys one number, not two.
  await page.getByRole("button", { name: "Buy this number" }).dblclick();
  await page.getByText("Your receptionist is live").waitFor({ timeout: 30_000 });
  const numbers = await page.evaluate(async () => (await (await fetch("/api/phone-numbers")).json()).phoneNumbers.length);
  assert.equal(numbers, 1, "one number bought");
  return balance;
}

/** The Starter pack bought on the Stripe stand-in's page, back on Credits with the purchase in; answers the balance. */
export async function buyStarterPack(session, { shoot = true, onCheckoutPage = async () => {} } = {}) {
  const { page } = session;
  await page.getByRole("button", { name: /^Buy Starter/ }).click();
  await page.waitForURL(/\/pay\//);
  await onCheckoutPage();
  await page.getByRole("button", { name: /^Pay/ }).click();
  await page.waitForURL(/\/billing\?checkout=success/);
  await page.getByText("Payment received: your credits are in.").waitFor({ timeout: 30_000 });
  const balance = Number((await page.getByTestId("credits-balance").textContent())?.replace(/,/g, ""));
  assert.ok(balance > 0, `the balance shows the purchase (${balance})`);
  if (shoot) await session.screen("billing-after-checkout");
  return balance;
}

/** The newest message to `to` in the SMTP stand-in's inbox whose subject matches, waiting for the queue to send it. */
export async function waitForMail(smtpUrl, to, subject) {
  for (let i = 0; i < 120; i += 1) {
    const inbox = await (await fetch(`${smtpUrl}/messages?to=${encodeURIComponent(to)}`)).json();
    const found = inbox.messages.filter((message) => subject.test(message.subject ?? "")).pop();
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`no e-mail to ${to} matching ${subject} within 60 s`);
}
