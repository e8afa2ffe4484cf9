/**
 * How many SMS segments a text costs, counted as carriers count them (3GPP TS 23.038): a body
 * written only in the GSM 7-bit default alphabet takes 160 septets in one segment, 153 per
 * segment when split (the user-data header takes the rest); a character of the extension table
 * (^{}\[~]|€ and form feed) takes two septets and is never split across segments. Any other
 * character makes the whole text UCS-2: 70 UTF-16 code units in one segment, 67 per segment when
 * split, and a surrogate pair (an emoji) is never split across two.
 */
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENSION = "\f^{}\\[~]|€";

const basic = new Set(GSM_BASIC);
const extension = new Set(GSM_EXTENSION);

export interface SegmentCount {
  encoding: "GSM-7" | "UCS-2";
  segments: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
}

export function countSegments(body: string): SegmentCount {
  const characters = [...body];
  if (characters.every((ch) => basic.has(ch) || extension.has(ch))) {
    const sizes = characters.map((ch) => (extension.has(ch) ? 2 : 1));
    return { encoding: "GSM-7", units: sum(sizes), segments: packed(sizes, 160, 153) };
  }
  // Each character's UTF-16 length: 2 for a surrogate pair, which must stay in one segment.
  const sizes = characters.map((ch) => ch.length);
  return { encoding: "UCS-2", units: sum(sizes), segments: packed(sizes, 70, 67) };
}

function sum(sizes: number[]): number {
  return sizes.reduce((total, size) => total + size, 0);
}

/** Segments needed when no unit of `sizes` may straddle two segments of `perPart` each. */
function packed(sizes: number[], single: number, perPart: number): number {
  const total = sum(sizes);
  if (total === 0) return 1;
  if (total <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > perPart) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return segments;
}
