/**
 * Texts in the dashboard (issue 22): a receptionist's texting settings, a call cut short and its
 * text-back on the call page, a caller's text arriving through the Twilio stand-in's signed
 * webhook, the owner's reply from the business's number, and the opt-out list after STOP; axe on
 * every screen, the conversation on a phone too.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DESKTOP, newSession, PHONE } from "./browser.mjs";
import { onboardToNumber, signUp, uniqueEmail } from "./steps.mjs";
import { newCall } from "./vapi-call.mjs";

/** Waits (up to 20 s) until `check` holds; fails naming `what` otherwise. */
async function until(check, what) {
  for (let i = 0; i < 80; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** The caller's text, through the stand-in: it signs it as Twilio does and posts it to the number's SmsUrl (our webhook). */
async function callerTexts(twilioUrl, from, to, body) {
  const response = await fetch(`${twilioUrl}/__stand-in/inbound`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from, to, body }) });
  const answer = await response.json();
  assert.equal(answer.delivery?.status, 200, `our webhook took the caller's text: ${JSON.stringify(answer)}`);
}

const standInMessages = async (twilioUrl) => (await (await fetch(`${twilioUrl}/__control/state`)).json()).messages;

/** @param {{ browser: import("playwright-core").Browser, app: { appUrl: string, standIns: Record<string,string> }, shots: string }} env */
export function defineTexts(env) {
  test("texts: settings per receptionist, a call's text-back, a caller's text and the owner's reply, STOP and the opt-out list", async () => {
    const s = await newSession(env.browser, { appUrl: env.app.appUrl, viewport: DESKTOP, shots: env.shots, prefix: "texts" });
    const { page } = s;
    const twilioUrl = env.app.standIns.twilio;
    assert.ok(twilioUrl, "the sandbox runs the Twilio stand-in");
    try {
      await signUp(s, { email: uniqueEmail("texts") });
      await onboardToNumber(s, { shoot: false });

      // The receptionist's texting settings: the text-back on, the 2-hour reminder on; kept after a reload.
      const { agentId, vapiAssistantId } = await page.evaluate(async () => {
        const { agents } = await (await fetch("/api/agents")).json();
        return { agentId: agents[0].id, vapiAssistantId: agents[0].vapiAssistantId };
      });
      await page.goto(`/agents/${agentId}`);
      const textBack = page.getByLabel("Text back callers whose call was missed or cut short");
      const twoHours = page.getByLabel("Remind callers two hours before");
      await textBack.waitFor();
      assert.equal(await page.getByLabel("Text a confirmation when the receptionist books an appointment").isChecked(), true, "confirmations are on by default");
      await textBack.check();
      await twoHours.check();
      await s.screen("agent-texting");
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByText("Saved.").first().waitFor();
      await page.reload();
      await textBack.waitFor();
      assert.equal(await textBack.isChecked(), true);
      assert.equal(await twoHours.isChecked(), true);
      const texting = await page.evaluate(async (id) => (await (await fetch(`/api/agents/${id}`)).json()).agent.texting, agentId);
      assert.deepEqual({ ...texting, reminders: [...texting.reminders].sort() }, { confirmations: true, reminders: ["24h", "2h"], missedCallTextBack: true, ownerAlerts: false });

      // A number that texts (from Twilio) for the receptionist; a caller hangs up after six seconds.
      const texter = await page.evaluate(async (id) => {
        const response = await fetch("/api/phone-numbers", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ agentId: id, areaCode: "512", provider: "twilio" }) });
        return (await response.json()).phoneNumber;
      }, agentId);
      assert.equal(texter.canText, true);
      const caller = "+15125550160";
      const call = newCall({ appUrl: env.app.appUrl, vapiPhoneNumberId: texter.vapiPhoneNumberId, vapiAssistantId, customer: caller });
      await call.ring();
      await call.answer();
      await call.hangUp(6);

      // The call page shows its text-back with where it stands, and links into the conversation.
      await page.goto("/calls");
      await page.getByRole("link", { name: /\(512\) 555-0160/ }).first().click();
      const texts = page.getByRole("region", { name: "Texts" });
      await texts.getByText("Missed-call text-back").waitFor({ timeout: 20_000 });
      // Sent at once, or held until 08:00 when the run falls in the business's quiet hours.
      await texts.getByText(/^(Queued|Sent|Delivered|Held for quiet hours.*)$/).waitFor();
      await s.screen("call-texts");
      await texts.getByRole("link", { name: "Open the conversation with +1 (512) 555-0160" }).click();
      await page.waitForURL(/\/texts\?number=/);

      // The caller writes back (signed by the stand-in as Twilio signs); the owner reads it and replies.
      await callerTexts(twilioUrl, caller, texter.number, "Can I come in at 4 today instead?");
      await page.reload();
      const conversation = page.getByRole("region", { name: "Conversation with +1 (512) 555-0160" });
      await conversation.getByText("Can I come in at 4 today instead?").waitFor();
      await conversation.getByLabel("Your reply").fill("Yes, 4 PM works. See you then!");
      await conversation.getByRole("button", { name: "Send reply" }).click();
      await page.getByText("Reply sent.", { exact: true }).waitFor();
      await conversation.getByText("Yes, 4 PM works. See you then!").waitFor();
      await until(
        async () => (await standInMessages(twilioUrl)).some((m) => m.to === caller && m.from === texter.number && m.body === "Yes, 4 PM works. See you then!"),
        "the reply reaches the caller from the business's number",
      );
      await s.screen("conversation");
      await page.setViewportSize(PHONE);
      await s.screen("conversation-phone");
      await page.setViewportSize(DESKTOP);

      // STOP: the caller is on the opt-out list, and the owner cannot text them until START.
      await callerTexts(twilioUrl, caller, texter.number, "STOP");
      await page.reload();
      await page.getByRole("region", { name: "Opted out" }).getByText("+1 (512) 555-0160").waitFor();
      await page.getByText("This caller replied STOP").waitFor();
      assert.equal(await page.getByLabel("Your reply").count(), 0, "no reply form for an opted-out caller");
      const refused = await page.evaluate(async (to) => (await fetch("/api/texts", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to, body: "Hello?" }) })).status, caller);
      assert.equal(refused, 409);
      await s.screen("opted-out");
      assert.deepEqual(s.problems.filter((p) => !/Failed to load resource/.test(p)), []);
    } catch (error) {
      await page.screenshot({ path: `${env.shots}/texts-FAILED.png`, fullPage: true }).catch(() => {});
      if (s.problems.length) console.error(`texts: browser console:\n  ${s.problems.join("\n  ")}`);
      throw error;
    } finally {
      await s.close();
    }
  });
}
