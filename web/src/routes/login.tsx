import { useQueryClient } from "@tanstack/react-query";
import { createLazyRoute, Link, useNavigate, useSearch } from "@tanstack/react-router";
import type { FormEvent } from "react";
import { AuthForm, EmailField, PasswordField } from "../components/auth-form";
import { AuthHeading } from "../components/auth-layout";
import { Alert, focusRing } from "../components/ui";
import { client, unwrap } from "../lib/api";
import { useFormValues } from "../lib/form-values";
import { EMAIL, problemsFromError } from "../lib/forms";
import { useSingleFlightMutation } from "../lib/mutation";
import { keys } from "../lib/queries";

export const Route = createLazyRoute("/auth/login")({ component: Login });

/** Only a path on this site: never an open redirect to another origin. */
export function safeNext(next: string | undefined): string {
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

function Login() {
  const search = useSearch({ from: "/auth/login" });
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useFormValues({ email: "", password: "" });
  const login = useSingleFlightMutation({
    mutationFn: (body: { email: string; password: string }) => unwrap(client.auth.login.$post({ json: body })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.me });
      await navigate({ href: safeNext(search.next) });
    },
  });
  const server = problemsFromError(login.error, ["email", "password"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { email, password } = form.values;
    const found: Record<string, string> = {};
    if (!EMAIL.test(email.trim())) found.email = "Enter your email address, like you@business.com.";
    if (!password) found.password = "Enter your password.";
    if (form.check(found) && !login.isPending) login.mutate({ email: email.trim(), password });
  };

  return (
    <>
      <AuthHeading title="Sign in" description="Run your AI receptionist." />
      {search.reason === "expired" && (
        <div className="mb-4">
          <Alert tone="info">Your session has ended. Sign in again to pick up where you were.</Alert>
        </div>
      )}
      {search.reason === "signed-out" && (
        <div className="mb-4">
          <Alert tone="info">You are signed out.</Alert>
        </div>
      )}
      <AuthForm onSubmit={submit} error={server.general} pending={login.isPending} pendingLabel="Signing in…" submitLabel="Sign in">
        <EmailField {...form.field("email")} error={form.problem("email", server)} />
        <PasswordField {...form.field("password")} error={form.problem("password", server)} />
      </AuthForm>
      <div className="mt-6 flex flex-wrap justify-between gap-2 text-sm">
        <Link to="/forgot-password" className={`text-indigo-700 underline ${focusRing}`}>
          Forgot your password?
        </Link>
        <Link to="/signup" className={`text-indigo-700 underline ${focusRing}`}>
          Create an account
        </Link>
      </div>
    </>
  );
}
