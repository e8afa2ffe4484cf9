/**
 * The teams journey (docs/architecture.md §7c): an owner invites someone as staff from the
 * Members page; the invitation e-mail arrives in the SMTP stand-in; in a second browser context
 * (another person, no cookies) the link opens the accept page, the invitee creates an account
 * and lands in the owner's business, where staff see only Overview, Calls, Appointments, Texts and Settings.
 */
import assert from "node:assert/strict";
import { signUp, uniqueEmail, waitForMail } from "./steps.mjs";

/** @param {any} owner the owner's session @param {any} staff a second session @param {{ smtp: string }} standIns */
export async function inviteAndAcceptAsStaff(owner, staff, standIns) {
  await signUp(owner, { email: uniqueEmail("team-owner"), name: "Rosa Salon" });
  const nav = (session) => session.page.getByRole("navigation", { name: "Main" });
  await owner.page.goto("/members");
  await owner.page.getByRole("heading", { name: "Members", exact: true }).waitFor();
  await owner.screen("members");

  const email = uniqueEmail("team-staff");
  await owner.page.getByLabel("Email").fill(email);
  await owner.page.getByLabel("Role", { exact: true }).selectOption("staff");
  await owner.page.getByRole("button", { name: "Send invitation" }).click();
  await owner.page.getByText(`Invitation sent to ${email}.`, { exact: true }).waitFor();
  await owner.page.getByRole("region", { name: "Pending invitations" }).getByText(email).waitFor();
  await owner.screen("members-invited");

  const mail = await waitForMail(standIns.smtp, email, /invited/i);
  assert.match(mail.text ?? "", /You are invited to join Rosa Salon on Agentline, invited by Rosa Salon, as staff/);
  const link = /https?:\/\/\S+\/invite\?token=([a-z0-9]+)/.exec(mail.text ?? "");
  assert.ok(link, "the e-mail links to the accept page");

  const { page } = staff;
  await page.goto(`/invite?token=${link[1]}`);
  await page.getByRole("heading", { name: "Join Rosa Salon" }).waitFor();
  await staff.screen("invite");
  await page.getByLabel("Your name").fill("Theo Desk");
  await page.getByLabel("Choose a password").fill("short");
  await page.getByRole("button", { name: "Create account and join" }).click();
  await page.getByText("Use at least 8 characters.").waitFor();
  await page.getByLabel("Choose a password").fill("front desk passphrase");
  await page.getByRole("button", { name: "Create account and join" }).click();
  await page.getByText("This business has no receptionist yet").waitFor();
  await staff.screen("staff-overview");
  const links = await nav(staff).getByRole("link").allTextContents();
  // Texts are conversations with callers: every member follows up on them (docs/architecture.md §7b, §7c).
  // Appointments too: staff see and change what was booked (issue 20).
  assert.deepEqual(links, ["Overview", "Calls", "Appointments", "Texts", "Settings"], "staff see the reduced navigation");
  await nav(staff).getByRole("link", { name: "Appointments" }).click();
  await page.getByText("No upcoming appointments. When a caller books, it appears here.").waitFor();
  // Their own details are theirs to change; the business's phone is not on their form.
  await nav(staff).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("heading", { name: "Settings", exact: true }).waitFor();
  assert.equal(await page.getByLabel("Your phone").count(), 0);
  await page.getByLabel("Name", { exact: true }).fill("Theo at the desk");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("Settings saved.", { exact: true }).waitFor();
  await staff.screen("staff-settings");
  // A screen staff may not open sends them to the overview.
  await page.goto("/billing");
  await page.getByText("This business has no receptionist yet").waitFor();

  await owner.page.reload();
  await owner.page.getByRole("region", { name: "People" }).getByText("Theo at the desk", { exact: true }).waitFor();
  assert.equal(await owner.page.getByRole("region", { name: "Pending invitations" }).getByText(email).count(), 0);
  await owner.screen("members-joined");
}
