
import { createLazyRoute, Link } from "@tanstack/react-router";
import type { FormEvent } from "react";
import { AuthForm, EmailField } from "../components/auth-form";
import { AuthHeading } from "../components/auth-layout";
import { Alert, focusRing } from "../components/ui";
import { client, unwrap } from "../lib/api";
import { useFormValues } from "../lib/form-values";
import { EMAIL, problemsFromError } from "../lib/forms";
import { useSingleFlightMutation } from "../lib/mutation";

export const Route = createLazyRoute("/auth/forgot-password")({ component: ForgotPassword });

function ForgotPassword() {
  const form = useFormValues({ email: "" });
  const email = form.values.email;
  const request = useSingleFlightMutation({ mutationFn: () => unwrap(client.auth["password-reset"].$post({ json: { email: email.trim() } })) });
  const server = problemsFromError(request.error, ["email"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!EMAIL.test(email.trim())) found.email = "Enter the email address of your account.";
    if (form.check(found) && !request.isPending) request.mutate();
  };

  return (
    <>
      <AuthHeading title="Reset your password" description="We'll e-mail you a link to choose a new one." />
      {request.isSuccess ? (
        <Alert tone="success">If {email.trim()} has an account, a reset link is on its way. It works once, for a limited time.</Alert>
      ) : (
        <AuthForm onSubmit={submit} error={server.general} pending={request.isPending} pendingLabel="Sending…" submitLabel="Send reset link">
          <EmailField {...form.field("email")} error={form.problem("email", server)} />
        </AuthForm>
      )}
      <p className="mt-6 text-sm">
        <Link to="/login" search={{ next: undefined, reason: undefined }} className={`text-indigo-700 underline ${focusRing}`}>
          Back to sign in
        </Link>
      </p>
    </>
  );
}
