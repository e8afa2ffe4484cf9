import { useQueryClient } from "@tanstack/react-query";
import { createLazyRoute, Link, useNavigate } from "@tanstack/react-router";
import type { FormEvent } from "react";
import { useState } from "react";
import { AuthHeading } from "../components/auth-layout";
import { Alert, Button, Field, focusRing } from "../components/ui";
import { client, unwrap } from "../lib/api";
import { browserTimezone } from "../lib/format";
import { EMAIL, problemsFromError, useProblems } from "../lib/forms";
import { useSingleFlightMutation } from "../lib/mutation";
import { keys } from "../lib/queries";

export const Route = createLazyRoute("/auth/signup")({ component: Signup });

function Signup() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ name: "", email: "", password: "" });
  const timezone = browserTimezone();
  const local = useProblems();
  const signup = useSingleFlightMutation({
    mutationFn: () =>
      unwrap(client.auth.signup.$post({ json: { name: form.name.trim() || undefined, email: form.email.trim(), password: form.password, timezone } })),
    onSuccess: async (answer) => {
      queryClient.setQueryData(keys.me, answer);
      await navigate({ to: "/onboarding", search: { step: undefined } });
    },
  });
  const server = problemsFromError(signup.error, ["name", "email", "password", "timezone"]);
  const problem = (field: string) => local.problems[field] ?? server.fields[field];
  const update = (field: keyof typeof form) => (event: { target: { value: string } }) => {
    setForm((current) => ({ ...current, [field]: event.target.value }));
    local.clear(field);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!EMAIL.test(form.email.trim())) found.email = "Enter a valid email address, like you@business.com.";
    if (form.password.length < 8) found.password = "Use at least 8 characters.";
    if (form.name.length > 100) found.name = "Use at most 100 characters.";
    local.set(found);
    if (Object.keys(found).length === 0 && !signup.isPending) signup.mutate();
  };

  return (
    <>
      <AuthHeading title="Create your account" description="Your AI receptionist answers calls in a few minutes." />
      <form onSubmit={submit} noValidate className="space-y-4">
        <Field label="Your name" autoComplete="name" value={form.name} onChange={update("name")} error={problem("name")} />
        <Field label="Email" type="email" autoComplete="email" value={form.email} onChange={update("email")} error={problem("email")} />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          value={form.password}
          onChange={update("password")}
          error={problem("password")}
          hint="At least 8 characters."
        />
        <p className="text-xs text-slate-500">Times will be shown in {timezone}. You can change this in Settings.</p>
        {server.general && <Alert>{server.general}</Alert>}
        <Button type="submit" className="w-full" pending={signup.isPending} pendingLabel="Creating your account…">
          Create account
        </Button>
      </form>
      <p className="mt-6 text-sm">
        Already have an account?{" "}
        <Link to="/login" search={{ next: undefined, reason: undefined }} className={`text-indigo-700 underline ${focusRing}`}>
          Sign in
        </Link>
      </p>
    </>
  );
}
