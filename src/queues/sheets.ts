/**
 * The side-effects consumer's `sheets.append_call`: one row per finished call in the owner's
 * call log. The rules (once only, retries, reconnects) are services/google/call-log.ts'.
 */
import { logCallToSheet } from "../services/google/call-log";
import type { SideEffectHandler, SideEffectHandlers } from "./consumer";

const appendCall: SideEffectHandler<"sheets.append_call"> = (message, context) => logCallToSheet(context, message.callId, message.type);

export const sheetsHandlers = { "sheets.append_call": appendCall } satisfies SideEffectHandlers;
