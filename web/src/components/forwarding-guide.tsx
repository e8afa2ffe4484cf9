/**
 * "Keep your existing number": forward the line callers already know to an Agentline number,
 * with the codes of the main US carriers (lib/forwarding-codes.ts), then prove it with a test
 * call: the next call from the owner's phone within 10 minutes marks the number verified.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { client, unwrap } from "../lib/api";
import { formatDateTime, formatPhone, useTimezone } from "../lib/format";
import { CARRIERS, type Carrier, type ForwardMode, forwardingCodes, MODES } from "../lib/forwarding-codes";
import { useSingleFlightMutation } from "../lib/mutation";
import { keys, phoneNumbersQuery } from "../lib/queries";
import { Alert, Badge, Button, Card, Field, Select } from "./ui";

/** "(512) 555-0147", "512-555-0147" or "+15125550147" as E.164; null when it is not a US number. */
function toE164(typed: string): string | null {
  const digits = typed.replace(/\D/g, "");
  if (/^\+[1-9]\d{7,14}$/.test(typed.trim().replace(/[\s().-]/g, ""))) return typed.trim().replace(/[\s().-]/g, "");
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith("1")) return `+${digits}`;
  return null;
}

export function ForwardingGuide() {
  const timeZone = useTimezone();
  const queryClient = useQueryClient();
  const numbers = useQuery({
    ...phoneNumbersQuery,
    // While a test call is awaited, look again until it comes.
    refetchInterval: (query) => (query.state.data?.phoneNumbers.some((n) => n.forwarding.testing) ? 3000 : false),
  });
  const usable = numbers.data?.phoneNumbers.filter((n) => n.number) ?? [];
  const [numberId, setNumberId] = useState("");
  const [carrier, setCarrier] = useState<Carrier>("att");
  const [mode, setMode] = useState<ForwardMode>("no_answer");
  const [from, setFrom] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const chosen = usable.find((n) => n.id === numberId) ?? usable[0];
  const codes = chosen?.number ? forwardingCodes(carrier, mode, chosen.number.replace(/^\+1/, "")) : null;
  const carrierGroup = useId();
  const modeGroup = useId();
  const test = useSingleFlightMutation({
    mutationFn: (json: { numberId: string; from: string }) => unwrap(client["phone-numbers"]["forwarding-test"].$post({ json })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.phoneNumbers }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const e164 = toE164(from);
    if (!e164) return setProblem("Enter the phone you will call from, like (512) 555-0147.");
    setProblem(undefined);
    if (chosen) test.mutate({ numberId: chosen.id, from: e164 });
  };

  if (!numbers.data || usable.length === 0) return null;
  return (
    <Card title="Keep your existing number">
      <p className="text-sm text-slate-600">
        Callers already know your number. Forward it to your Agentline number and your receptionist answers those calls too: when you don't pick up, when you're on
        another call, or always.
      </p>
      <div className="mt-4 grid gap-4 sm:grid-cols-3">
        {usable.length > 1 && (
          <Select label="Forward to" value={chosen?.id ?? ""} onChange={(event) => setNumberId(event.target.value)}>
            {usable.map((n) => (
              <option key={n.id} value={n.id}>
                {formatPhone(n.number)}
              </option>
            ))}
          </Select>
        )}
        <fieldset aria-labelledby={carrierGroup}>
          <legend id={carrierGroup} className="text-sm font-medium text-slate-700">
            Your carrier
          </legend>
          {CARRIERS.map((c) => (
            <label key={c.key} className="mt-1 flex items-center gap-2 text-sm">
              <input type="radio" name="carrier" value={c.key} checked={carrier === c.key} onChange={() => setCarrier(c.key)} />
              {c.name}
            </label>
          ))}
        </fieldset>
        <fieldset aria-labelledby={modeGroup}>
          <legend id={modeGroup} className="text-sm font-medium text-slate-700">
            Forward calls
          </legend>
          {MODES.map((m) => (
            <label key={m.key} className="mt-1 flex items-center gap-2 text-sm">
              <input type="radio" name="mode" value={m.key} checked={mode === m.key} onChange={() => setMode(m.key)} />
              {m.name}
            </label>
          ))}
        </fieldset>
      </div>
      {codes && (
        <div className="mt-4 rounded-md border border-slate-200 bg-slate-50 p-4 text-sm" data-testid="forwarding-codes">
          <p>{MODES.find((m) => m.key === mode)?.when}</p>
          <p className="mt-2">
            On the phone whose number callers know, dial <strong className="font-mono text-base">{codes.on}</strong> and press call. To stop, dial{" "}
            <strong className="font-mono">{codes.off}</strong>.
          </p>
          {codes.note && <p className="mt-1 text-slate-600">{codes.note}</p>}
          <p className="mt-1 text-slate-600">A landline or a business phone system has its own codes: ask your carrier to forward to {formatPhone(chosen?.number)}. If a code is refused, your carrier can turn forwarding on for you.</p>
        </div>
      )}
      <form onSubmit={submit} noValidate className="mt-4 flex flex-wrap items-start gap-3">
        <Field
          label="Test my forwarding: the phone I'll call from"
          type="tel"
          autoComplete="tel"
          value={from}
          onChange={(event) => setFrom(event.target.value)}
          error={problem ?? test.error?.message}
          hint="Then call your own number from that phone within 10 minutes."
          className="w-80"
        />
        <Button type="submit" className="sm:mt-6" pending={test.isPending} pendingLabel="Starting…">
          Test my forwarding
        </Button>
      </form>
      <div className="mt-3" aria-live="polite">
        {chosen?.forwarding.testing ? (
          <Alert tone="info">
            Waiting for your call from {formatPhone(chosen.forwarding.testing.from)} until {formatDateTime(chosen.forwarding.testing.until, timeZone)}…
          </Alert>
        ) : chosen?.forwarding.verified ? (
          <p className="text-sm">
            <Badge tone="green">Forwarding works</Badge> <span className="text-slate-600">verified {formatDateTime(chosen.forwarding.at, timeZone)}</span>
          </p>
        ) : null}
      </div>
    </Card>
  );
}
