/** Says plainly when the API runs against local stand-ins: no real calls, charges or e-mails. */
import { useQuery } from "@tanstack/react-query";
import { healthQuery } from "../lib/queries";

export function SandboxBadge() {
  const health = useQuery(healthQuery);
  if (health.data?.mode !== "sandbox") return null;
  return (
    // The worker's /sandbox page shows what the stand-ins received: e-mails, sheet rows, calendar events.
    <a
      href="/sandbox"
      target="_blank"
      rel="noreferrer"
      className="inline-flex items-center gap-1 rounded-full border border-amber-300 bg-amber-100 px-2.5 py-0.5 text-xs font-semibold text-amber-900 hover:bg-amber-200"
      title="Sandbox: Vapi, Stripe, OpenRouter, Google and e-mail are local stand-ins. Nothing is charged or dialled. Opens what they received."
      aria-label="Sandbox mode: open the stand-ins' inbox, sheet rows and calendar events"
      data-testid="sandbox-badge"
    >
      <span className="size-1.5 rounded-full bg-amber-500" aria-hidden="true" />
      Sandbox
    </a>
  );
}
