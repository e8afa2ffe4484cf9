/** OpenRouter in tests: scripted model answers in the shape OpenRouter sends (test/fixtures/openrouter). */
import completion from "../fixtures/openrouter/chat-completion.json";

/** A stand-in fault that answers 200 with `content` as the assistant's message (finish_reason as given). */
export function modelSays(content: string, finishReason: "stop" | "length" = "stop") {
  const body = structuredClone(completion);
  const [choice] = body.choices;
  if (choice) Object.assign(choice, { finish_reason: finishReason, native_finish_reason: finishReason === "length" ? "max_tokens" : "stop", message: { ...choice.message, content } });
  return { path: "/chat/completions", status: 200, body };
}
