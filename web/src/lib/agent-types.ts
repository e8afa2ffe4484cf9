/** The agent as the API returns it, and the pieces the editor and onboarding share. */
import type { InferResponseType } from "hono/client";
import type { client } from "./api";

export type Agent = InferResponseType<(typeof client.agents)[":id"]["$get"], 200>["agent"];
export type FaqItem = { question: string; answer: string };
export type Day = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export type Hours = Record<Day, { start: string; end: string }[]>;
export type Notify = "all" | "important" | "none";

export const DAYS: { key: Day; label: string }[] = [
  { key: "mon", label: "Monday" },
  { key: "tue", label: "Tuesday" },
  { key: "wed", label: "Wednesday" },
  { key: "thu", label: "Thursday" },
  { key: "fri", label: "Friday" },
  { key: "sat", label: "Saturday" },
  { key: "sun", label: "Sunday" },
];

export const DEFAULT_HOURS: Hours = {
  mon: [{ start: "09:00", end: "17:00" }],
  tue: [{ start: "09:00", end: "17:00" }],
  wed: [{ start: "09:00", end: "17:00" }],
  thu: [{ start: "09:00", end: "17:00" }],
  fri: [{ start: "09:00", end: "17:00" }],
  sat: [],
  sun: [],
};

/** Problems the editor can find before asking the API; keyed like the API's detail paths. */
export function checkFaq(faq: FaqItem[]): Record<string, string> {
  const found: Record<string, string> = {};
  faq.forEach((item, index) => {
    if (!item.question.trim()) found[`faq.${index}.question`] = "Write the question, or remove this row.";
    if (!item.answer.trim()) found[`faq.${index}.answer`] = "Write the answer, or remove this row.";
  });
  return found;
}

export function checkHours(hours: Hours): Record<string, string> {
  const found: Record<string, string> = {};
  for (const { key, label } of DAYS) {
    const range = hours[key][0];
    if (range && range.start >= range.end) found[`booking.businessHours.${key}`] = `${label}: opening must be before closing.`;
  }
  return found;
}
