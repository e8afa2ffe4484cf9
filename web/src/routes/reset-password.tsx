
import { createLazyRoute, Link, useSearch } from "@tanstack/react-router";
import type { FormEvent } from "react";
import { AuthForm, NewPasswordField } from "../components/auth-form";
import { AuthHeading } from "../components/auth-layout";
import { Alert, buttonClass, focusRing } from "../components/ui";
import { client, unwrap } from "../lib/api";
import { newPasswordProblem, useFormValues } from "../lib/form-values";
import { problemsFromError } from "../lib/forms";
import { useSingleFlightMutation } from "../lib/mutation";

export const Route = createLazyRoute("/auth/reset-password")({ component: ResetPassword });

function ResetPassword() {
  const { token } = useSearch({ from: "/auth/reset-password" });
  const form = useFormValues({ newPassword: "", repeat: "" });
  const confirm = useSingleFlightMutation({
    mutationFn: () => unwrap(client.auth["password-reset"].confirm.$post({ json: { token: token ?? "", newPassword: form.values.newPassword } })),
  });
  const server = problemsFromError(confirm.error, ["newPassword", "token"]);

  if (!token) {
    return (
      <>
        <AuthHeading title="Choose a new password" />
        <Alert>This page needs the link from the reset e-mail. Ask for a new one if you no longer have it.</Alert>
        <Link to="/forgot-password" className={buttonClass("primary", "mt-4 w-full")}>
          Ask for a reset link
        </Link>
      </>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { newPassword, repeat } = form.values;
    const found: Record<string, string> = {};
    const weak = newPasswordProblem(newPassword);
    if (weak) found.newPassword = weak;
    else if (repeat !== newPassword) found.repeat = "The two passwords are not the same.";
    if (form.check(found) && !confirm.isPending) confirm.mutate();
  };

  // A spent or expired link, in words, with the way to a new one.
  const linkProblem = (server.fields.token || server.general) && (
    <>
      {server.fields.token ?? server.general}{" "}
      <Link to="/forgot-password" className={`underline ${focusRing}`}>
        Ask for a new link
      </Link>
    </>
  );

  return (
    <>
      <AuthHeading title="Choose a new password" />
      {confirm.isSuccess ? (
        <>
          <Alert tone="success">Your password is changed, and every other session is signed out.</Alert>
          <Link to="/login" search={{ next: undefined, reason: undefined }} className={buttonClass("primary", "mt-4 w-full")}>
            Sign in
          </Link>
        </>
      ) : (
        <AuthForm onSubmit={submit} error={linkProblem} pending={confirm.isPending} pendingLabel="Saving…" submitLabel="Set new password">
          <NewPasswordField {...form.field("newPassword")} error={form.problem("newPassword", server)} />
          <NewPasswordField label="Repeat the new password" repeat {...form.field("repeat")} error={form.problems.repeat} />
        </AuthForm>
      )}
    </>
  );
}
