/**
 * What a simulated caller does, script by script (issue #12): the turns of the conversation,
 * the tool calls the model would make, and how the call ends. Each script returns the call's
 * length and the report's analysis; the simulator sends the messages and prints our answers.
 */

/**
 * @typedef {{ role: "bot" | "user", text: string }} Turn
 * @typedef {{ name: string, arguments: Record<string, unknown> }} Tool
 * @typedef {{ turns: Turn[], tools: Tool[][], seconds: number, endedReason: string, summary: string,
 *   structuredData: Record<string, unknown> }} Conversation
 * @typedef {{ timezone: string, maxSeconds: number, callerName: string, start?: string }} ScriptContext
 *   `start`: the time the "reminder" script books (a free slot, with its offset), found before the call.
 */

export const SCRIPT_NAMES = ["question", "books", "moves", "unanswered", "long-call", "out-of-credit", "reminder"];
export const SCRIPT_HELP = {
  question: "asks a question and hangs up",
  books: "books an appointment (check_availability, then book_appointment)",
  moves: "moves their appointment (check_availability, then move_appointment)",
  unanswered: "asks something the FAQ doesn't cover",
  "long-call": "a long call that runs out of credit (lasts until its hold runs out)",
  "out-of-credit": "long calls until the account is out of credit, then one more call, refused",
  reminder: "books tomorrow's first free time, runs the Cron Trigger as of the day before, and replies X as the caller (--reply C confirms)",
};

/** @param {string} script @param {ScriptContext} context @returns {Conversation} */
export function conversation(script, context) {
  const day = nextWeekday();
  const at = (time) => zonedDateTime(day, time, context.timezone);
  /** @type {Turn} */
  const greeting = { role: "bot", text: "Hi, thanks for calling! How can I help you today?" };
  const analysis = (summary, data) => ({ summary, structuredData: { callerName: context.callerName, appointmentBooked: false, followUpNeeded: false, unansweredQuestions: [], ...data } });
  switch (script) {
    case "question":
      return {
        turns: [greeting, { role: "user", text: "Hi! What time are you open until today?" }, { role: "bot", text: "We're open until five this afternoon." }, { role: "user", text: "Great, thanks. Bye!" }, { role: "bot", text: "You're welcome, goodbye!" }],
        tools: [], seconds: 48, endedReason: "customer-ended-call",
        ...analysis("The caller asked about today's closing time and was told five pm.", { reasonForCalling: "Opening hours" }),
      };
    case "books":
      return {
        turns: [greeting, { role: "user", text: `I'd like to book a haircut on ${day}, in the morning if possible.` }, { role: "bot", text: "Let me check the calendar." },
          { role: "user", text: "Ten o'clock would be perfect." }, { role: "bot", text: "Let me book that for you." }, { role: "user", text: "Thank you so much!" }],
        tools: [[{ name: "check_availability", arguments: { date: day } }], [{ name: "book_appointment", arguments: { start: at("10:00"), name: context.callerName, notes: "Haircut" } }]],
        seconds: 134, endedReason: "customer-ended-call",
        ...analysis(`The caller booked a haircut on ${day} at 10:00.`, { reasonForCalling: "Book a haircut", appointmentBooked: true }),
      };
    case "reminder": {
      if (!context.start) throw new Error('the "reminder" script books a free time found before the call: pass it as start');
      const date = context.start.slice(0, 10);
      const time = context.start.slice(11, 16);
      return {
        turns: [greeting, { role: "user", text: `Do you have anything tomorrow, or the next day you're open? Any time is fine.` }, { role: "bot", text: "Let me check the calendar." },
          { role: "user", text: `${time} works for me.` }, { role: "bot", text: "Booking that for you now." }, { role: "user", text: "Great, text me a reminder please!" }],
        tools: [[{ name: "check_availability", arguments: { date } }], [{ name: "book_appointment", arguments: { start: context.start, name: context.callerName, notes: "Trim" } }]],
        seconds: 88, endedReason: "customer-ended-call",
        ...analysis(`The caller booked a trim on ${date} at ${time}.`, { reasonForCalling: "Book an appointment", appointmentBooked: true }),
      };
    }
    case "moves":
      return {
        turns: [greeting, { role: "user", text: `I have an appointment on ${day} at ten, can I move it to the afternoon?` }, { role: "bot", text: "Let me see what's free that afternoon." },
          { role: "user", text: "Two o'clock, please." }, { role: "bot", text: "Moving it now." }],
        tools: [[{ name: "check_availability", arguments: { date: day } }], [{ name: "move_appointment", arguments: { from: at("10:00"), to: at("14:00") } }]],
        seconds: 97, endedReason: "customer-ended-call",
        ...analysis(`The caller moved their appointment on ${day} from 10:00 to 14:00.`, { reasonForCalling: "Move an appointment", appointmentBooked: true }),
      };
    case "unanswered":
      return {
        turns: [greeting, { role: "user", text: "Do you do keratin treatments, and how long do they take?" },
          { role: "bot", text: "I'm not sure about that one. I'll ask the team to call you back." }, { role: "user", text: "Okay, please do." }],
        tools: [], seconds: 71, endedReason: "customer-ended-call",
        ...analysis("The caller asked about keratin treatments, which the receptionist could not answer; a call back was promised.", {
          reasonForCalling: "Keratin treatments", followUpNeeded: true, unansweredQuestions: ["Do you do keratin treatments, and how long do they take?"],
        }),
      };
    case "long-call":
    case "out-of-credit":
      return {
        turns: [greeting, { role: "user", text: "I have a lot of questions about bridal styling for a wedding party of eight…" },
          { role: "bot", text: "Of course, let's go through them one by one." }, { role: "user", text: "…and what about the bridesmaids' hair?" }],
        tools: [], seconds: context.maxSeconds, endedReason: "exceeded-max-duration",
        ...analysis("A long call about bridal styling for a party of eight; it ran until its time limit.", { reasonForCalling: "Bridal styling", followUpNeeded: true }),
      };
    default:
      throw new Error(`unknown script "${script}": one of ${SCRIPT_NAMES.join(", ")}`);
  }
}

/** The next Monday–Friday after today, as YYYY-MM-DD. */
function nextWeekday(from = new Date()) {
  const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  do day.setUTCDate(day.getUTCDate() + 1);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6);
  return day.toISOString().slice(0, 10);
}

/** `2030-05-14T10:00:00-05:00`: a wall-clock time on a day in a timezone, with that day's offset. */
export function zonedDateTime(date, time, timeZone) {
  const noon = new Date(`${date}T12:00:00Z`);
  const name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" }).formatToParts(noon).find((part) => part.type === "timeZoneName")?.value ?? "GMT";
  const offset = name === "GMT" ? "+00:00" : name.replace("GMT", "");
  return `${date}T${time}:00${offset}`;
}
