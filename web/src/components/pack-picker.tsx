/**
 * Credit packs with a Buy button each: creates a Stripe Checkout session and leaves for its page (one
 * at a time). On the billing page it offers to save the card for auto top-up, and marks the pack an
 * e-mail's "Buy credits" link named (`?buy=`).
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { client, unwrap } from "../lib/api";
import { formatMoney, plural } from "../lib/format";
import { useSingleFlightMutation } from "../lib/mutation";
import { packsQuery } from "../lib/queries";
import { QueryState } from "./query-state";
import { Alert, Button } from "./ui";

export function PackPicker({ offerSaveCard = false, suggested }: { offerSaveCard?: boolean; suggested?: string | undefined }) {
  const packs = useQuery(packsQuery);
  const [saveCard, setSaveCard] = useState(false);
  const checkout = useSingleFlightMutation({
    mutationFn: (packId: string) => unwrap(client.billing.checkout.$post({ json: offerSaveCard && saveCard ? { packId, saveCard: true } : { packId } })),
    // Stay pending while the browser leaves for Stripe: no second session from a second click.
    onSuccess: (answer) => new Promise<never>(() => window.location.assign(answer.url)),
  });
  return (
    <QueryState query={packs} isEmpty={(data) => data.packs.length === 0} empty="No credit packs are on sale right now.">
      {(data) => (
        <div>
          <ul className="grid gap-3 sm:grid-cols-3">
            {data.packs.map((pack) => (
              <li key={pack.id} className={`flex flex-col rounded-lg border p-4 ${suggested === pack.id ? "border-indigo-400 ring-2 ring-indigo-200" : "border-slate-200"}`}>
                <h3 className="font-semibold">
                  {pack.name}
                  {suggested === pack.id && <span className="ml-2 text-xs font-medium text-indigo-700">Your auto top-up pack</span>}
                </h3>
                <p className="mt-1 text-2xl font-bold">{plural(pack.credits, "credit")}</p>
                <p className="text-sm text-slate-600">
                  {formatMoney(pack.priceCents, pack.currency)} · about {plural(pack.credits, "minute")} of calls
                </p>
                <Button
                  className="mt-4"
                  onClick={() => checkout.mutate(pack.id)}
                  disabled={checkout.isPending || checkout.isSuccess}
                  pending={(checkout.isPending || checkout.isSuccess) && checkout.variables === pack.id}
                  pendingLabel="Opening checkout…"
                  aria-label={`Buy ${pack.name}: ${plural(pack.credits, "credit")} for ${formatMoney(pack.priceCents, pack.currency)}`}
                >
                  Buy
                </Button>
              </li>
            ))}
          </ul>
          {offerSaveCard && (
            <label className="mt-3 flex items-center gap-2 text-sm">
              <input type="checkbox" className="size-4 accent-indigo-600" checked={saveCard} onChange={(event) => setSaveCard(event.target.checked)} />
              Save my card for auto top-up (Stripe keeps it; we see only its brand and last four digits)
            </label>
          )}
          {checkout.error && (
            <div className="mt-3">
              <Alert>{checkout.error.message}</Alert>
            </div>
          )}
        </div>
      )}
    </QueryState>
  );
}
