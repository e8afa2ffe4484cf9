/**
 * What every caller hears first (docs/architecture.md §7d, ADR 0121): that they are speaking with an AI
 * assistant and, when the agent records calls, that the call is recorded; then the owner's own
 * greeting. The disclosure is ours, not the owner's text, so no greeting can leave it out.
 *
 * No imports: the dashboard's agent editor imports this same module to show, word for word,
 * what callers will hear.
 */

/** Vapi's limit on `firstMessage` (CreateAssistantDto; the stand-in checks it). */
export const FIRST_MESSAGE_MAX = 1000;

/** The sentence said before the greeting. */
export function callerDisclosure(options: { recordingEnabled: boolean }): string {
  return options.recordingEnabled
    ? "You're speaking with an AI assistant, and this call is recorded."
    : "You're speaking with an AI assistant.";
}

/** The longest disclosure plus the space after it: what a greeting must leave room for. */
export const DISCLOSURE_MAX_LENGTH = callerDisclosure({ recordingEnabled: true }).length + 1;

/** The first message: disclosure, then the greeting (kept within Vapi's limit for rows older than it). */
export function firstWords(agent: { greeting: string; recordingEnabled: boolean }): string {
  const greeting = agent.greeting.trim();
  const words = greeting ? `${callerDisclosure(agent)} ${greeting}` : callerDisclosure(agent);
  return words.slice(0, FIRST_MESSAGE_MAX);
}
