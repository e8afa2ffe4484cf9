/**
 * Refuses request bodies over the limit with 413 before any handler reads them.
 *
 * A declared Content-Length over the limit is refused unread. A streamed (chunked) body is
 * counted as it arrives; once it passes the limit, the rest is read and dropped, up to
 * DRAIN_BYTES more, before the 413 goes out. Answering a half-read body is fine at Cloudflare,
 * but under `wrangler dev` it makes the next request fail with 503 "Your worker restarted
 * mid-request" (ADR 0600), so the body is finished rather than abandoned.
 */
import type { MiddlewareHandler } from "hono";
import { AppError } from "../errors";
import type { HonoEnv } from "../hono-env";

export const MAX_BODY_BYTES = 1024 * 1024;
/** How much of an oversized streamed body is read and dropped before giving up on it. */
export const DRAIN_BYTES = 8 * 1024 * 1024;

export function limitBody(maxSize = MAX_BODY_BYTES, drainBytes = DRAIN_BYTES): MiddlewareHandler<HonoEnv> {
  const tooLarge = () => new AppError("payload_too_large", `Request body is larger than ${maxSize} bytes.`);
  return async (c, next) => {
    const request = c.req.raw;
    if (!request.body) return next();
    const declared = request.headers.get("content-length");
    if (declared !== null && !request.headers.has("transfer-encoding")) {
      if (Number.parseInt(declared, 10) > maxSize) throw tooLarge();
      return next();
    }
    const body = await readAtMost(request.body, maxSize, drainBytes);
    if (!body) throw tooLarge();
    c.req.raw = new Request(request, { body });
    return next();
  };
}

/** The whole stream, or null when it is longer than `maxSize` (after draining up to `drainBytes` of the rest). */
async function readAtMost(stream: ReadableStream<Uint8Array>, maxSize: number, drainBytes: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxSize) {
      await drain(reader, drainBytes);
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, budget: number) {
  let left = budget;
  while (left > 0) {
    const { done, value } = await reader.read();
    if (done) return;
    left -= value.byteLength;
  }
  await reader.cancel("request body too large");
}
