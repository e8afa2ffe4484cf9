import { useQueryClient } from "@tanstack/react-query";
import { createLazyRoute, Link, useNavigate } from "@tanstack/react-router";
import type { FormEvent } from "react";
import { AuthForm, EmailField, NewPasswordField } from "../components/auth-form";
import { AuthHeading } from "../components/auth-layout";
import { Field, focusRing } from "../components/ui";
import { client, unwrap } from "../lib/api";
import { newPasswordProblem, useFormValues } from "../lib/form-values";
import { browserTimezone } from "../lib/format";
import { EMAIL, problemsFromError } from "../lib/forms";
import { useSingleFlightMutation } from "../lib/mutation";
import { rememberUser } from "../lib/queries";

export const Route = createLazyRoute("/auth/signup")({ component: Signup });

function Signup() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useFormValues({ name: "", email: "", password: "" });
  const timezone = browserTimezone();
  const signup = useSingleFlightMutation({
    mutationFn: ({ name, email, password }: typeof form.values) =>
      unwrap(client.auth.signup.$post({ json: { name: name.trim() || undefined, email: email.trim(), password, timezone } })),
    onSuccess: async (answer) => {
      rememberUser(queryClient, answer.user);
      await navigate({ to: "/onboarding", search: { step: undefined } });
    },
  });
  const server = problemsFromError(signup.error, ["name", "email", "password", "timezone"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { name, email, password } = form.values;
    const found: Record<string, string> = {};
    if (!EMAIL.test(email.trim())) found.email = "Enter a valid email address, like you@business.com.";
    const weak = newPasswordProblem(password);
    if (weak) found.password = weak;
    if (name.length > 100) found.name = "Use at most 100 characters.";
    if (form.check(found) && !signup.isPending) signup.mutate(form.values);
  };

  return (
    <>
      <AuthHeading title="Create your account" description="Your AI receptionist answers calls in a few minutes." />
      <AuthForm onSubmit={submit} error={server.general} pending={signup.isPending} pendingLabel="Creating your account…" submitLabel="Create account">
        <Field label="Your name" autoComplete="name" {...form.field("name")} error={form.problem("name", server)} />
        <EmailField {...form.field("email")} error={form.problem("email", server)} />
        <NewPasswordField label="Password" {...form.field("password")} error={form.problem("password", server)} />
        <p className="text-xs text-slate-500">Times will be shown in {timezone}. You can change this in Settings.</p>
      </AuthForm>
      <p className="mt-6 text-sm">
        Already have an account?{" "}
        <Link to="/login" search={{ next: undefined, reason: undefined }} className={`text-indigo-700 underline ${focusRing}`}>
          Sign in
        </Link>
      </p>
    </>
  );
}
