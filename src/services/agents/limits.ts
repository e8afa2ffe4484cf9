/**
 * How long an agent's texts may be: within what Vapi accepts (an assistant name of at most 40
 * characters, a first message of at most 1000 with our AI and recording disclosure before the
 * greeting), and a sensible size for the assembled system prompt. The request schemas
 * (routes/agents/schemas.ts, routes/generate/schemas.ts) and the AI writer (generate.ts) hold to them.
 */
import { DISCLOSURE_MAX_LENGTH, FIRST_MESSAGE_MAX } from "../assistant/disclosure";

export const LIMITS = {
  name: 40,
  greeting: FIRST_MESSAGE_MAX - DISCLOSURE_MAX_LENGTH,
  text: 5000,
  faqPairs: 50,
  question: 300,
  answer: 1000,
  rangesPerDay: 6,
} as const;
