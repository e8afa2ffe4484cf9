/** Request schema of `POST /api/billing/checkout`: which pack (its id in CREDIT_PACKS), and whether to save the card for auto top-up. Built on first use (z.lazy, ADR 0900). */
import { z } from "zod";
import { singleLine } from "../../lib/schemas";

export const checkoutSchema = z.lazy(() => z.object({ packId: singleLine.min(1).max(40), saveCard: z.boolean().optional() }));
