/**
 * Type-level contract (runs in `npm run typecheck`, not in vitest): each message the webhook
 * handles, typed as @vapi-ai/server-sdk types it and wrapped as its `ServerMessage` wraps it
 * (`{ message }`), must be assignable to the input our zod schema accepts. An SDK upgrade that
 * adds a shape (a field becomes a union, a new placement) fails `tsc` here, not a call in production.
 *
 * Where the SDK is looser than what we can act on, the SDK type is narrowed here, and only so:
 * - `call` is optional on every SDK message (the same types serve chats, which carry `chat`
 *   instead). A phone-call message without a call id cannot be tied to anything we hold: we
 *   require `call.id` (a transcript without a call is answered 200 and ignored, see messages.ts).
 * - `type` is optional on `ServerMessageToolCalls` (on no other handled message): we dispatch on
 *   `type`, so a message without one is not a tool call to us.
 * - `Plain<…>` turns the SDK's interfaces into plain object types. An interface is not
 *   assignable to zod's loose-object input (`{ [key: string]: unknown }`) for want of an index
 *   signature, a TypeScript distinction that says nothing about the JSON on the wire.
 * The tool-call lists are `unknown[]` to the schema (each entry is read on its own, so one bad
 * call cannot sink the message): test/routes/webhooks/vapi.vendor-corpus.test.ts runs the
 * SDK-shaped and docs-shaped entries through it instead.
 */
import type { Vapi } from "@vapi-ai/server-sdk";
import type { z } from "zod";
import type { assistantRequestSchema, endOfCallReportSchema, statusUpdateSchema, toolCallsSchema, transcriptSchema } from "../../src/integrations/vapi/messages";

type Plain<T> = T extends readonly unknown[] ? { [K in keyof T]: Plain<T[K]> } : T extends object ? { [K in keyof T]: Plain<T[K]> } : T;
type Body<T> = { message: T };
type WithCall<T extends { call?: unknown }> = Omit<T, "call"> & { call: Vapi.Call };
type WithType<T extends { type?: unknown }> = Omit<T, "type"> & { type: NonNullable<T["type"]> };

/** Compiles only when `Theirs` is assignable to `Ours`. */
const accepts =
  <Ours>() =>
  <Theirs extends Ours>(_: Theirs[] = []) =>
    true;

accepts<Body<z.input<typeof assistantRequestSchema>>>()<Plain<Body<WithCall<Vapi.ServerMessageAssistantRequest>>>>();
accepts<Body<z.input<typeof statusUpdateSchema>>>()<Plain<Body<WithCall<Vapi.ServerMessageStatusUpdate>>>>();
accepts<Body<z.input<typeof transcriptSchema>>>()<Plain<Body<WithCall<Vapi.ServerMessageTranscript>>>>();
accepts<Body<z.input<typeof endOfCallReportSchema>>>()<Plain<Body<WithCall<Vapi.ServerMessageEndOfCallReport>>>>();
accepts<Body<z.input<typeof toolCallsSchema>>>()<Plain<Body<WithType<WithCall<Vapi.ServerMessageToolCalls>>>>>();
