/** Query schemas of the operations API (ADR 1101): how many rows to list or re-encrypt. Built on first use (z.lazy, ADR 0900). */
import { z } from "zod";

export const batchQuery = z.lazy(() => z.object({ limit: z.coerce.number({ message: "must be a whole number" }).int().min(1).max(1000).default(200) }));
export const opsListQuery = z.lazy(() =>
  z.object({
    limit: z.coerce.number({ message: "must be a whole number" }).int().min(1).max(500).default(50),
    pending: z.enum(["true", "false"]).optional().transform((value) => value === "true"),
  }),
);
