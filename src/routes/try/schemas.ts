/** Request schema of `POST /api/try` (docs/architecture.md §12): the agent and the conversation so far, the caller's turn last. Built on first use (ADR 0900). */
import { z } from "zod";
import { firstUse } from "../../lib/first-use";
import { multiLine } from "../../lib/schemas";

/** Turns of one typed test call: enough for a booking conversation, small enough to stay cheap. */
export const MAX_TRY_TURNS = 30;

const built = firstUse(() =>
  z
    .object({
      agentId: z.uuid({ message: "must be the id of one of your receptionists" }),
      messages: z
        .array(z.object({ role: z.enum(["user", "assistant"]), content: multiLine.min(1, { message: "must not be empty" }).max(2000, { message: "must be at most 2,000 characters" }) }).strict())
        .min(1, { message: "must hold at least the caller's first message" })
        .max(MAX_TRY_TURNS, { message: `may hold at most ${MAX_TRY_TURNS} turns; start a new test chat` })
        .refine((messages) => messages.at(-1)?.role === "user", { message: "must end with the caller's (user) message" }),
    })
    .strict(),
);

export const tryBody = z.lazy(() => built());
