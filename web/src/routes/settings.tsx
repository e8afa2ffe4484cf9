/** Settings: name, the owner's phone (callers' fallback), timezone, and the password. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createLazyRoute } from "@tanstack/react-router";
import type { FormEvent } from "react";
import { useState } from "react";
import { QueryState } from "../components/query-state";
import { useToast } from "../components/toaster";
import { Alert, Button, Card, Field, PageHeader, Select } from "../components/ui";
import { client, unwrap } from "../lib/api";
import { timezones } from "../lib/format";
import { E164, problemsFromError, useProblems } from "../lib/forms";
import { useSingleFlightMutation } from "../lib/mutation";
import { keys, meQuery } from "../lib/queries";

export const Route = createLazyRoute("/app/settings")({ component: Settings });

type User = NonNullable<Awaited<ReturnType<NonNullable<typeof meQuery.queryFn>>>>["user"];

function Settings() {
  const me = useQuery(meQuery);
  return (
    <>
      <PageHeader title="Settings" />
      <div className="space-y-6">
        <QueryState query={me}>{(data) => <Profile key={data.user.id} user={data.user} />}</QueryState>
        <PasswordForm />
      </div>
    </>
  );
}

function Profile({ user }: { user: User }) {
  const [form, setForm] = useState({ name: user.name ?? "", phone: user.phone ?? "", timezone: user.timezone });
  const queryClient = useQueryClient();
  const toast = useToast();
  const local = useProblems();
  const save = useSingleFlightMutation({
    mutationFn: () => unwrap(client.me.$patch({ json: { name: form.name.trim() || null, phone: form.phone.trim() || null, timezone: form.timezone } })),
    onSuccess: async (answer) => {
      queryClient.setQueryData(keys.me, answer);
      toast("Settings saved.");
    },
  });
  const server = problemsFromError(save.error, ["name", "phone", "timezone"]);
  const problem = (field: string) => local.problems[field] ?? server.fields[field];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (form.name.length > 100) found.name = "Use at most 100 characters.";
    if (form.phone.trim() && !E164.test(form.phone.trim())) found.phone = "Use the international format, like +14155550123.";
    local.set(found);
    if (Object.keys(found).length === 0 && !save.isPending) save.mutate();
  };
  const update = (field: keyof typeof form) => (event: { target: { value: string } }) => {
    setForm((current) => ({ ...current, [field]: event.target.value }));
    local.clear(field);
  };
  return (
    <Card title="Your details">
      <form onSubmit={submit} noValidate className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" autoComplete="name" value={form.name} onChange={update("name")} error={problem("name")} />
        <Field label="Email" value={user.email} readOnly disabled hint="Your sign-in address." />
        <Field
          label="Your phone"
          type="tel"
          autoComplete="tel"
          value={form.phone}
          onChange={update("phone")}
          error={problem("phone")}
          hint="Callers are sent here when your receptionist can't answer (+14155550123)."
        />
        <Select label="Timezone" value={form.timezone} onChange={update("timezone")} error={problem("timezone")} hint="Every time in the dashboard is shown in this zone.">
          {timezones(form.timezone).map((zone) => (
            <option key={zone}>{zone}</option>
          ))}
        </Select>
        {server.general && (
          <div className="sm:col-span-2">
            <Alert>{server.general}</Alert>
          </div>
        )}
        <div className="sm:col-span-2">
          <Button type="submit" pending={save.isPending} pendingLabel="Saving…">
            Save
          </Button>
        </div>
      </form>
    </Card>
  );
}

function PasswordForm() {
  const [form, setForm] = useState({ currentPassword: "", newPassword: "" });
  const toast = useToast();
  const local = useProblems();
  const change = useSingleFlightMutation({
    mutationFn: () => unwrap(client.auth.password.$post({ json: form })),
    onSuccess: () => {
      setForm({ currentPassword: "", newPassword: "" });
      toast("Password changed. Your other sessions are signed out.");
    },
  });
  const server = problemsFromError(change.error, ["currentPassword", "newPassword"]);
  const problem = (field: string) => local.problems[field] ?? server.fields[field];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!form.currentPassword) found.currentPassword = "Enter your current password.";
    if (form.newPassword.length < 8) found.newPassword = "Use at least 8 characters.";
    local.set(found);
    if (Object.keys(found).length === 0 && !change.isPending) change.mutate();
  };
  const update = (field: keyof typeof form) => (event: { target: { value: string } }) => {
    setForm((current) => ({ ...current, [field]: event.target.value }));
    local.clear(field);
  };
  return (
    <Card title="Password">
      <form onSubmit={submit} noValidate className="grid gap-4 sm:grid-cols-2">
        <Field label="Current password" type="password" autoComplete="current-password" value={form.currentPassword} onChange={update("currentPassword")} error={problem("currentPassword")} />
        <Field label="New password" type="password" autoComplete="new-password" value={form.newPassword} onChange={update("newPassword")} error={problem("newPassword")} hint="At least 8 characters." />
        {server.general && (
          <div className="sm:col-span-2">
            <Alert>{server.general}</Alert>
          </div>
        )}
        <div className="sm:col-span-2">
          <Button type="submit" pending={change.isPending} pendingLabel="Changing…">
            Change password
          </Button>
        </div>
      </form>
    </Card>
  );
}
