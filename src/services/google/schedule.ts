/**
 * Who and what can be booked, pure (docs/architecture.md §6, docs/decisions/0320): the service a
 * caller asked for (matched forgivingly by name), the staff who may do it (the one asked for, or
 * everyone who offers it, in the owner's order), each with their own booking rules: their hours
 * or the business's, the service's length, the agent's closures. And the union of their free
 * slots: a start is offered when at least one of them is free then, and says who.
 *
 * An agent without services books one appointment of its appointment length; one without staff
 * books its own calendar under its own hours: the rules come out exactly as before services.
 */
import type { BusyPeriod } from "../../integrations/google/calendar";
import type { Agent } from "../agents/view";
import { normalizeBusinessHours } from "../assistant/business-hours";
import { type BookingRules, describeLength, freeSlots, type Interval, rulesOf } from "./slots";
import type { Temporal } from "./time";

export interface ServiceChoice {
  /** Null for the agent's one appointment kind (no services configured). */
  id: string | null;
  name: string;
  minutes: number;
  priceCents?: number | undefined;
  staffIds?: string[] | undefined;
}

export interface StaffChoice {
  /** Null for the agent itself (no staff configured): its calendar, its hours. */
  id: string | null;
  name: string | null;
  /** The staff member's Google calendar; null means the agent's (calendarIdOf). */
  calendarId: string | null;
  rules: BookingRules;
}

export type Choice<T> = { ok: true; value: T } | { ok: false; message: string };

export interface OfferedSlot extends Interval {
  /** Who is free for the whole slot, in the owner's order. */
  staff: StaffChoice[];
}

/** Lower case, accents and punctuation gone, plural "s" dropped: "Women's Cuts" ≈ "womens cut". */
export function nameKey(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .map((word) => (word.length > 3 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word))
    .join(" ");
}

/**
 * The item the caller meant: the same name; else the only one whose name contains what they
 * said, or that what they said contains ("a haircut please" → "Haircut"); else the only one with
 * every word they said. Undefined when nothing or several match.
 */
export function matchByName<T extends { name: string }>(items: T[], asked: string): T | undefined {
  const wanted = nameKey(asked);
  if (!wanted) return undefined;
  const keyed = items.map((item) => ({ item, key: nameKey(item.name) }));
  const exact = keyed.find((entry) => entry.key === wanted);
  if (exact) return exact.item;
  const only = (matches: typeof keyed) => (matches.length === 1 ? matches[0]?.item : undefined);
  const contained = keyed.filter((entry) => entry.key.includes(wanted) || ` ${wanted} `.includes(` ${entry.key} `));
  if (contained.length) return only(contained);
  const words = wanted.split(" ");
  return only(keyed.filter((entry) => words.every((word) => ` ${entry.key} `.includes(` ${word} `))));
}

const ANYONE = new Set(["any", "anyone", "anybody", "any one", "no preference", "whoever", "whoever is free", "first available", "either", "dont mind", "doesnt matter", "any staff", "any stylist"]);

/** A caller's "anyone", "no preference", "whoever is free": no particular staff member. */
export const meansAnyone = (asked: string | null | undefined) => !asked?.trim() || ANYONE.has(nameKey(asked));

/** "$40", "$12.50". */
export function spokenPrice(cents: number): string {
  return cents % 100 === 0 ? `$${cents / 100}` : `$${(cents / 100).toFixed(2)}`;
}

/** "Colour, 3 hours, $120" for a list the caller hears. */
export function describeService(service: Pick<ServiceChoice, "name" | "minutes" | "priceCents">): string {
  return [service.name, describeLength(service.minutes), service.priceCents !== undefined ? spokenPrice(service.priceCents) : null].filter(Boolean).join(", ");
}

/** "a Cut, 45 minutes, $40; and Colour, 3 hours" */
export function describeServices(agent: Pick<Agent, "bookingServices">): string {
  const spoken = (agent.bookingServices ?? []).map(describeService);
  return spoken.length > 1 ? `${spoken.slice(0, -1).join("; ")}; and ${spoken.at(-1)}` : (spoken[0] ?? "");
}

/** Caller words inside our spoken line: one line, short. */
const echo = (text: string) => text.replace(/\p{Cc}+/gu, " ").replace(/\s+/g, " ").trim().slice(0, 60);

/** The service the caller asked for; without services configured, the agent's one appointment kind. */
export function serviceFor(agent: Agent, asked: string | null | undefined): Choice<ServiceChoice> {
  const services = agent.bookingServices ?? [];
  if (!services.length) return { ok: true, value: { id: null, name: "appointment", minutes: agent.appointmentMinutes } };
  if (!asked?.trim()) {
    if (services.length === 1 && services[0]) return { ok: true, value: services[0] };
    return { ok: false, message: `Which service would you like? We offer ${describeServices(agent)}.` };
  }
  const service = services.find((item) => item.id === asked) ?? matchByName(services, asked);
  if (service) return { ok: true, value: service };
  return { ok: false, message: `We don't offer "${echo(asked)}". We offer ${describeServices(agent)}.` };
}

const andList = (names: string[]) => (names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : (names[0] ?? ""));

/** The staff who may do `service`: the one asked for, or all who offer it (none configured: the agent itself). */
export function staffFor(agent: Agent, service: ServiceChoice, asked: string | null | undefined): Choice<StaffChoice[]> {
  const base = rulesOf(agent);
  const rules = (hours: BookingRules["hours"]): BookingRules => ({
    ...base,
    hours,
    appointmentMinutes: service.minutes,
    // Starts on the agent's grid; a service shorter than it may start as often as it lasts.
    stepMinutes: Math.min(agent.appointmentMinutes, service.minutes),
  });
  const staff = agent.bookingStaff ?? [];
  if (!staff.length) return { ok: true, value: [{ id: null, name: null, calendarId: null, rules: rules(base.hours) }] };
  const offering = service.staffIds?.length ? staff.filter((member) => service.staffIds?.includes(member.id)) : staff;
  const choice = (member: (typeof staff)[number]): StaffChoice => ({
    id: member.id,
    name: member.name,
    calendarId: member.calendarId,
    rules: rules(member.businessHours ? normalizeBusinessHours(member.businessHours) : base.hours),
  });
  if (!meansAnyone(asked)) {
    const member = staff.find((item) => item.id === asked) ?? matchByName(staff, asked as string);
    if (!member) return { ok: false, message: `I don't know anyone called "${echo(asked as string)}" here. You can book with ${andList(offering.map((m) => m.name))}, or whoever is free.` };
    if (!offering.includes(member)) {
      return { ok: false, message: `${member.name} doesn't do ${service.name}. ${andList(offering.map((m) => m.name))} ${offering.length === 1 ? "does" : "do"}.` };
    }
    return { ok: true, value: [choice(member)] };
  }
  if (!offering.length) return { ok: false, message: `Nobody is taking ${service.name} bookings at the moment.` };
  return { ok: true, value: offering.map(choice) };
}

/**
 * The day's slots over several staff members: each one's free slots (their grid minus their
 * calendar's busy time), merged by start; a start is offered once, with everyone free then.
 */
export function unionSlots(per: { staff: StaffChoice; busy: BusyPeriod[] }[], date: Temporal.PlainDate, now: Date): OfferedSlot[] {
  const byStart = new Map<number, OfferedSlot>();
  for (const { staff, busy } of per) {
    for (const slot of freeSlots(staff.rules, date, busy, now)) {
      const key = slot.start.getTime();
      const offered = byStart.get(key);
      if (offered) offered.staff.push(staff);
      else byStart.set(key, { ...slot, staff: [staff] });
    }
  }
  return [...byStart.values()].sort((a, b) => a.start.getTime() - b.start.getTime());
}
