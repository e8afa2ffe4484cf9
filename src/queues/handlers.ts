/** Which handler does which side effect; each capability registers its own here. */
import type { SideEffectHandlers } from "./consumer";

export const sideEffectHandlers: SideEffectHandlers = {};
