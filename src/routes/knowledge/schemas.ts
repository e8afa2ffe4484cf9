/**
 * Request schemas of /api/knowledge (docs/architecture.md §12): the website to import (its rules,
 * https and a public host, are the service's: they are the same for every redirect), the list's
 * filter, and what the owner did with a draft. Built on first use (lib/first-use.ts, ADR 0900).
 */
import { z } from "zod";
import { firstUse } from "../../lib/first-use";
import { singleLine } from "../../lib/schemas";

const built = firstUse(() => ({
  importBody: z.strictObject({
    url: singleLine.min(1, { message: "is required: the business's website, e.g. https://bellahair.com" }).max(2000, { message: "must be at most 2000 characters" }),
    agentId: z.uuid({ message: "must be an agent id" }).optional(),
  }),
  listQuery: z.object({ agentId: z.uuid({ message: "must be an agent id" }).optional() }),
  markBody: z.strictObject({ outcome: z.enum(["applied", "dismissed"], { message: "must be applied or dismissed" }) }),
}));

export const knowledgeImportBody = z.lazy(() => built().importBody);
export const knowledgeListQuery = z.lazy(() => built().listQuery);
export const knowledgeMarkBody = z.lazy(() => built().markBody);
