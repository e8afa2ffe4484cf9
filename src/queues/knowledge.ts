/**
 * The side-effects consumer's `knowledge.import`: one website read into a draft
 * (services/knowledge/imports.ts). The import row is the state: a redelivery of a finished one
 * does nothing, one a killed process left half-way starts again; only a database failure throws
 * (and so is retried with the queue's backoff).
 */
import { runImport } from "../services/knowledge/imports";
import type { SideEffectHandler, SideEffectHandlers } from "./consumer";

const importWebsite: SideEffectHandler<"knowledge.import"> = async (message, context) => {
  await runImport(context, message.importId);
};

export const knowledgeHandlers = { "knowledge.import": importWebsite } satisfies SideEffectHandlers;
