/**
 * What a weekly re-read found (ADR 0333): the new draft against the last one the owner applied or
 * saw. FAQ pairs are matched by question and services by name (case and spacing aside); the hours
 * are offered whole when any day differs. Only this is offered, never the whole draft again.
 */
import type { KnowledgeChanges, KnowledgeDraft } from "../../db/schema";
import { DAYS, normalizeBusinessHours } from "../assistant/business-hours";

const key = (text: string) => text.trim().replace(/\s+/g, " ").toLocaleLowerCase();

function diff<T>(before: T[], after: T[], name: (item: T) => string, same: (a: T, b: T) => boolean) {
  const old = new Map(before.map((item) => [key(name(item)), item]));
  const now = new Map(after.map((item) => [key(name(item)), item]));
  return {
    added: after.filter((item) => !old.has(key(name(item)))),
    changed: after.filter((item) => {
      const was = old.get(key(name(item)));
      return was !== undefined && !same(was, item);
    }),
    removed: before.filter((item) => !now.has(key(name(item)))),
  };
}

function sameHours(a: KnowledgeDraft["hours"], b: KnowledgeDraft["hours"]): boolean {
  if (a === null || b === null) return a === b;
  const x = normalizeBusinessHours(a);
  const y = normalizeBusinessHours(b);
  return DAYS.every((day) => JSON.stringify(x[day]) === JSON.stringify(y[day]));
}

export function draftChanges(before: KnowledgeDraft, after: KnowledgeDraft): KnowledgeChanges {
  return {
    faq: diff(before.faq, after.faq, (pair) => pair.question, (a, b) => key(a.answer) === key(b.answer)),
    services: diff(before.services, after.services, (service) => service.name, (a, b) => a.minutes === b.minutes && (a.priceCents ?? null) === (b.priceCents ?? null)),
    // A site that stopped stating hours is not a change to offer: nothing to apply.
    hours: after.hours !== null && !sameHours(before.hours, after.hours) ? after.hours : null,
  };
}

export function hasChanges(changes: KnowledgeChanges): boolean {
  const { faq, services } = changes;
  return changes.hours !== null || [faq.added, faq.changed, faq.removed, services.added, services.changed, services.removed].some((list) => list.length > 0);
}
