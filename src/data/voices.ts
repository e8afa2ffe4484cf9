/**
 * The voices an agent can speak with: a curated subset of what Vapi supports (Vapi's own
 * voices and OpenAI's), kept here so the dashboard, validation and the assistant builder agree.
 * Vapi's voices need no extra provider key; OpenAI's are billed through Vapi as well.
 */
export interface Voice {
  provider: "vapi" | "openai";
  voiceId: string;
  name: string;
  gender?: "female" | "male" | "neutral";
  accent?: string;
  previewUrl?: string;
}

export const DEFAULT_VOICE = { provider: "vapi", voiceId: "Elliot" } as const;

export const VOICES: readonly Voice[] = [
  { provider: "vapi", voiceId: "Elliot", name: "Elliot", gender: "male", accent: "Canadian" },
  { provider: "vapi", voiceId: "Kylie", name: "Kylie", gender: "female", accent: "American" },
  { provider: "vapi", voiceId: "Rohan", name: "Rohan", gender: "male", accent: "Indian American" },
  { provider: "vapi", voiceId: "Lily", name: "Lily", gender: "female", accent: "Asian American" },
  { provider: "vapi", voiceId: "Savannah", name: "Savannah", gender: "female", accent: "Southern American" },
  { provider: "vapi", voiceId: "Hana", name: "Hana", gender: "female", accent: "Asian" },
  { provider: "vapi", voiceId: "Neha", name: "Neha", gender: "female", accent: "Indian American" },
  { provider: "vapi", voiceId: "Cole", name: "Cole", gender: "male", accent: "American" },
  { provider: "vapi", voiceId: "Harry", name: "Harry", gender: "male", accent: "American" },
  { provider: "vapi", voiceId: "Paige", name: "Paige", gender: "female", accent: "American" },
  { provider: "vapi", voiceId: "Spencer", name: "Spencer", gender: "female", accent: "American" },
  { provider: "openai", voiceId: "alloy", name: "Alloy", gender: "neutral" },
  { provider: "openai", voiceId: "echo", name: "Echo", gender: "male" },
  { provider: "openai", voiceId: "fable", name: "Fable", gender: "male", accent: "British" },
  { provider: "openai", voiceId: "onyx", name: "Onyx", gender: "male" },
  { provider: "openai", voiceId: "nova", name: "Nova", gender: "female" },
  { provider: "openai", voiceId: "shimmer", name: "Shimmer", gender: "female" },
];

export function isKnownVoice(provider: string, voiceId: string): boolean {
  return VOICES.some((voice) => voice.provider === provider && voice.voiceId === voiceId);
}
