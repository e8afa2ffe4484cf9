/**
 * Moving a booking to another time: a date and a time in the business's timezone (shown, since
 * the owner's browser may be elsewhere), kept the booking's length and staff member. What went
 * wrong is said in words: taken (with the next free time, one click to use it), outside the
 * hours, Google not answering (nothing changed).
 */
import * as Dialog from "@radix-ui/react-dialog";
import { type FormEvent, useState } from "react";
import { ApiError } from "../lib/api";
import { zonedInstant, zonedParts } from "../lib/zoned-time";
import { DialogFrame } from "./confirm-dialog";
import { Alert, Button, Field } from "./ui";

type Slot = { start: string; end: string };

/** The words for a failed cancel or move; `nextOpening` when the API offered one. */
export function bookingProblem(error: unknown): { message: string; nextOpening?: Slot } | null {
  if (!error) return null;
  if (!(error instanceof ApiError)) return { message: "Something went wrong. Try again." };
  const next = error.data.nextOpening as Slot | null | undefined;
  const offered = next && typeof next.start === "string" ? { nextOpening: next } : {};
  switch (error.code) {
    case "slot_taken":
      return { message: "That time is already taken: another booking or an event in that calendar is there.", ...offered };
    case "invalid_time":
      return { message: error.message.replace(/^I'm sorry, /, ""), ...offered };
    case "upstream_error":
      return { message: "Google Calendar did not answer, so nothing was changed. Try again in a moment." };
    case "google_not_connected":
      return { message: `Google is not connected, so the calendar cannot be changed. ${error.message}` };
    default:
      return { message: error.message };
  }
}

export function MoveDialog({
  open,
  onOpenChange,
  appointment,
  timeZone,
  pending,
  error,
  onMove,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  appointment: { start: string; end: string; name: string | null; service: string | null };
  timeZone: string;
  pending: boolean;
  error: unknown;
  onMove: (start: string) => void;
}) {
  const current = zonedParts(appointment.start, timeZone);
  const [date, setDate] = useState(current.date);
  const [time, setTime] = useState(current.time);
  const [problem, setProblem] = useState<string | undefined>();
  const failed = bookingProblem(error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!date || !time) return setProblem("Pick a day and a time.");
    setProblem(undefined);
    onMove(zonedInstant(date, time, timeZone).toISOString());
  };
  const takeSlot = (slot: Slot) => {
    const next = zonedParts(slot.start, timeZone);
    setDate(next.date);
    setTime(next.time);
  };
  const minutes = Math.round((Date.parse(appointment.end) - Date.parse(appointment.start)) / 60_000);
  return (
    <DialogFrame
      open={open}
      onOpenChange={onOpenChange}
      pending={pending}
      title={`Move ${appointment.name ? `${appointment.name}'s` : "this"} appointment`}
      description={`${appointment.service ? `${appointment.service}, ` : ""}${minutes} minutes, with the same person. Times are in ${timeZone}. The caller is e-mailed when we have their address.`}
    >
          <form onSubmit={submit} noValidate className="mt-4 space-y-3">
            <div className="grid grid-cols-2 gap-3">
              <Field label="New day" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
              <Field label={`New time (${timeZone})`} type="time" step={300} value={time} onChange={(e) => setTime(e.target.value)} />
            </div>
            {problem && <Alert>{problem}</Alert>}
            {failed && (
              <Alert>
                <p>{failed.message}</p>
                {failed.nextOpening && (
                  <Button variant="secondary" className="mt-2" onClick={() => failed.nextOpening && takeSlot(failed.nextOpening)}>
                    Use the next free time: {new Intl.DateTimeFormat(undefined, { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone }).format(new Date(failed.nextOpening.start))}
                  </Button>
                )}
              </Alert>
            )}
            <div className="mt-6 flex justify-end gap-2">
              <Dialog.Close asChild>
                <Button variant="secondary" disabled={pending}>
                  Keep the time
                </Button>
              </Dialog.Close>
              <Button type="submit" pending={pending} pendingLabel="Moving…">
                Move appointment
              </Button>
            </div>
          </form>
    </DialogFrame>
  );
}
