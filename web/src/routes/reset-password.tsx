
import { createLazyRoute, Link, useSearch } from "@tanstack/react-router";
import type { FormEvent } from "react";
import { useState } from "react";
import { AuthHeading } from "../components/auth-layout";
import { Alert, Button, buttonClass, Field, focusRing } from "../components/ui";
import { client, unwrap } from "../lib/api";
import { problemsFromError, useProblems } from "../lib/forms";
import { useSingleFlightMutation } from "../lib/mutation";

export const Route = createLazyRoute("/auth/reset-password")({ component: ResetPassword });

function ResetPassword() {
  const { token } = useSearch({ from: "/auth/reset-password" });
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const local = useProblems();
  const confirm = useSingleFlightMutation({
    mutationFn: () => unwrap(client.auth["password-reset"].confirm.$post({ json: { token: token ?? "", newPassword: password } })),
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
    const found: Record<string, string> = {};
    if (password.length < 8) found.newPassword = "Use at least 8 characters.";
    else if (repeat !== password) found.repeat = "The two passwords are not the same.";
    local.set(found);
    if (Object.keys(found).length === 0 && !confirm.isPending) confirm.mutate();
  };

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
        <form onSubmit={submit} noValidate className="space-y-4">
          <Field
            label="New password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(event) => {
              setPassword(event.target.value);
              local.clear("newPassword");
            }}
            error={local.problems.newPassword ?? server.fields.newPassword}
            hint="At least 8 characters."
          />
          <Field
            label="Repeat the new password"
            type="password"
            autoComplete="new-password"
            value={repeat}
            onChange={(event) => {
              setRepeat(event.target.value);
              local.clear("repeat");
            }}
            error={local.problems.repeat}
          />
          {(server.fields.token || server.general) && (
            <Alert>
              {server.fields.token ?? server.general}{" "}
              <Link to="/forgot-password" className={`underline ${focusRing}`}>
                Ask for a new link
              </Link>
            </Alert>
          )}
          <Button type="submit" className="w-full" pending={confirm.isPending} pendingLabel="Saving…">
            Set new password
          </Button>
        </form>
      )}
    </>
  );
}
