/** Request schema of `GET /api/credits`: a page of the ledger by keyset cursor (lib/cursor). Built on first use (z.lazy, ADR 0900). */
import { z } from "zod";
import { cursorParam, limitParam } from "../../lib/cursor";

export const querySchema = z.lazy(() => z.object({ limit: limitParam(20), cursor: cursorParam }));
