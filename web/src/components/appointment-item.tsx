/**
 * One booking on the appointments page: when, what, with whom, the caller, its status, its call
 * and its texts; cancel (confirmed) and move while it is still ahead. A change refetches the
 * list, since a move can carry the booking to another day or page.
 */
import { useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import type { InferResponseType } from "hono/client";
import { useState } from "react";
import { client, unwrap } from "../lib/api";
import { formatPhone } from "../lib/format";
import { useSingleFlightMutation } from "../lib/mutation";
import { keys } from "../lib/queries";
import { bookingProblem, MoveDialog } from "./appointment-move";
import { ConfirmDialog } from "./confirm-dialog";
import { TextsCard } from "./text-list";
import { useToast } from "./toaster";
import { Badge, Button, focusRing } from "./ui";

export type Appointment = InferResponseType<typeof client.appointments.$get, 200>["appointments"][number];

const STATUS: Record<Appointment["status"], { label: string; tone: "green" | "indigo" | "slate" | "red" }> = {
  booked: { label: "Booked", tone: "green" },
  moved: { label: "Moved", tone: "indigo" },
  completed: { label: "Completed", tone: "slate" },
  cancelled: { label: "Cancelled", tone: "red" },
};

export function timeRange(start: string, end: string, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZone }).formatRange(new Date(start), new Date(end));
}

export function AppointmentItem({ appointment, timeZone, agentName }: { appointment: Appointment; timeZone: string; agentName?: string | undefined }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [moving, setMoving] = useState(false);
  const [showTexts, setShowTexts] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.appointments });
  const cancel = useSingleFlightMutation({
    mutationFn: () => unwrap(client.appointments[":id"].cancel.$post({ param: { id: appointment.id } })),
    onSuccess: async () => {
      setConfirmCancel(false);
      toast(appointment.email ? "Cancelled in Google Calendar; the caller is being e-mailed." : "Cancelled in Google Calendar.");
      await refresh();
    },
  });
  const move = useSingleFlightMutation({
    mutationFn: (start: string) => unwrap(client.appointments[":id"].move.$post({ param: { id: appointment.id }, json: { start } })),
    onSuccess: async (answer) => {
      setMoving(false);
      toast(`Moved to ${new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(answer.appointment.start))}.`);
      await refresh();
    },
  });
  const status = STATUS[appointment.status];
  const changeable = appointment.status === "booked" || appointment.status === "moved";
  const who = appointment.name ?? "A caller";
  return (
    <li className="py-3" data-testid="appointment">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="font-medium">
            <span className="tabular-nums">{timeRange(appointment.start, appointment.end, timeZone)}</span>
            {" · "}
            {appointment.service ?? "Appointment"}
            {appointment.staff ? ` with ${appointment.staff.name}` : ""}
            <span className="ml-2 align-middle">
              <Badge tone={status.tone}>{status.label}</Badge>
            </span>
          </p>
          <p className="text-sm text-slate-600">
            {who}
            {appointment.phone && (
              <>
                {" · "}
                <a href={`tel:${appointment.phone}`} className={`underline ${focusRing}`}>
                  {formatPhone(appointment.phone)}
                </a>
              </>
            )}
            {appointment.email ? ` · ${appointment.email}` : ""}
            {agentName ? ` · ${agentName}` : ""}
          </p>
          <div className="mt-1 flex flex-wrap gap-x-4 text-sm">
            {appointment.callId && (
              <Link to="/calls/$callId" params={{ callId: appointment.callId }} className={`text-indigo-700 underline ${focusRing}`}>
                Open the call<span className="sr-only"> that booked {who}'s appointment</span>
              </Link>
            )}
            <button type="button" className={`text-indigo-700 underline ${focusRing}`} aria-expanded={showTexts} onClick={() => setShowTexts((shown) => !shown)}>
              {showTexts ? "Hide texts" : "Texts"}
              <span className="sr-only"> about {who}'s appointment</span>
            </button>
          </div>
          {showTexts && (
            <div className="mt-2">
              <TextsCard filter={{ bookingId: appointment.id }} title="Texts about this appointment" />
            </div>
          )}
        </div>
        {changeable && (
          <div className="flex gap-2">
            <Button variant="secondary" onClick={() => setMoving(true)} aria-label={`Move ${who}'s appointment`}>
              Move
            </Button>
            <Button variant="secondary" onClick={() => setConfirmCancel(true)} aria-label={`Cancel ${who}'s appointment`}>
              Cancel
            </Button>
          </div>
        )}
      </div>
      <ConfirmDialog
        open={confirmCancel}
        onOpenChange={setConfirmCancel}
        title={`Cancel ${who}'s appointment?`}
        description={`The event is removed from Google Calendar${appointment.email ? ` and ${appointment.email} is e-mailed` : ""}. This cannot be undone.`}
        confirmLabel="Cancel appointment"
        cancelLabel="Keep it"
        pending={cancel.isPending}
        error={bookingProblem(cancel.error)?.message}
        onConfirm={() => cancel.mutate()}
      />
      {moving && <MoveDialog open onOpenChange={setMoving} appointment={appointment} timeZone={timeZone} pending={move.isPending} error={move.error} onMove={(start) => move.mutate(start)} />}
    </li>
  );
}
