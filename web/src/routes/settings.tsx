/** Settings: name, the owner's phone (callers' fallback), timezone, the password, and (owners) the business's data: export it, or delete the business. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createLazyRoute } from "@tanstack/react-router";
import { type FormEvent, type ReactNode, useState } from "react";
import { NewPasswordField, PasswordField } from "../components/auth-form";
import { LeaveBusiness } from "../components/leave-business";
import { QueryState } from "../components/query-state";
import { useToast } from "../components/toaster";
import { Alert, Button, buttonClass, Card, Field, PageHeader, Select } from "../components/ui";
import { client, unwrap } from "../lib/api";
import { newPasswordProblem, useFormValues } from "../lib/form-values";
import { timezones } from "../lib/format";
import { E164, problemsFromError } from "../lib/forms";
import { useSingleFlightMutation } from "../lib/mutation";
import { meQuery, rememberUser } from "../lib/queries";
import { allowed, useRole } from "../lib/role";

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
        <Membership />
        <QueryState query={me}>{(data) => <DataRights business={currentBusiness(data)} />}</QueryState>
      </div>
    </>
  );
}

/** Someone who is not an owner leaves from here (owners leave from the Members page, where the other owners are). */
function Membership() {
  const me = useQuery(meQuery);
  const role = useRole();
  if (role === "owner" || !me.data) return null;
  return (
    <Card title="This business">
      <p className="mb-4 text-sm text-slate-600">You are {role === "admin" ? "an admin" : "staff"} here.</p>
      <LeaveBusiness userId={me.data.user.id} />
    </Card>
  );
}

function Profile({ user }: { user: User }) {
  const form = useFormValues({ name: user.name ?? "", phone: user.phone ?? "", timezone: user.timezone });
  // The phone is the business's: staff may not change it, so their form neither shows nor sends it.
  const phoneAllowed = allowed(useRole(), "edit");
  const queryClient = useQueryClient();
  const toast = useToast();
  const save = useSingleFlightMutation({
    mutationFn: ({ name, phone, timezone }: typeof form.values) => unwrap(client.me.$patch({ json: { name: name.trim() || null, timezone, ...(phoneAllowed ? { phone: phone.trim() || null } : {}) } })),
    onSuccess: async (answer) => {
      rememberUser(queryClient, answer.user);
      toast("Settings saved.");
    },
  });
  const server = problemsFromError(save.error, ["name", "phone", "timezone"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { name, phone } = form.values;
    const found: Record<string, string> = {};
    if (name.length > 100) found.name = "Use at most 100 characters.";
    if (phone.trim() && !E164.test(phone.trim())) found.phone = "Use the international format, like +14155550123.";
    if (form.check(found) && !save.isPending) save.mutate(form.values);
  };
  return (
    <Card title="Your details">
      <form onSubmit={submit} noValidate className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" autoComplete="name" {...form.field("name")} error={form.problem("name", server)} />
        {/* Not a field: the address cannot be changed here, so it does not look as if it could. */}
        <div className="space-y-1">
          <p className="block text-sm font-medium text-slate-700">Email</p>
          <p className="py-2 font-medium break-all text-slate-900" data-testid="settings-email">
            {user.email}
          </p>
          <p className="text-xs text-slate-500">Your sign-in address. It can't be changed here.</p>
        </div>
        {phoneAllowed && (
          <Field
            label="Your phone"
            type="tel"
            autoComplete="tel"
            {...form.field("phone")}
            error={form.problem("phone", server)}
            hint="Callers are sent here when your receptionist can't answer (+14155550123)."
          />
        )}
        <Select label="Timezone" {...form.field("timezone")} error={form.problem("timezone", server)} hint="Every time in the dashboard is shown in this zone.">
          {timezones(form.values.timezone).map((zone) => (
            <option key={zone}>{zone}</option>
          ))}
        </Select>
        <FormEnd error={server.general}>
          <Button type="submit" pending={save.isPending} pendingLabel="Saving…">
            Save
          </Button>
        </FormEnd>
      </form>
    </Card>
  );
}

function PasswordForm() {
  const form = useFormValues({ currentPassword: "", newPassword: "" });
  const toast = useToast();
  const change = useSingleFlightMutation({
    mutationFn: (passwords: typeof form.values) => unwrap(client.auth.password.$post({ json: passwords })),
    onSuccess: () => {
      form.reset();
      toast("Password changed. Your other sessions are signed out.");
    },
  });
  const server = problemsFromError(change.error, ["currentPassword", "newPassword"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { currentPassword, newPassword } = form.values;
    const found: Record<string, string> = {};
    if (!currentPassword) found.currentPassword = "Enter your current password.";
    const weak = newPasswordProblem(newPassword);
    if (weak) found.newPassword = weak;
    if (form.check(found) && !change.isPending) change.mutate(form.values);
  };
  return (
    <Card title="Password">
      <form onSubmit={submit} noValidate className="grid gap-4 sm:grid-cols-2">
        <PasswordField label="Current password" {...form.field("currentPassword")} error={form.problem("currentPassword", server)} />
        <NewPasswordField {...form.field("newPassword")} error={form.problem("newPassword", server)} />
        <FormEnd error={server.general}>
          <Button type="submit" pending={change.isPending} pendingLabel="Changing…">
            Change password
          </Button>
        </FormEnd>
      </form>
    </Card>
  );
}

/** The business the person works in now (GET /api/me), if any. */
function currentBusiness(data: { user: { business?: { name: string; role: string } | null } }): { name: string; role: string } | undefined {
  return data.user.business ?? undefined;
}

/** Owners only: the export download and the danger zone (the API refuses everyone else too). */
function DataRights({ business }: { business: { name: string; role: string } | undefined }) {
  if (business?.role !== "owner") return null;
  return (
    <>
      <Card title="Export my data">
        <p className="text-sm text-slate-600">
          Download everything of this business as one file: agents, numbers, every call with its transcript and summary, bookings, the credit ledger, payments and the Google
          connection (never passwords or tokens). One JSON record per line; the last line says it is complete. Up to three exports an hour.
        </p>
        <a href="/api/export" download className={`mt-4 ${buttonClass("secondary")}`}>
          Export my data
        </a>
      </Card>
      <DeleteBusiness name={business.name} />
    </>
  );
}

function DeleteBusiness({ name }: { name: string }) {
  const [confirm, setConfirm] = useState("");
  const toast = useToast();
  const remove = useSingleFlightMutation({
    mutationFn: (typed: string) => unwrap(client.business.$delete({ json: { confirm: typed } })),
    onSuccess: () => {
      toast("The business is being deleted.");
      window.location.assign("/");
    },
  });
  const server = problemsFromError(remove.error, ["confirm"]);
  const matches = confirm === name;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (matches && !remove.isPending) remove.mutate(confirm);
  };
  return (
    <Card title="Delete this business">
      <div className="space-y-3 text-sm text-slate-700">
        <p className="font-medium text-red-700">This cannot be undone. Export your data first if you want to keep it.</p>
        <ul className="list-disc space-y-1 pl-5">
          <li>Your phone numbers are released and your receptionists deleted: callers get no answer from then on.</li>
          <li>Google is disconnected (our access is revoked); events already in your calendar stay there.</li>
          <li>Transcripts, recordings, summaries, callers' numbers and bookings are deleted, here and at our voice provider.</li>
          <li>Every member loses access; a member who belongs to no other business has their account deleted.</li>
          <li>Unused credits are not refunded. The credit ledger and payment records are kept, without personal details, because the law requires us to keep our books.</li>
        </ul>
      </div>
      <form onSubmit={submit} noValidate className="mt-4 grid gap-4 sm:grid-cols-2">
        <Field
          label={`Type "${name}" to confirm`}
          autoComplete="off"
          value={confirm}
          onChange={(event) => setConfirm(event.target.value)}
          error={server.fields.confirm}
        />
        <FormEnd error={server.general}>
          <Button type="submit" variant="danger" disabled={!matches} pending={remove.isPending} pendingLabel="Deleting…">
            Delete this business
          </Button>
        </FormEnd>
      </form>
    </Card>
  );
}

/** The last row of a two-column settings form: the API's error that names no field, then the submit button. */
function FormEnd({ error, children }: { error: string | undefined; children: ReactNode }) {
  return (
    <>
      {error && (
        <div className="sm:col-span-2">
          <Alert>{error}</Alert>
        </div>
      )}
      <div className="sm:col-span-2">{children}</div>
    </>
  );
}
