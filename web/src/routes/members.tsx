/**
 * Members (owners): who works in this business and as what, the invite form, the invitations
 * not yet accepted (revoke), role changes, removal, and leaving for yourself. The API keeps the
 * last owner; its 409 is shown where it happened.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createLazyRoute } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { ConfirmDialog } from "../components/confirm-dialog";
import { LeaveBusiness } from "../components/leave-business";
import { QueryState } from "../components/query-state";
import { useToast } from "../components/toaster";
import { Badge, Button, Card, Field, PageHeader, Select } from "../components/ui";
import { client, unwrap } from "../lib/api";
import { useFormValues } from "../lib/form-values";
import { formatDateTime, useTimezone } from "../lib/format";
import { EMAIL, problemsFromError } from "../lib/forms";
import { useSingleFlightMutation } from "../lib/mutation";
import { keys, membersQuery, meQuery } from "../lib/queries";
import type { Role } from "../lib/role";

export const Route = createLazyRoute("/app/members")({ component: Members });

const ROLE_LABELS: Record<Role, string> = { owner: "Owner", admin: "Admin", staff: "Staff" };
const ROLE_HINT = "Owners do everything. Admins: everything but billing and members. Staff: calls, follow-ups and appointments.";

function RoleOptions() {
  return (
    <>
      {(Object.keys(ROLE_LABELS) as Role[]).map((role) => (
        <option key={role} value={role}>
          {ROLE_LABELS[role]}
        </option>
      ))}
    </>
  );
}

function Members() {
  const members = useQuery(membersQuery);
  const me = useQuery(meQuery);
  const timeZone = useTimezone();
  return (
    <>
      <PageHeader title="Members" description="The people who work in this business, and what each may do." />
      <div className="space-y-6">
        <InviteForm />
        <Card title="People">
          <QueryState query={members} loadingLabel="Loading members…">
            {(data) => (
              <ul className="divide-y divide-slate-100">
                {data.members.map((member) => (
                  <MemberRow key={member.userId} member={member} self={member.userId === me.data?.user.id} />
                ))}
              </ul>
            )}
          </QueryState>
        </Card>
        <Card title="Pending invitations">
          <QueryState query={members} isEmpty={(data) => data.invitations.length === 0} empty="No invitations waiting to be accepted." loadingLabel="Loading invitations…">
            {(data) => (
              <ul className="divide-y divide-slate-100">
                {data.invitations.map((invitation) => (
                  <InvitationRow key={invitation.id} invitation={invitation} timeZone={timeZone} />
                ))}
              </ul>
            )}
          </QueryState>
        </Card>
      </div>
    </>
  );
}

function InviteForm() {
  const form = useFormValues({ email: "", role: "staff" });
  const queryClient = useQueryClient();
  const toast = useToast();
  const send = useSingleFlightMutation({
    mutationFn: (body: { email: string; role: Role }) => unwrap(client.invitations.$post({ json: body })),
    onSuccess: async (answer) => {
      form.reset();
      await queryClient.invalidateQueries({ queryKey: keys.members });
      toast(`Invitation sent to ${answer.invitation.email}.`);
    },
  });
  const server = problemsFromError(send.error, ["email", "role"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const email = form.values.email.trim();
    if (form.check(EMAIL.test(email) ? {} : { email: "Enter their email address, like sam@business.com." }) && !send.isPending) {
      send.mutate({ email, role: form.values.role as Role });
    }
  };
  return (
    <Card title="Invite someone">
      <form onSubmit={submit} noValidate className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start">
        <Field label="Email" type="email" autoComplete="off" {...form.field("email")} error={form.problem("email", server)} />
        <Select label="Role" {...form.field("role")} error={form.problem("role", server)}>
          <RoleOptions />
        </Select>
        <Button type="submit" className="sm:mt-6" pending={send.isPending} pendingLabel="Sending…">
          Send invitation
        </Button>
        <p className="text-xs text-slate-500 sm:col-span-3">{ROLE_HINT} The link in the e-mail works once, for 7 days.</p>
        {server.general && (
          <p role="alert" className="text-sm text-red-700 sm:col-span-3">
            {server.general}
          </p>
        )}
      </form>
    </Card>
  );
}

type Member = { userId: string; email: string; name: string | null; role: Role };

function MemberRow({ member, self }: { member: Member; self: boolean }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [confirm, setConfirm] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.members });
  const change = useSingleFlightMutation({
    mutationFn: (role: Role) => unwrap(client.members[":id"].$patch({ param: { id: member.userId }, json: { role } })),
    onSuccess: async () => {
      await refresh();
      // Your own role may be what changed: the navigation follows it.
      if (self) await queryClient.invalidateQueries({ queryKey: keys.me });
      toast("Role changed.");
    },
  });
  const remove = useSingleFlightMutation({
    mutationFn: () => unwrap(client.members[":id"].$delete({ param: { id: member.userId } })),
    onSuccess: async () => {
      setConfirm(false);
      await refresh();
      toast(`${member.name ?? member.email} was removed.`);
    },
  });
  const who = member.name ?? member.email;
  return (
    <li className="grid gap-3 py-4 sm:grid-cols-[1fr_12rem_auto] sm:items-center">
      <div>
        <p className="font-medium">
          {who} {self && <Badge tone="indigo">You</Badge>}
        </p>
        <p className="text-sm text-slate-600">{member.email}</p>
      </div>
      <Select
        label={`Role of ${who}`}
        value={member.role}
        disabled={change.isPending}
        onChange={(event) => change.mutate(event.target.value as Role)}
        error={change.error?.message}
      >
        <RoleOptions />
      </Select>
      {self ? (
        <LeaveBusiness userId={member.userId} />
      ) : (
        <>
          <Button variant="secondary" onClick={() => setConfirm(true)} aria-label={`Remove ${who}`}>
            Remove
          </Button>
          <ConfirmDialog
            open={confirm}
            onOpenChange={setConfirm}
            title={`Remove ${who}?`}
            description="They lose access to this business at once. You can invite them again later."
            confirmLabel="Remove member"
            pending={remove.isPending}
            error={remove.error?.message}
            onConfirm={() => remove.mutate()}
          />
        </>
      )}
    </li>
  );
}

function InvitationRow({ invitation, timeZone }: { invitation: { id: string; email: string; role: Role; expiresAt: string }; timeZone: string }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const revoke = useSingleFlightMutation({
    mutationFn: () => unwrap(client.invitations[":id"].$delete({ param: { id: invitation.id } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.members });
      toast("Invitation revoked.");
    },
  });
  const expired = new Date(invitation.expiresAt).getTime() <= Date.now();
  return (
    <li className="flex flex-wrap items-center justify-between gap-3 py-3">
      <div>
        <p className="font-medium">{invitation.email}</p>
        <p className="text-sm text-slate-600">
          {ROLE_LABELS[invitation.role]} ·{" "}
          {expired ? <Badge tone="amber">Expired: invite again to resend</Badge> : `link works until ${formatDateTime(invitation.expiresAt, timeZone)}`}
        </p>
        {revoke.error && (
          <p role="alert" className="text-sm text-red-700">
            {revoke.error.message}
          </p>
        )}
      </div>
      <Button variant="secondary" pending={revoke.isPending} pendingLabel="Revoking…" onClick={() => revoke.mutate()} aria-label={`Revoke the invitation of ${invitation.email}`}>
        Revoke
      </Button>
    </li>
  );
}
