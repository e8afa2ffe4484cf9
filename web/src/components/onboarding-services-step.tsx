/**
 * Onboarding's services and hours, right after the description (issue 20): drafted from it by
 * POST /api/generate (kinds `services` and `hours`), shown while the draft is written, then the
 * owner's to edit. Kept in the onboarding draft (a reload loses nothing); the receptionist is
 * created with them on the next step, or patched when it already exists (the owner came back).
 */

import type { FormEvent } from "react";
import { useEffect, useRef } from "react";
import type { Hours } from "../lib/agent-types";
import { checkHours, DEFAULT_HOURS, fullHours } from "../lib/agent-types";
import { client, unwrap } from "../lib/api";
import type { ServiceRow } from "../lib/booking-form";
import { checkCatalog, newItemId } from "../lib/booking-form";
import { problemsFromError, useProblems } from "../lib/forms";
import { useSingleFlightMutation } from "../lib/mutation";
import { draftBooking } from "../lib/onboarding-state";
import { HoursEditor } from "./agent-fields";
import { ServicesEditor } from "./booking-fields";
import { useAgentPatch } from "./onboarding-agent-steps";
import type { StepProps } from "./onboarding-steps-shared";
import { StepActions, StepFrame } from "./onboarding-steps-shared";
import { Alert, Button, Field } from "./ui";

export function ServicesStep({ draft, setDraft, next, back, timezone }: StepProps & { timezone: string }) {
  const description = draft.businessDescription.trim();
  const drafting = useSingleFlightMutation({
    mutationFn: async () => {
      const facts = { businessDescription: description, agentName: draft.businessName.trim() || undefined };
      const [hours, services] = await Promise.all([unwrap(client.generate.$post({ json: { kind: "hours", ...facts } })), unwrap(client.generate.$post({ json: { kind: "services", ...facts } }))]);
      return {
        hours: "hours" in hours ? fullHours(hours.hours) : DEFAULT_HOURS,
        services: "services" in services ? services.services.map((service) => ({ id: newItemId("sv"), name: service.name, minutes: String(service.minutes), price: typeof service.priceCents === "number" ? String(service.priceCents / 100) : "", staffIds: [] })) : [],
      };
    },
    onSuccess: (written) => setDraft({ ...written, draftedFrom: description }),
  });
  // Draft once per description: coming back with the same description keeps the owner's edits.
  const asked = useRef(false);
  useEffect(() => {
    if (asked.current || draft.draftedFrom === description || description.length < 20) return;
    asked.current = true;
    drafting.mutate();
  }, [description, draft.draftedFrom, drafting]);
  const ready = draft.draftedFrom === description || drafting.isError || description.length < 20;

  return (
    <StepFrame title="Services and hours" description="What callers can book, and when you're open. Drafted from your description: change anything that isn't right.">
      {ready ? (
        <ServicesForm draft={draft} setDraft={setDraft} next={next} back={back} timezone={timezone} redraft={() => drafting.mutate()} drafting={drafting.isPending} failed={drafting.error?.message} />
      ) : (
        <div className="space-y-4">
          <Alert tone="info">Drafting your services and hours from your description… this takes a few seconds.</Alert>
          <StepActions back={back}>
            <Button pending pendingLabel="Drafting…">
              Continue
            </Button>
          </StepActions>
        </div>
      )}
    </StepFrame>
  );
}

function ServicesForm({
  draft,
  setDraft,
  next,
  back,
  timezone,
  redraft,
  drafting,
  failed,
}: StepProps & { timezone: string; redraft: () => void; drafting: boolean; failed: string | undefined }) {
  const services: ServiceRow[] = draft.services ?? [];
  const hours: Hours = draft.hours ?? DEFAULT_HOURS;
  const enabled = draft.bookingEnabled ?? true;
  const local = useProblems();
  const save = useAgentPatch(draft.agentId ?? "", next);
  const server = problemsFromError(save.error, [], ["booking"]);
  const problems = { ...server.fields, ...local.problems };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = { ...checkHours(hours), ...checkCatalog({ services, staff: [], closures: [] }) };
    const length = Number(draft.appointmentMinutes ?? "30");
    if (!Number.isInteger(length) || length < 5 || length > 480) found["booking.appointmentMinutes"] = "Enter whole minutes between 5 and 480.";
    if (!local.check(found) || save.isPending) return;
    // Before the receptionist exists the next step creates it with these; after, they are saved now.
    if (draft.agentId) save.mutate({ booking: draftBooking(draft, timezone) });
    else next();
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-6">
      {failed && <Alert tone="warning">Your services and hours could not be drafted ({failed}). Enter them here, or try again.</Alert>}
      <ServicesEditor value={services} staff={[]} onChange={(rows) => setDraft({ services: rows })} problems={problems} />
      <HoursEditor value={hours} onChange={(value) => setDraft({ hours: value })} problems={problems} />
      <label className="flex items-center gap-2 text-sm font-medium">
        <input type="checkbox" className="size-4 accent-indigo-600" checked={enabled} onChange={(event) => setDraft({ bookingEnabled: event.target.checked })} />
        Let callers book appointments (needs Google Calendar, a later step)
      </label>
      {enabled && (
        <Field
          label="Appointment length (minutes)"
          type="number"
          inputMode="numeric"
          min={5}
          max={480}
          value={draft.appointmentMinutes ?? "30"}
          onChange={(event) => {
            setDraft({ appointmentMinutes: event.target.value });
            local.clear("booking.appointmentMinutes");
          }}
          error={problems["booking.appointmentMinutes"]}
          hint="For bookings without a service, and how often a start time is offered."
          className="max-w-xs"
        />
      )}
      {server.general && <Alert>{server.general}</Alert>}
      <StepActions back={back} busy={save.isPending || drafting}>
        <Button type="submit" pending={save.isPending} pendingLabel="Saving…">
          Continue
        </Button>
        <Button variant="ghost" onClick={redraft} pending={drafting} pendingLabel="Drafting…">
          Draft again from my description
        </Button>
      </StepActions>
    </form>
  );
}
