/**
 * What the OpenRouter stand-in drafts from a website (schema `website_draft`, the website import):
 * it reads the pages' text the user message carries, line by line, as a model would read them —
 * no canned answer. Questions are lines ending in "?" with the next line as the answer; services
 * are lines naming a length ("45 min", "2 hours") and maybe a price ("$55", "from $120"); hours
 * are lines naming a day or a day range with a time range or "closed", and a lunch or break line
 * splits each open day. hoursFound is false when no day line is found (never a guess).
 */

import { clock as writerClock } from "./openrouter-writer.mjs";

const DAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY = "(mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?";
const TIME = "(\\d{1,2})(?:[:.](\\d{2}))?\\s*(am|pm|a\\.m\\.|p\\.m\\.)?";
const DASH = "\\s*(?:-|–|—|to|until)\\s*";

/** "9", "30", "pm" → minutes after midnight (the description writer's clock). */
function clock(hour, minute, meridiem) {
  const { h, m } = writerClock(hour, minute, meridiem);
  return h * 60 + m;
}
const hhmm = (minutes) => (minutes >= 24 * 60 ? "24:00" : `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`);

/** The pages' lines, from the user message's `{website: {pages: [{text}]}}` (plain text works too). */
function lines(userText) {
  let text = userText;
  try {
    const data = JSON.parse(userText);
    const pages = data?.website?.pages;
    if (Array.isArray(pages)) text = pages.map((page) => String(page?.text ?? "")).join("\n");
  } catch {
    // Plain text: read as it is.
  }
  return text.split("\n").map((line) => line.trim()).filter(Boolean);
}

function faqFrom(all) {
  const pairs = [];
  for (let i = 0; i + 1 < all.length; i += 1) {
    const question = all[i];
    const answer = all[i + 1];
    if (question.endsWith("?") && !answer.endsWith("?") && question.length <= 300 && !pairs.some((p) => p.question === question)) pairs.push({ question, answer: answer.slice(0, 1000) });
  }
  return pairs.slice(0, 30);
}

function servicesFrom(all) {
  const pattern = /^(.{2,80}?)\s*[—–:|-]\s*(\d+(?:\.\d+)?)\s*(min(?:ute)?s?|h(?:ou)?rs?|hours?)\b(?:\s*[—–:|-]\s*(?:from\s*)?\$\s*(\d+(?:\.\d{1,2})?))?/i;
  const found = [];
  for (const line of all) {
    const match = pattern.exec(line);
    if (!match || line.endsWith("?")) continue;
    const name = match[1].trim();
    if (found.some((s) => s.name.toLowerCase() === name.toLowerCase())) continue;
    const minutes = Math.round(Number(match[2]) * (/^h/i.test(match[3]) ? 60 : 1));
    found.push({ name, minutes: Math.min(720, Math.max(5, minutes)), priceCents: match[4] ? Math.round(Number(match[4]) * 100) : null });
  }
  return found.slice(0, 50);
}

function hoursFrom(all) {
  /** @type {Record<string, { start: string, end: string }[]>} */
  const hours = Object.fromEntries(DAY_KEYS.map((day) => [day, []]));
  const dayLine = new RegExp(`^${DAY}(?:${DASH}${DAY})?\\s*:?\\s*(?:(closed)|${TIME}${DASH}${TIME})`, "i");
  let found = false;
  for (const line of all) {
    const match = dayLine.exec(line);
    if (!match) continue;
    found = true;
    const first = DAY_KEYS.indexOf(match[1].toLowerCase().slice(0, 3));
    const last = match[2] ? DAY_KEYS.indexOf(match[2].toLowerCase().slice(0, 3)) : first;
    const ranges = match[3] ? [] : [{ start: clock(match[4], match[5], match[6]), end: clock(match[7], match[8], match[9]) }];
    for (const range of ranges) if (range.end <= range.start && !match[9]) range.end += 12 * 60;
    for (let day = first; ; day = (day + 1) % 7) {
      hours[DAY_KEYS[day]] = ranges.map((r) => ({ start: hhmm(r.start), end: hhmm(Math.min(r.end, 24 * 60)) }));
      if (day === last) break;
    }
  }
  const lunch = all.map((line) => new RegExp(`(?:lunch|break)[^\\d]{0,20}${TIME}${DASH}${TIME}`, "i").exec(line)).find(Boolean);
  if (found && lunch) {
    const from = hhmm(clock(lunch[1], lunch[2], lunch[3]));
    const to = hhmm(clock(lunch[4], lunch[5], lunch[6]));
    for (const day of DAY_KEYS) {
      const [range] = hours[day];
      if (hours[day].length === 1 && range && range.start < from && to < range.end) hours[day] = [{ start: range.start, end: from }, { start: to, end: range.end }];
    }
  }
  return { hoursFound: found, hours };
}

/** The `website_draft` answer: {faq, services, hoursFound, hours}. */
export function websiteDraft(userText) {
  const all = lines(userText);
  return { faq: faqFrom(all), services: servicesFrom(all), ...hoursFrom(all) };
}
