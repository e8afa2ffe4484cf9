/**
 * The side-effects consumer's `text.send`: one text to a caller or the owner. The rules (once
 * only, opt-outs, quiet hours, credit) are services/texts/send.ts'.
 */
import { sendText } from "../services/texts/send";
import type { SideEffectHandler, SideEffectHandlers } from "./consumer";

const send: SideEffectHandler<"text.send"> = (message, context) => sendText(context, message.textId);

export const textHandlers = { "text.send": send } satisfies SideEffectHandlers;
