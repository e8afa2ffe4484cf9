/**
 * CreditAccount: one object per user (idFromName(userId)), the only code that changes a
 * balance (DESIGN §4). The ledger logic lands with the Credits capability.
 */
import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";

export class CreditAccount extends DurableObject<Bindings> {}
