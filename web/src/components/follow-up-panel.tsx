/**
 * A call's follow-up on its page: to call back (the receptionist said so, or someone reopened it)
 * or handled, with a note for whoever picks it up next; a tap-to-call link to the caller.
 */
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { client, unwrap } from "../lib/api";
import type { CallDetail } from "../lib/contract";
import { formatDateTime, formatPhone, useTimezone } from "../lib/format";
import { useSingleFlightMutation } from "../lib/mutation";
import { keys } from "../lib/queries";
import { useToast } from "./toaster";
import { Alert, Badge, Button, buttonClass, Card, TextArea } from "./ui";

export function FollowUpPanel({ call }: { call: CallDetail }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const timeZone = useTimezone();
  const [note, setNote] = useState(call.followUpNote ?? "");
  const save = useSingleFlightMutation({
    mutationFn: (followUp: "open" | "done") => unwrap(client.calls[":id"].$patch({ param: { id: call.id }, json: { followUp, note } })),
    onSuccess: async (answer) => {
      queryClient.setQueryData([...keys.calls, "detail", call.id], answer);
      await queryClient.invalidateQueries({ queryKey: [...keys.calls, "list"] });
      toast(answer.call.followUp === "done" ? "Marked as handled." : "Reopened: it is on the call-back list again.");
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(call.followUp === "open" ? "done" : "open");
  };
  return (
    <Card
      title="Follow-up"
      actions={call.followUp === "open" ? <Badge tone="red">Call back</Badge> : call.followUp === "done" ? <Badge tone="slate">Handled</Badge> : <Badge>None needed</Badge>}
    >
      <form onSubmit={submit} noValidate className="space-y-3">
        {call.customerNumber && (
          <a href={`tel:${call.customerNumber}`} className={buttonClass("secondary")}>
            Call {formatPhone(call.customerNumber)}
          </a>
        )}
        <TextArea
          label="Note"
          rows={2}
          maxLength={2000}
          value={note}
          onChange={(event) => setNote(event.target.value)}
          hint={call.followUpAt ? `Last changed ${formatDateTime(call.followUpAt, timeZone)}.` : "For whoever calls back: what was said, what was agreed."}
        />
        {save.error && <Alert>{save.error.message}</Alert>}
        <Button type="submit" variant={call.followUp === "open" ? "primary" : "secondary"} pending={save.isPending} pendingLabel="Saving…">
          {call.followUp === "open" ? "Mark as handled" : call.followUp === "done" ? "Reopen" : "Add to the call-back list"}
        </Button>
      </form>
    </Card>
  );
}
