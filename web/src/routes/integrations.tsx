/** Google: status, connect, reconnect when Google stopped accepting our token, disconnect, a link to the calls sheet. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createLazyRoute, useSearch } from "@tanstack/react-router";
import { useState } from "react";
import { ConfirmDialog } from "../components/confirm-dialog";
import { ContinueSetup } from "../components/continue-setup";
import { QueryState } from "../components/query-state";
import { useToast } from "../components/toaster";
import { Alert, Badge, Button, buttonClass, Card, PageHeader } from "../components/ui";
import { client, unwrap } from "../lib/api";
import { useSingleFlightMutation } from "../lib/mutation";
import { keys, meQuery } from "../lib/queries";

export const Route = createLazyRoute("/app/integrations")({ component: Integrations });

function Integrations() {
  const search = useSearch({ from: "/app/integrations" });
  const me = useQuery(meQuery);
  return (
    <>
      <PageHeader title="Integrations" />
      {search.google === "connected" && (
        <div className="mb-4">
          <Alert tone="success">
            Google is connected.
            <ContinueSetup step="google" />
          </Alert>
        </div>
      )}
      {search.google === "error" && (
        <div className="mb-4">
          <Alert>
            Google was not connected{search.reason ? `: ${search.reason.replace(/_/g, " ")}` : ""}. Try again, or carry on without it.
            <ContinueSetup step="google" />
          </Alert>
        </div>
      )}
      <QueryState query={me}>{(data) => <GoogleCard google={data.user.google} />}</QueryState>
    </>
  );
}

function GoogleCard({ google }: { google: { connected: boolean; email: string | null; status: string | null; spreadsheetUrl: string | null } }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [confirm, setConfirm] = useState(false);
  const disconnect = useSingleFlightMutation({
    mutationFn: () => unwrap(client.auth.google.disconnect.$post()),
    onSuccess: async () => {
      setConfirm(false);
      await queryClient.invalidateQueries({ queryKey: keys.me });
      toast("Google disconnected.");
    },
  });
  const needsReconnect = google.connected && google.status === "needs_reconnect";
  return (
    <Card
      title="Google Calendar and Sheets"
      actions={
        <Badge tone={!google.connected ? "slate" : needsReconnect ? "red" : "green"}>
          {!google.connected ? "Not connected" : needsReconnect ? "Needs reconnecting" : "Connected"}
        </Badge>
      }
    >
      <p className="text-sm text-slate-600">Your receptionist books appointments into your calendar and adds a row to a Google Sheet for every call.</p>
      {google.connected && <p className="mt-3 text-sm">Connected as <strong>{google.email}</strong>.</p>}
      {needsReconnect && (
        <div className="mt-3">
          <Alert tone="warning">Google stopped accepting Agentline's access (the permission was removed or expired). Reconnect so bookings and call logs work again.</Alert>
        </div>
      )}
      <div className="mt-4 flex flex-wrap gap-2">
        {(!google.connected || needsReconnect) && (
          <a href="/api/auth/google" className={buttonClass("primary")}>
            {needsReconnect ? "Reconnect Google" : "Connect Google"}
          </a>
        )}
        {google.connected && google.spreadsheetUrl && (
          <a href={google.spreadsheetUrl} target="_blank" rel="noreferrer" className={buttonClass("secondary")}>
            Open the calls sheet
          </a>
        )}
        {google.connected && (
          <Button variant="secondary" onClick={() => setConfirm(true)}>
            Disconnect
          </Button>
        )}
      </div>
      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title="Disconnect Google?"
        description="Your receptionist will stop booking appointments and logging calls to the sheet. Existing events and rows stay in your Google account."
        confirmLabel="Disconnect"
        pending={disconnect.isPending}
        error={disconnect.error?.message}
        onConfirm={() => disconnect.mutate()}
      />
    </Card>
  );
}
