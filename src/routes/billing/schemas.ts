/** Request schema of `POST /api/billing/checkout`: which pack (its id in CREDIT_PACKS). Built on first use (z.lazy, ADR 0900). */
import { z } from "zod";
import { singleLine } from "../../lib/schemas";

export const checkoutSchema = z.lazy(() => z.object({ packId: singleLine.min(1).max(40) }));
