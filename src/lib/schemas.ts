/**
 * Input schemas shared by every route: text, emails, passwords, phone numbers, timezones.
 *
 * Every string the API takes goes through `singleLine` or `multiLine` (or a schema built on
 * them), because Postgres refuses NUL in text (a 500 otherwise) and a line break in a name lets
 * its owner write lines into our e-mails (docs/architecture.md §13). A single-line field refuses every control
 * character, line breaks included; a multi-line field allows tab, LF and CR and nothing else.
 */
import { z } from "zod";
import { COMMON_PASSWORD_MESSAGE, isCommonPassword } from "./common-passwords";

/** The password length rule; services/identity/passwords.ts re-exports it (lib/ imports nothing above it). */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
export const SINGLE_LINE = /^[^\u0000-\u001F\u007F-\u009F\u2028\u2029]*$/;
/** The same, but tab, LF and CR are allowed. */
export const MULTI_LINE = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$/;

export const SINGLE_LINE_MESSAGE = "must be one line of text, without line breaks or control characters";
export const MULTI_LINE_MESSAGE = "must be text without control characters (such as NUL)";

/** A trimmed one-line string; chain `.min()`/`.max()` after it. */
export const singleLine = z.string({ message: "must be a string" }).trim().regex(SINGLE_LINE, { message: SINGLE_LINE_MESSAGE });

/** A trimmed string that may span lines; chain `.min()`/`.max()` after it. */
export const multiLine = z.string({ message: "must be a string" }).trim().regex(MULTI_LINE, { message: MULTI_LINE_MESSAGE });

/** A string taken as is (passwords, tokens): no trimming, but no control characters either. */
export const rawSingleLine = z.string({ message: "must be a string" }).regex(SINGLE_LINE, { message: SINGLE_LINE_MESSAGE });

export const emailSchema = z
  .string({ message: "is required" })
  .trim()
  .toLowerCase()
  .max(254, { message: "must be at most 254 characters" })
  .pipe(z.email({ message: "must be a valid email address" }));

export const passwordSchema = z
  .string({ message: "is required" })
  .regex(SINGLE_LINE, { message: SINGLE_LINE_MESSAGE })
  .min(PASSWORD_MIN_LENGTH, { message: `must be at least ${PASSWORD_MIN_LENGTH} characters` })
  .max(PASSWORD_MAX_LENGTH, { message: `must be at most ${PASSWORD_MAX_LENGTH} characters` })
  .refine((password) => !isCommonPassword(password), { message: COMMON_PASSWORD_MESSAGE });

export const e164Schema = singleLine
  .regex(/^\+[1-9]\d{7,14}$/, { message: "must be an E.164 phone number such as +14155550123" });

export function isValidTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const timezoneSchema = singleLine
  .min(1)
  .max(64)
  .refine(isValidTimeZone, { message: "must be an IANA time zone such as America/New_York" });
