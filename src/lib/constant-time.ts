/** Comparing a secret someone sent with ours, in time that does not tell how much of it matched. */
const encoder = new TextEncoder();

/** Constant time in the length of `expected`; a length mismatch still compares a full buffer. */
export function constantTimeEqual(given: string, expected: string): boolean {
  const a = encoder.encode(given);
  const b = encoder.encode(expected);
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (x: ArrayBufferView, y: ArrayBufferView) => boolean };
  if (a.byteLength !== b.byteLength) {
    subtle.timingSafeEqual?.(b, b);
    return false;
  }
  if (subtle.timingSafeEqual) return subtle.timingSafeEqual(a, b);
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
