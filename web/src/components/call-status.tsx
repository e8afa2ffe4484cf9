import { Badge } from "./ui";

const LIVE = new Set(["queued", "ringing", "in-progress", "forwarding"]);

/** Vapi's statuses as a person reads them, capitalized like the rest of the badges. */
const LABELS = new Map([
  ["scheduled", "Scheduled"],
  ["queued", "Queued"],
  ["ringing", "Ringing"],
  ["in-progress", "In progress"],
  ["forwarding", "Forwarding"],
  ["ended", "Ended"],
  ["refused", "Not answered"],
]);

export function isLive(status: string) {
  return LIVE.has(status);
}

export function callStatusLabel(status: string): string {
  return LABELS.get(status) ?? status.charAt(0).toUpperCase() + status.slice(1).replace(/[-_]/g, " ");
}

export function CallStatusBadge({ status }: { status: string }) {
  const label = callStatusLabel(status);
  if (isLive(status)) return <Badge tone="indigo">{label}</Badge>;
  if (status === "ended") return <Badge tone="slate">{label}</Badge>;
  return <Badge tone="amber">{label}</Badge>;
}
