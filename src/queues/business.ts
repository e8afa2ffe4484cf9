/**
 * The side-effects consumer's `business.delete`: one run of the business's deletion job
 * (services/data-rights/deletion.ts). A run that stopped on a vendor's failure throws, so the queue
 * retries the message with its backoff; a run with more calls to purge sends itself again; a
 * run another holds (the Cron Trigger's) is left to it. Whatever the queue drops, the Cron
 * Trigger finishes: the job row, not the message, is the state.
 */
import { runBusinessDeletion } from "../services/data-rights/deletion";
import type { SideEffectHandler, SideEffectHandlers } from "./consumer";

const deleteBusiness: SideEffectHandler<"business.delete"> = async (message, context) => {
  const outcome = await runBusinessDeletion(context, message.businessId);
  if (outcome === "more") {
    await context.env.SIDE_EFFECTS.send({ type: "business.delete", idempotencyKey: `business-delete:${message.businessId}:${crypto.randomUUID()}`, businessId: message.businessId });
  }
};

export const businessHandlers = { "business.delete": deleteBusiness } satisfies SideEffectHandlers;
