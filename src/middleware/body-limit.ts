/** Refuses request bodies over the limit with 413 before any handler reads them. */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { HonoEnv } from "../env";
import { AppError } from "../errors";

export const MAX_BODY_BYTES = 1024 * 1024;

export function limitBody(maxSize = MAX_BODY_BYTES): MiddlewareHandler<HonoEnv> {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError("payload_too_large", `Request body is larger than ${maxSize} bytes.`);
    },
  });
}
