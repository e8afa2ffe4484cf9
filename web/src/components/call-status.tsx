import { Badge } from "./ui";

const LIVE = new Set(["queued", "ringing", "in-progress", "forwarding"]);

export function isLive(status: string) {
  return LIVE.has(status);
}

export function CallStatusBadge({ status }: { status: string }) {
  if (isLive(status)) return <Badge tone="indigo">{status === "in-progress" ? "In progress" : status}</Badge>;
  if (status === "ended") return <Badge tone="slate">Ended</Badge>;
  return <Badge tone="amber">{status}</Badge>;
}
