/**
 * Leaving the current business (DELETE /api/members/<your id>), confirmed first. Afterwards
 * every cached answer was that business's: they are dropped and the overview opens in the
 * person's next business, if any. The last owner gets the API's 409 in the dialog.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { client, unwrap } from "../lib/api";
import { useSingleFlightMutation } from "../lib/mutation";
import { ConfirmDialog } from "./confirm-dialog";
import { Button } from "./ui";

export function LeaveBusiness({ userId }: { userId: string }) {
  const [confirm, setConfirm] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const leave = useSingleFlightMutation({
    mutationFn: () => unwrap(client.members[":id"].$delete({ param: { id: userId } })),
    onSuccess: async () => {
      setConfirm(false);
      queryClient.clear();
      await navigate({ to: "/" });
    },
  });
  return (
    <>
      <Button variant="secondary" onClick={() => setConfirm(true)}>
        Leave business
      </Button>
      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title="Leave this business?"
        description="You lose access to its agents, numbers and calls. An owner can invite you again."
        confirmLabel="Leave"
        pending={leave.isPending}
        error={leave.error?.message}
        onConfirm={() => leave.mutate()}
      />
    </>
  );
}
