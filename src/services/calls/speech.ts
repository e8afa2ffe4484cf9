/** Strings the agent speaks: one line, bounded, times in the agent's timezone ("Tuesday, May 14 at 3:30 PM"). */
export function speakable(text: string, max = 600): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function spokenTime(iso: string, timeZone: string): string {
  const date = new Date(iso);
  const day = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "long", month: "long", day: "numeric" }).format(date);
  const time = new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "2-digit", hour12: true }).format(date);
  return `${day} at ${time}`;
}

export function spokenTimes(isos: string[], timeZone: string): string {
  const times = isos.map((iso) => new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "2-digit", hour12: true }).format(new Date(iso)));
  if (times.length <= 1) return times.join("");
  return `${times.slice(0, -1).join(", ")} and ${times.at(-1)}`;
}

export const CALENDAR_FALLBACK =
  "I can't reach the calendar right now. I'll take your name and number and the office will call you back to confirm.";
