/** Which handler does which side effect; each capability registers its own here. */
import { billingHandlers } from "./billing";
import { businessHandlers } from "./business";
import type { SideEffectHandlers } from "./consumer";
import { emailHandlers } from "./email";
import { knowledgeHandlers } from "./knowledge";
import { sheetsHandlers } from "./sheets";
import { textHandlers } from "./texts";

export const sideEffectHandlers: SideEffectHandlers = {
  ...emailHandlers,
  ...sheetsHandlers,
  ...textHandlers,
  ...businessHandlers,
  ...billingHandlers,
  ...knowledgeHandlers,
};
