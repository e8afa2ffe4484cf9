/** The audit list (owners): who changed members, agents, numbers and billing, newest first, a page at a time. */
import { useQuery } from "@tanstack/react-query";
import { createLazyRoute, useNavigate, useSearch } from "@tanstack/react-router";
import { Pager } from "../components/pager";
import { QueryState } from "../components/query-state";
import { Card, PageHeader } from "../components/ui";
import { formatDateTime, useTimezone } from "../lib/format";
import { auditQuery } from "../lib/queries";

export const Route = createLazyRoute("/app/audit")({ component: Audit });

const ACTIONS: Record<string, string> = {
  "member.invited": "invited",
  "member.invitation_revoked": "revoked the invitation of",
  "member.joined": "joined as",
  "member.role_changed": "changed the role of",
  "member.removed": "removed",
  "member.left": "left the business",
  "agent.created": "created the agent",
  "agent.updated": "changed the agent",
  "agent.deleted": "deleted the agent",
  "number.bought": "bought the number",
  "number.assigned": "assigned the number",
  "number.released": "released the number",
  "billing.checkout_started": "started a credit purchase",
};

type Entry = { id: string; at: string; userId: string | null; email: string | null; action: string; target: { type: string; id: string } | null; detail: Record<string, unknown> | null };

/** What the entry was about, in words: an e-mail, a role change, a name or number from its detail. */
function about(entry: Entry): string {
  const detail = entry.detail ?? {};
  const text = (key: string) => (typeof detail[key] === "string" ? (detail[key] as string) : undefined);
  if (entry.action === "member.joined") return text("role") ?? "";
  if (entry.action === "member.left") return "";
  if (entry.action === "member.role_changed") return `${text("email") ?? "a member"} from ${text("from") ?? "?"} to ${text("to") ?? "?"}`;
  return [text("email"), text("name"), text("number"), text("role") && entry.action === "member.invited" ? `as ${text("role")}` : undefined].filter(Boolean).join(" ");
}

function Audit() {
  const search = useSearch({ from: "/app/audit" });
  const navigate = useNavigate();
  const entries = useQuery(auditQuery(search.cursor));
  const timeZone = useTimezone();
  return (
    <>
      <PageHeader title="Audit" description="Who changed members, agents, numbers and billing in this business." />
      <Card>
        <QueryState query={entries} isEmpty={(data) => data.entries.length === 0 && !search.cursor} empty="Nothing has been changed yet." loadingLabel="Loading the audit list…">
          {(data) => (
            <>
              <ul className="divide-y divide-slate-100">
                {(data.entries as Entry[]).map((entry) => (
                  <li key={entry.id} className="py-3 text-sm">
                    <p>
                      <span className="font-medium">{entry.email ?? "A former member"}</span> {ACTIONS[entry.action] ?? entry.action} {about(entry)}
                    </p>
                    <p className="text-slate-500">{formatDateTime(entry.at, timeZone)}</p>
                  </li>
                ))}
              </ul>
              <Pager cursor={search.cursor} nextCursor={data.nextCursor} onPage={(cursor) => navigate({ to: "/audit", search: { cursor } })} firstLabel="Newest" nextLabel="Older" />
            </>
          )}
        </QueryState>
      </Card>
    </>
  );
}
