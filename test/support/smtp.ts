/**
 * The SMTP stand-in's inbox (dev/stand-ins/smtp.mjs): what the worker really sent over SMTP,
 * parsed into subject, text and HTML parts, and scripted refusals.
 */
import { standInUrl } from "./stand-ins";

export interface ReceivedEmail {
  id: string;
  receivedAt: string;
  envelope: { from: string; to: string[] };
  headers: Record<string, string>;
  subject: string;
  text: string | null;
  html: string | null;
  raw: string;
}

export function smtpInbox() {
  const base = standInUrl("smtp");
  const request = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(`${base}${path}`, init);
    if (!response.ok) throw new Error(`smtp stand-in ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const messages = async (to: string) => (await request<{ messages: ReceivedEmail[] }>(`/messages?to=${encodeURIComponent(to)}`)).messages;
  return {
    messages,
    /** Waits (polling, bounded) until `to` has received `count` messages; returns them. */
    async waitFor(to: string, count = 1, timeoutMs = 20_000): Promise<ReceivedEmail[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const received = await messages(to);
        if (received.length >= count) return received;
        if (Date.now() > deadline) throw new Error(`${to} received ${received.length} of ${count} emails within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    /** Refuse the next `times` messages to `to` after DATA (-1: until cleared). */
    refuse: (to: string, times = 1, code = 451, message = "Requested action aborted: local error in processing") =>
      request("/faults", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to, times, code, message }) }),
    /** Answer the next `times` connections (-1: until cleared) with `code` instead of the greeting, and close them. */
    refuseConnections: (times = 1, code = 421, message = "Service not available, closing transmission channel") =>
      request("/faults", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ stage: "connect", times, code, message }) }),
    clearFaults: () => request("/faults", { method: "DELETE" }),
  };
}
