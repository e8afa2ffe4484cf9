/** Request schemas of GET /api/export and DELETE /api/business (docs/architecture.md §12). */
import { z } from "zod";

/** The business's name, typed by the owner; compared exactly (no trimming, no case folding). */
export const deleteBusinessBody = z.strictObject({
  confirm: z.string({ message: "type the business's name to confirm" }).max(200),
});
