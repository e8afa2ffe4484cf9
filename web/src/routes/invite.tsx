/**
 * Accepting an invitation (`/invite?token=` from the e-mail): which business, who invited and
 * as what; then, as the API says fits, join at once (signed in as the invitee already), sign in
 * with the account's password, or create the account with a name and a password. Then the
 * dashboard opens in that business.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createLazyRoute, Link, useNavigate, useSearch } from "@tanstack/react-router";
import type { FormEvent } from "react";
import { AuthForm, NewPasswordField, PasswordField } from "../components/auth-form";
import { AuthHeading } from "../components/auth-layout";
import { Alert, Button, buttonClass, Field, Spinner } from "../components/ui";
import { client, unwrap } from "../lib/api";
import { NEW_PASSWORD, useFormValues } from "../lib/form-values";
import { problemsFromError } from "../lib/forms";
import { useSingleFlightMutation } from "../lib/mutation";
import { meQuery } from "../lib/queries";

export const Route = createLazyRoute("/auth/invite")({ component: Invite });

const ROLE_WORDS = { owner: "an owner", admin: "an admin", staff: "staff" } as const;

function Invite() {
  const { token } = useSearch({ from: "/auth/invite" });
  const invitation = useQuery({
    queryKey: ["invitation", token ?? ""],
    queryFn: () => unwrap(client.invitations.lookup.$post({ json: { token: token ?? "" } })),
    enabled: Boolean(token),
    retry: false,
    staleTime: Infinity,
  });
  const me = useQuery({ ...meQuery, retry: false });

  if (!token) {
    return (
      <>
        <AuthHeading title="Join a business" />
        <Alert>This page needs the link from the invitation e-mail. Ask whoever invited you to send a new one.</Alert>
      </>
    );
  }
  if (invitation.isPending) {
    return (
      <div role="status" className="py-8 text-sm text-slate-600">
        <Spinner label="Opening your invitation…" />
      </div>
    );
  }
  if (invitation.isError) {
    return (
      <>
        <AuthHeading title="Join a business" />
        <Alert>{invitation.error.message}</Alert>
        <Link to="/login" search={{ next: undefined, reason: undefined }} className={buttonClass("secondary", "mt-4 w-full")}>
          Sign in
        </Link>
      </>
    );
  }
  const { invitation: found } = invitation.data;
  const signedInAsInvitee = me.data?.user.email === found.email;
  return (
    <>
      <AuthHeading
        title={`Join ${found.business.name}`}
        description={`${found.invitedBy ?? "The owner"} invited ${found.email} to work here as ${ROLE_WORDS[found.role]}.`}
      />
      <AcceptForm token={token} mode={signedInAsInvitee ? "signed-in" : found.accountExists ? "sign-in" : "sign-up"} email={found.email} />
    </>
  );
}

function AcceptForm({ token, mode, email }: { token: string; mode: "signed-in" | "sign-in" | "sign-up"; email: string }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const form = useFormValues({ name: "", password: "" });
  const accept = useSingleFlightMutation({
    mutationFn: (body: { token: string; password?: string; name?: string }) => unwrap(client.invitations.accept.$post({ json: body })),
    onSuccess: async () => {
      // Everything cached was another business's, or no one's.
      queryClient.clear();
      await navigate({ to: "/" });
    },
  });
  const server = problemsFromError(accept.error, ["name", "password", "token"]);
  const general = server.fields.token ?? server.general;

  if (mode === "signed-in") {
    return (
      <div className="space-y-4">
        <p className="text-sm text-slate-600">You are signed in as {email}.</p>
        {general && <Alert>{general}</Alert>}
        <Button className="w-full" pending={accept.isPending} pendingLabel="Joining…" onClick={() => accept.mutate({ token })}>
          Join
        </Button>
      </div>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { name, password } = form.values;
    const found: Record<string, string> = {};
    if (mode === "sign-up" && password.length < NEW_PASSWORD.min) found.password = NEW_PASSWORD.tooShort;
    if (mode === "sign-in" && !password) found.password = "Enter the password of your Agentline account.";
    if (name.length > 100) found.name = "Use at most 100 characters.";
    if (form.check(found) && !accept.isPending) accept.mutate({ token, password, ...(mode === "sign-up" && name.trim() ? { name: name.trim() } : {}) });
  };

  return (
    <AuthForm
      onSubmit={submit}
      error={general}
      pending={accept.isPending}
      pendingLabel="Joining…"
      submitLabel={mode === "sign-up" ? "Create account and join" : "Sign in and join"}
    >
      <Field label="Email" value={email} readOnly disabled />
      {mode === "sign-up" ? (
        <>
          <Field label="Your name" autoComplete="name" {...form.field("name")} error={form.problem("name", server)} />
          <NewPasswordField label="Choose a password" {...form.field("password")} error={form.problem("password", server)} />
        </>
      ) : (
        <PasswordField {...form.field("password")} error={form.problem("password", server)} />
      )}
    </AuthForm>
  );
}
