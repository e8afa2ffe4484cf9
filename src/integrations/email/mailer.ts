/**
 * Sends one email over SMTP with worker-mailer (cloudflare:sockets): TLS from the first byte
 * when SMTP_SECURE, else STARTTLS when SMTP_STARTTLS and the server offers it.
 */
import { LogLevel, WorkerMailer } from "worker-mailer";
import type { Config } from "../../config/env";
import type { RenderedEmail } from "./templates";

export type SmtpConfig = Pick<Config, "SMTP_HOST" | "SMTP_PORT" | "SMTP_USER" | "SMTP_PASS" | "SMTP_FROM" | "SMTP_SECURE" | "SMTP_STARTTLS">;

const TIMEOUT_MS = 15_000;

/**
 * worker-mailer 1.2.1 reads replies with `for (;;) { const { value } = await reader.read(); if (!value) continue; … }`:
 * once the server closes the connection (after a 421, a timeout, a restart) that loop spins on
 * a finished stream without ever yielding to timers, so the invocation hangs until it is killed.
 * This replacement is the same loop, failing instead when the stream ends.
 */
function patchReplyReader() {
  const prototype = WorkerMailer.prototype as unknown as { read?: unknown };
  if (typeof prototype.read !== "function") throw new Error("worker-mailer changed: WorkerMailer.prototype.read is gone; re-check the patch in mailer.ts");
  prototype.read = async function read(this: { reader: ReadableStreamDefaultReader<Uint8Array> }): Promise<string> {
    const decoder = new TextDecoder();
    let reply = "";
    for (;;) {
      const { value, done } = await this.reader.read();
      if (done) throw new Error(`SMTP server closed the connection${reply ? ` after: ${reply.trim()}` : ""}`);
      if (!value) continue;
      reply += decoder.decode(value, { stream: true });
      if (!reply.endsWith("\n")) continue;
      const lines = reply.split(/\r?\n/);
      // A multi-line reply continues while its lines read "250-…"; the last one is "250 …".
      if (!/^\d+-/.test(lines[lines.length - 2] ?? "")) return reply;
    }
  };
}
patchReplyReader();

export class SmtpNotConfiguredError extends Error {
  override name = "SmtpNotConfiguredError";
  constructor() {
    super("SMTP is not configured (set SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASS and SMTP_FROM)");
  }
}

/** `Name <address>` or a bare address, as worker-mailer wants it. */
export function parseAddress(value: string): { name?: string; email: string } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value);
  if (match) return match[1] ? { name: match[1], email: match[2] as string } : { email: match[2] as string };
  return { email: value.trim() };
}

/** What owner notifications are sent through: one e-mail to one address or several (a business's owners). */
export interface Mailer {
  send(to: string | string[], email: RenderedEmail): Promise<void>;
}

/** A mailer over the configured SMTP server (a send without SMTP_HOST throws SmtpNotConfiguredError). */
export function createMailer(config: SmtpConfig): Mailer {
  return { send: (to, email) => sendEmail(config, to, email) };
}

export async function sendEmail(config: SmtpConfig, to: string | string[], email: RenderedEmail): Promise<void> {
  if (!config.SMTP_HOST) throw new SmtpNotConfiguredError();
  const mailer = await WorkerMailer.connect({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    startTls: config.SMTP_STARTTLS,
    ...(config.SMTP_USER ? { credentials: { username: config.SMTP_USER, password: config.SMTP_PASS ?? "" } } : {}),
    authType: ["plain", "login", "cram-md5"],
    // Failures reach the caller as errors and are logged there, with the message's context.
    logLevel: LogLevel.NONE,
    socketTimeoutMs: TIMEOUT_MS,
    responseTimeoutMs: TIMEOUT_MS,
  });
  try {
    // Recipients as bare addresses: no display name means no header to inject into.
    await mailer.send({ from: parseAddress(config.SMTP_FROM), to, subject: email.subject, text: email.text, html: email.html });
  } finally {
    await mailer.close().catch(() => undefined);
  }
}
