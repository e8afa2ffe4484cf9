/** The agent as the API returns it, and the pieces the editor and onboarding share. */
import type { InferResponseType } from "hono/client";
import type { client } from "./api";

// Hours live in their own module (no API types), so code without the client can use them.
export type { Day, Hours } from "./hours";
export { checkHours, DAYS, DEFAULT_HOURS, fullHours } from "./hours";

export type Agent = InferResponseType<(typeof client.agents)[":id"]["$get"], 200>["agent"];
export type FaqItem = { question: string; answer: string };
export type Notify = "all" | "important" | "none";

/** Problems the editor can find before asking the API; keyed like the API's detail paths. */
export function checkFaq(faq: FaqItem[]): Record<string, string> {
  const found: Record<string, string> = {};
  faq.forEach((item, index) => {
    if (!item.question.trim()) found[`faq.${index}.question`] = "Write the question, or remove this row.";
    if (!item.answer.trim()) found[`faq.${index}.answer`] = "Write the answer, or remove this row.";
  });
  return found;
}
