/**
 * What a caller's reply asks for (docs/architecture.md §7b). The carriers' opt-out and opt-in
 * words (CTIA; Twilio's default keywords) and HELP, then C / X for a reminder's confirm / cancel.
 * The whole reply must be the keyword: trimmed, any case, trailing punctuation ignored
 * ("Stop." is STOP, "stop calling me" is a message for the owner).
 */
export type ReplyIntent = "opt_out" | "opt_in" | "help" | "confirm" | "cancel" | "message";

const intents = new Map<string, ReplyIntent>([
  ["STOP", "opt_out"],
  ["STOPALL", "opt_out"],
  ["UNSUBSCRIBE", "opt_out"],
  ["CANCEL", "opt_out"],
  ["END", "opt_out"],
  ["QUIT", "opt_out"],
  ["START", "opt_in"],
  ["UNSTOP", "opt_in"],
  ["HELP", "help"],
  ["C", "confirm"],
  ["X", "cancel"],
]);

export function classifyReply(body: string): ReplyIntent {
  const word = body
    .trim()
    .replace(/[.!?,;:]+$/u, "")
    .trim()
    .toUpperCase();
  return intents.get(word) ?? "message";
}
