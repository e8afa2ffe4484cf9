/** The website import in tests: POST an import, run its queue message as the consumer would, read it back. */
import { expect } from "vitest";
import type { Bindings } from "../../src/bindings";
import type { SideEffectMessage } from "../../src/side-effects/messages";
import { recordingQueue, testEnv } from "./env";
import { call } from "./http";
import { consumeBatch } from "./queues";

export interface ImportJson {
  id: string;
  status: string;
  url: string;
  error?: string;
  draft?: { faq: { question: string; answer: string }[]; services: { name: string; minutes: number; priceCents?: number }[]; hours: Record<string, { start: string; end: string }[]> | null };
  pages: { url: string; title?: string; skipped?: string }[];
}

/** POSTs an import with a queue that keeps the message, then runs the message as the queue would. */
export async function importSite(cookie: string, json: Record<string, unknown>, env: Bindings = testEnv) {
  const queue = recordingQueue<SideEffectMessage>();
  const response = await call("/api/knowledge/import", { method: "POST", cookie, json, env: { ...env, SIDE_EFFECTS: queue } as Bindings });
  if (response.status !== 202) return { response, sent: queue.sent, found: undefined };
  const started = ((await response.clone().json()) as { import: ImportJson }).import;
  await consumeBatch(queue.sent, { env });
  const found = await call(`/api/knowledge/imports/${started.id}`, { cookie });
  expect(found.status).toBe(200);
  return { response, sent: queue.sent, started, found: ((await found.json()) as { import: ImportJson; status: string }).import };
}

