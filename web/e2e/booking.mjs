/**
 * Booking a real business (issue 20), as a salon owner would set it up: services drafted in
 * onboarding, then in the editor a staff member on a Google calendar, a service only they offer,
 * a lunch break and a closure; a caller books through the receptionist; the appointments page
 * lists it, moves it (and says in words why a closed time cannot be had) and cancels it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { zonedDateTime } from "../../dev/calls/scripts.mjs";
import { DESKTOP, newSession, PHONE } from "./browser.mjs";
import { onboardToNumber, signUp, uniqueEmail } from "./steps.mjs";
import { newCall } from "./vapi-call.mjs";

/** The first Monday–Friday at least `days` after `from` (YYYY-MM-DD). */
function weekdayAfter(from, days) {
  const day = new Date(`${from}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

/** @param {{ browser: import("playwright-core").Browser, app: { appUrl: string, standIns: Record<string,string> }, shots: string }} env */
export function defineBooking(env) {
  test("a salon's services, staff, a break and a closure; a booked call on the appointments page, moved and cancelled", async (t) => {
    if (!env.app.standIns.google) return t.skip("the sandbox has no Google stand-in");
    const s = await newSession(env.browser, { appUrl: env.app.appUrl, viewport: DESKTOP, shots: env.shots, prefix: "booking" });
    const { page } = s;
    try {
      await signUp(s, { email: uniqueEmail("booking"), name: "Jo Salon" });
      await onboardToNumber(s, { shoot: false, connectGoogle: true });
      const [agent] = await page.evaluate(async () => (await (await fetch("/api/agents")).json()).agents);
      const [number] = await page.evaluate(async () => (await (await fetch("/api/phone-numbers")).json()).phoneNumbers);
      const timeZone = agent.booking.timezone;
      const today = new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date());
      const bookDay = weekdayAfter(today, 2);
      const closedDay = weekdayAfter(bookDay, 1);

      // The editor: services drafted in onboarding are there; add a staff member, a service only they offer, a break, a closure.
      await page.goto(`/agents/${agent.id}`);
      await page.getByRole("region", { name: "Services and staff" }).waitFor();
      assert.ok((await page.getByRole("textbox", { name: "Service 1 name" }).inputValue()).length > 2, "onboarding's drafted service is saved");
      await page.getByRole("button", { name: "Add a staff member" }).click();
      await page.getByRole("textbox", { name: "Staff member 1 name" }).fill("Alex");
      const calendar = page.getByRole("combobox", { name: "Alex: Google calendar" });
      await calendar.getByRole("option", { name: /your main calendar/ }).waitFor({ state: "attached" });
      await calendar.selectOption({ index: 1 });
      await page.getByRole("button", { name: "Add a service" }).click();
      // Inline validation before any request.
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByText("Name the service, or remove it.").waitFor();
      await page.getByRole("textbox", { name: "Service 2 name" }).fill("Haircut");
      await page.getByRole("spinbutton", { name: "Haircut: minutes" }).fill("45");
      await page.getByRole("textbox", { name: "Haircut: price ($)" }).fill("40");
      await page.getByTestId("service-row").nth(1).getByRole("checkbox", { name: "Alex" }).check();
      await page.getByRole("button", { name: "Add a break on Monday" }).click();
      assert.equal(await page.getByRole("textbox", { name: "Monday closes", exact: true }).inputValue(), "12:00");
      assert.equal(await page.getByRole("textbox", { name: "Monday opens (after break 1)" }).inputValue(), "13:00");
      await page.getByRole("button", { name: "Add a closure" }).click();
      await page.getByLabel("Closure 1: first day").fill(closedDay);
      await page.getByLabel("Closure 1: reason").fill("the holiday");
      // A problem only the API finds is shown beside its input, in the API's words.
      await page.getByLabel("Closure 1: last day").fill(weekdayAfter(closedDay, 400));
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByText("A closure may span at most 366 days.").waitFor();
      await page.getByLabel("Closure 1: last day").fill(closedDay);
      // The unsaved-changes guard covers the new fields.
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Appointments" }).click();
      await page.getByRole("dialog", { name: "Leave without saving?" }).waitFor();
      await page.getByRole("button", { name: "Stay and keep editing" }).click();
      await s.screen("agent-services-staff");
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByText(/^Saved\. Your receptionist uses the new settings/).waitFor({ timeout: 30_000 });
      const saved = await page.evaluate(async (id) => (await (await fetch(`/api/agents/${id}`)).json()).agent.booking, agent.id);
      assert.deepEqual(saved.businessHours.mon, [{ start: "09:00", end: "12:00" }, { start: "13:00", end: "17:00" }]);
      assert.deepEqual(saved.closures, [{ from: closedDay, to: closedDay, reason: "the holiday" }]);
      const alex = saved.staff.find((member) => member.name === "Alex");
      assert.deepEqual(saved.services.find((service) => service.name === "Haircut"), { id: saved.services[1].id, name: "Haircut", minutes: 45, priceCents: 4000, staffIds: [alex.id] });

      // A caller: the closure is spoken with its reason; a haircut with Alex is booked.
      const call = newCall({ appUrl: env.app.appUrl, vapiPhoneNumberId: number.vapiPhoneNumberId, vapiAssistantId: agent.vapiAssistantId });
      await call.ring();
      await call.answer();
      assert.match(await call.tool("check_availability", { date: closedDay, service: "Haircut" }), /closed.*holiday/i);
      const booked = await call.tool("book_appointment", { start: zonedDateTime(bookDay, "10:00", timeZone), name: "Jordan Lee", service: "Haircut", staff: "Alex" });
      assert.match(booked, /You're booked for .* for Haircut with Alex/);
      await call.hangUp();

      // The appointments page: the booking, its call, its texts; filters; moved, refused a closed time in words, cancelled.
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Appointments" }).click();
      await page.getByRole("heading", { name: "Appointments", exact: true }).waitFor();
      const item = page.getByTestId("appointment").filter({ hasText: "Jordan Lee" });
      await item.getByText("10:00 – 10:45 AM · Haircut with Alex").waitFor();
      await item.getByText("Booked", { exact: true }).waitFor();
      assert.match((await item.getByRole("link", { name: /Open the call/ }).getAttribute("href")) ?? "", /^\/calls\/[0-9a-f-]{36}$/);
      await item.getByRole("button", { name: /^Texts/ }).click();
      // The booking's own texts: the confirmation texted from the business's number.
      await item.getByRole("region", { name: "Texts about this appointment" }).getByText(/you're booked for/).waitFor();
      await page.getByRole("combobox", { name: "Status" }).selectOption("cancelled");
      await page.getByText("No appointments match these filters.").waitFor();
      await page.getByRole("combobox", { name: "Status" }).selectOption("");
      await page.getByRole("combobox", { name: "Staff member" }).selectOption({ label: "Alex" });
      await item.waitFor();
      await s.screen("appointments");

      await item.getByRole("button", { name: "Move Jordan Lee's appointment" }).click();
      const move = page.getByRole("dialog", { name: "Move Jordan Lee's appointment" });
      await move.getByLabel(/New time/).fill("20:00");
      await move.getByRole("button", { name: "Move appointment" }).click();
      await move.getByRole("alert").waitFor();
      assert.doesNotMatch((await move.getByRole("alert").textContent()) ?? "", /^\s*$/);
      await s.screen("appointments-move-refused");
      await move.getByLabel(/New time/).fill("14:00");
      await move.getByRole("button", { name: "Move appointment" }).click();
      await item.getByText("2:00 – 2:45 PM · Haircut with Alex").waitFor({ timeout: 30_000 });
      await item.getByText("Moved", { exact: true }).waitFor();

      await item.getByRole("button", { name: "Cancel Jordan Lee's appointment" }).click();
      await page.getByRole("dialog", { name: "Cancel Jordan Lee's appointment?" }).getByRole("button", { name: "Cancel appointment" }).click();
      await item.getByText("Cancelled", { exact: true }).waitFor({ timeout: 30_000 });
      await page.getByRole("button", { name: "Week" }).click();
      await page.getByText(/^Week of /).waitFor();
      await s.screen("appointments-week");

      // Phone-sized: the editor's booking cards and the appointments page fit the screen.
      await page.setViewportSize(PHONE);
      for (const [path, name] of [[`/agents/${agent.id}`, "agent-booking-phone"], ["/appointments", "appointments-phone"]]) {
        await page.goto(path);
        await page.getByRole(path === "/appointments" ? "heading" : "region", { name: path === "/appointments" ? "Appointments" : "Services and staff", exact: true }).waitFor();
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${path} fits a phone's width`);
        await s.screen(name);
      }
    } catch (error) {
      await page.screenshot({ path: `${env.shots}/booking-FAILED.png`, fullPage: true }).catch(() => {});
      if (s.problems.length) console.error(`booking: browser console:\n  ${s.problems.join("\n  ")}`);
      throw error;
    } finally {
      await s.close();
    }
  });
}
