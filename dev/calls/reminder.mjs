/**
 * `npm run simulate:call -- --script reminder` (issue #22): a caller books tomorrow's first free
 * time (the confirmation is texted at once), the Cron Trigger runs as of the day before the
 * appointment and queues the day-before reminder, the reminder arrives at the Twilio stand-in
 * (or is held, in quiet hours), the caller replies X (or C) through the stand-in, and the outcome
 * is read back: our answer, and the event cancelled (or still confirmed) in the Google stand-in.
 * Sandbox only: it needs the Twilio stand-in and the local Cron Trigger endpoint. ADR 0142.
 */
import { placeCall } from "./place-call.mjs";
import { calendarEventOf, describeText, firstSlotFromTomorrow, reminderRunAt, replyAsCaller, runCronTrigger, settled, waitForCallTexts } from "./texting.mjs";

/**
 * @param {Omit<Parameters<typeof placeCall>[0], "script" | "start"> & { twilioStandIn: string | null, reply: "C" | "X" }} options
 * @returns {Promise<{ reminder: string | null, answer: string | null, event: string | null }>} the reminder's and the answer's status, the event's
 */
export async function playReminder(options) {
  const { api, appUrl, phoneNumber, caller, reply, say, twilioStandIn } = options;
  if (!twilioStandIn) throw new Error("the reminder script needs a sandbox app (`npm run dev` with no Twilio keys): it replies through the Twilio stand-in");
  if (!phoneNumber.agentId) throw new Error(`${phoneNumber.number} answers for no agent`);
  if (phoneNumber.canText === false) throw new Error(`${phoneNumber.number} cannot text (a Vapi number): the reminder needs a number from Twilio`);
  const { agent } = await api.must(`/api/agents/${phoneNumber.agentId}`);
  if (agent.texting && !agent.texting.reminders?.includes("24h")) throw new Error(`"${agent.name}" sends no day-before reminder: turn it on in its texting settings`);

  const slot = await firstSlotFromTomorrow(api, agent);
  say(`Tomorrow's first free time for "${agent.name}": ${slot.start}.`);
  const { vapiCallId } = await placeCall({ ...options, script: "reminder", start: slot.start });
  const { calls } = await api.must("/api/calls?limit=20");
  const call = calls.find((candidate) => candidate.vapiCallId === vapiCallId);
  if (!call) throw new Error(`the call ${vapiCallId} is not in the dashboard`);
  /** Oldest first (the API lists newest first). */
  const show = async (texts) => {
    for (const text of [...texts].reverse()) say(await describeText(twilioStandIn, text));
  };

  const confirmation = await waitForCallTexts(api, call.id, (texts) => texts.some((text) => text.kind === "confirmation" && settled(text)));
  await show(confirmation.filter((text) => text.kind === "confirmation"));

  const at = reminderRunAt(slot.start);
  say(`\nRunning the Cron Trigger as of ${at.toISOString()} (the day before the appointment): it queues the reminders due then.`);
  await runCronTrigger(appUrl, at);
  const withReminder = await waitForCallTexts(api, call.id, (texts) => texts.some((text) => text.kind === "reminder_24h" && settled(text)));
  const reminder = withReminder.find((text) => text.kind === "reminder_24h");
  if (!reminder) say("No reminder was queued (is the booking still confirmed, and the day-before reminder on?).");
  else await show([reminder]);

  say(`\nThe caller replies "${reply}" through the Twilio stand-in (signed and posted to our webhook, as Twilio would).`);
  const delivered = await replyAsCaller(twilioStandIn, { from: caller, to: phoneNumber.number, body: reply });
  say(`  our webhook answered HTTP ${delivered.delivery?.status ?? "?"}`);
  const answerKind = reply === "X" ? "cancelled" : "reply";
  const after = await waitForCallTexts(api, call.id, (texts) => texts.some((text) => text.direction === "outbound" && text.kind === answerKind && settled(text)));
  const answer = after.find((text) => text.direction === "outbound" && text.kind === answerKind);
  await show(after.filter((text) => text.direction === "inbound" || text === answer));

  const event = await calendarEventOf(appUrl, slot.start, vapiCallId);
  if (event) say(`\nOutcome: the appointment at ${slot.start} is ${event.status === "cancelled" ? "cancelled" : "confirmed"} in the Google stand-in's calendar (event status "${event.status}").`);
  else say("\nOutcome: the event is not in the Google stand-in's calendar (is Google a stand-in here?).");
  return { reminder: reminder?.status ?? null, answer: answer?.status ?? null, event: event?.status ?? null };
}
