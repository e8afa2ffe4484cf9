/**
 * What the OpenRouter stand-in writes: plausible receptionist texts (an FAQ, a greeting,
 * policies) from the business description the prompt carries, so the sandbox shows something
 * that reads like the real thing. No model: sentences of the description, sorted into topics.
 */

/** The user message carries the business as JSON data ({businessDescription, agentName, tone}); plain text works too. */
export function readInput(text) {
  let data = {};
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === "object") data = parsed;
  } catch {
    data = { businessDescription: text };
  }
  const description = String(data.businessDescription ?? data.description ?? text).trim();
  const sentences = description.split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter(Boolean);
  const name = String(data.agentName ?? "").trim() || guessName(description);
  return { description, sentences, name, tone: String(data.tone ?? "friendly") };
}

function guessName(description) {
  const match = /^([A-Z][\w'&-]*(?:\s+[A-Z][\w'&-]*){0,3})/.exec(description);
  return match?.[1] ?? "our business";
}

const TOPICS = [
  { test: /\b(open|hours|am\b|pm\b|monday|weekend|saturday|sunday)/i, question: "What are your opening hours?" },
  { test: /\b(located|address|street|avenue|downtown|near|next to)/i, question: "Where are you located?" },
  { test: /\bpark/i, question: "Is there parking?" },
  { test: /(\$|\bprice|\bcost|\bfee|\brates?\b)/i, question: "How much do your services cost?" },
  { test: /\b(walk-?ins?|appointment|book)/i, question: "Do I need an appointment?" },
  { test: /\binsurance/i, question: "Do you accept insurance?" },
  { test: /\b(offer|speciali[sz]e|provide|services?)\b/i, question: "What services do you offer?" },
];

const GENERIC = [
  ["How do I book an appointment?", "You can book right here on the phone: tell me the day and time that suits you and I will check what is free."],
  ["Can I cancel or reschedule?", "Yes. Please let us know at least 24 hours ahead so we can offer the time to someone else."],
  ["Which payment methods do you accept?", "We accept cash and all major credit and debit cards."],
  ["Can I speak to a person?", "Of course. During business hours I can put you through; otherwise I can take a message and have someone call you back."],
  ["Do you have gift cards?", "Yes, gift cards are available. Ask us at your next visit or leave a message and we will call you back."],
  ["Is your location accessible?", "Yes, our location is step-free and accessible."],
];

export function faq(input) {
  const pairs = [];
  const seen = new Set();
  for (const sentence of input.sentences) {
    const topic = TOPICS.find((t) => t.test.test(sentence) && !seen.has(t.question));
    if (!topic) continue;
    seen.add(topic.question);
    pairs.push({ question: topic.question, answer: sentence });
  }
  const first = input.sentences[0];
  if (first && !seen.has("What services do you offer?") && !pairs.some((p) => p.answer === first)) {
    pairs.unshift({ question: `What is ${input.name}?`, answer: first });
  }
  for (const [question, answer] of GENERIC) {
    if (pairs.length >= 8) break;
    if (!pairs.some((p) => p.question === question)) pairs.push({ question, answer });
  }
  return pairs.slice(0, 12);
}

export function greeting(input) {
  const opener = /professional|formal/i.test(input.tone) ? "Good day, thank you for calling" : "Hi, thanks for calling";
  return `${opener} ${input.name}! How can I help you today?`;
}

export function policies(input) {
  return [
    `Cancellations: please cancel or reschedule at least 24 hours in advance; late cancellations at ${input.name} may be charged.`,
    "Late arrivals: if you are more than 15 minutes late we may need to shorten or move your appointment.",
    "Payment: payment is due at the time of service; we accept cash and major cards.",
    "Privacy: we only use your contact details to manage your appointments.",
  ].join("\n");
}

const DAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY_WORD = "(mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?";
const TIME_WORD = "(\\d{1,2})(?:[:.](\\d{2}))?\\s*(am|pm|a\\.m\\.|p\\.m\\.)?";

/** "9", "30", "pm" → "21:30"; a bare end not after its start is read as afternoon ("9–7" is 9 to 19). */
export function clock(hour, minute, meridiem) {
  let h = Number(hour) % 24;
  if (meridiem && /^p/i.test(meridiem) && h < 12) h += 12;
  if (meridiem && /^a/i.test(meridiem) && h === 12) h = 0;
  return { h, m: Number(minute ?? 0) };
}
const hhmm = ({ h, m }) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;

/**
 * Opening hours read from the description ("Tue–Sat 9–7", "Monday to Friday 9am-5pm, lunch 12-1"):
 * each day range with the time range after it; a lunch or break range splits the day. Mon–Fri
 * 9–5 when the description names none.
 */
export function hours(input) {
  /** @type {Record<string, { start: string, end: string }[]>} */
  const out = Object.fromEntries(DAY_KEYS.map((day) => [day, []]));
  const pattern = new RegExp(`${DAY_WORD}(?:\\s*(?:-|–|—|to|through|until)\\s*${DAY_WORD})?[^\\d]{0,12}${TIME_WORD}\\s*(?:-|–|—|to|until)\\s*${TIME_WORD}`, "gi");
  let found = false;
  for (const match of input.description.matchAll(pattern)) {
    const first = DAY_KEYS.indexOf(match[1].toLowerCase().slice(0, 3));
    const last = match[2] ? DAY_KEYS.indexOf(match[2].toLowerCase().slice(0, 3)) : first;
    const start = clock(match[3], match[4], match[5]);
    let end = clock(match[6], match[7], match[8]);
    if (!match[8] && end.h * 60 + end.m <= start.h * 60 + start.m) end = { h: end.h + 12, m: end.m };
    if (end.h >= 24) end = { h: 24, m: 0 };
    for (let day = first; ; day = (day + 1) % 7) {
      out[DAY_KEYS[day]] = [{ start: hhmm(start), end: hhmm(end) }];
      if (day === last) break;
    }
    found = true;
  }
  if (!found) for (const day of DAY_KEYS.slice(0, 5)) out[day] = [{ start: "09:00", end: "17:00" }];
  const lunch = new RegExp(`(?:lunch|break)[^\\d]{0,20}${TIME_WORD}\\s*(?:-|–|—|to)\\s*${TIME_WORD}`, "i").exec(input.description);
  if (lunch) {
    const from = clock(lunch[1], lunch[2], lunch[3] ?? (Number(lunch[1]) < 8 ? "pm" : undefined));
    const to = clock(lunch[4], lunch[5], lunch[6] ?? (Number(lunch[4]) < 8 ? "pm" : undefined));
    for (const day of DAY_KEYS) {
      const [range] = out[day];
      if (range && range.start < hhmm(from) && hhmm(to) < range.end) out[day] = [{ start: range.start, end: hhmm(from) }, { start: hhmm(to), end: range.end }];
    }
  }
  return { hours: out };
}

/**
 * Services read from the description: each phrase with a length ("45 minutes", "3 hours") or a
 * price ("$40"), named by the words before them ("cuts $40 (45 min), colour from $120, 3 hours").
 */
export function services(input) {
  const found = [];
  for (const phrase of input.description.split(/[,;.\n]|\band\b/i)) {
    const minutes = /(\d+(?:\.\d+)?)\s*(h|hr|hrs|hours?|m|min|mins|minutes?)\b/i.exec(phrase);
    const price = /\$\s*(\d+(?:\.\d{1,2})?)/.exec(phrase);
    if (!minutes && !price) continue;
    const name = phrase
      .replace(/\(.*?\)|\$\s*\d+(?:\.\d+)?|\d+(?:\.\d+)?\s*(h|hr|hrs|hours?|m|min|mins|minutes?)\b|\b(from|for|about|takes?|costs?|is|are|we offer|offer|our)\b/gi, " ")
      .replace(/[^\p{L}\p{N}' &-]+/gu, " ")
      .replace(/\s+/g, " ")
      .trim();
    if (!name || found.some((s) => s.name.toLowerCase() === name.toLowerCase())) continue;
    const length = minutes ? Math.round(Number(minutes[1]) * (/^h/i.test(minutes[2]) ? 60 : 1)) : 30;
    found.push({ name: name.charAt(0).toUpperCase() + name.slice(1), minutes: Math.min(720, Math.max(5, length)), priceCents: price ? Math.round(Number(price[1]) * 100) : null });
  }
  return { services: found.length ? found.slice(0, 20) : [{ name: "Appointment", minutes: 30, priceCents: null }] };
}
