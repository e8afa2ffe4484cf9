/**
 * Keyset cursors on (created_at, id), the lists' pagination (docs/architecture.md §12): opaque base64url of
 * the last row's created_at (with Postgres's microseconds: a millisecond Date would skip or
 * repeat rows) and id. A cursor that is not one we gave out, or names an impossible instant, is
 * a 400, never a query that Postgres refuses.
 */
import { z } from "zod";

export interface KeysetCursor {
  createdAt: string;
  id: string;
}

const CURSOR_PATTERN = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function encodeCursor(cursor: KeysetCursor): string {
  return btoa(`${cursor.createdAt}|${cursor.id}`).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(value: string): KeysetCursor | null {
  try {
    const match = CURSOR_PATTERN.exec(atob(value.replace(/-/g, "+").replace(/_/g, "/")));
    if (!match || !isRealInstant(match[1] as string)) return null;
    return { createdAt: match[1] as string, id: match[2] as string };
  } catch {
    return null;
  }
}

/** "2026-02-30" or "2026-13-45" match the pattern but Postgres refuses them: the instant must exist. */
function isRealInstant(iso: string): boolean {
  const parsed = new Date(`${iso.slice(0, 23)}Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 19) === iso.slice(0, 19) && parsed.getUTCFullYear() >= 2000;
}

/** `?cursor=`: absent or empty means the first page; anything else must decode. */
export const cursorParam = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === "") return undefined;
    const cursor = decodeCursor(value);
    if (!cursor) {
      ctx.addIssue({ code: "custom", message: "is not a cursor this API gave out" });
      return z.NEVER;
    }
    return cursor;
  });

/** `?limit=`: 1 to `max`, `fallback` when absent. */
export const limitParam = (fallback: number, max = 100) => z.coerce.number().int().min(1).max(max).default(fallback);
