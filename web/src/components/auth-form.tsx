/**
 * The pieces of the sign-in, sign-up and password forms. The e-mail and password inputs (also
 * in Settings) each have the type and autocomplete a password manager needs, a default label,
 * and Field's error and hint wiring (aria-invalid, aria-describedby). AuthForm is the form of
 * every auth screen.
 */
import type { ComponentProps, FormEvent, ReactNode } from "react";
import { NEW_PASSWORD } from "../lib/form-values";
import { Alert, Button, Field } from "./ui";

/** An auth screen's form: its fields, the API's error that names no field, then one full-width submit button. */
export function AuthForm({
  onSubmit,
  error,
  pending,
  pendingLabel,
  submitLabel,
  children,
}: {
  onSubmit: (event: FormEvent) => void;
  error: ReactNode;
  pending: boolean;
  pendingLabel: string;
  submitLabel: string;
  children: ReactNode;
}) {
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {children}
      {error && <Alert>{error}</Alert>}
      <Button type="submit" className="w-full" pending={pending} pendingLabel={pendingLabel}>
        {submitLabel}
      </Button>
    </form>
  );
}

type CredentialFieldProps = Omit<ComponentProps<typeof Field>, "type" | "autoComplete" | "label"> & { label?: string };

export function EmailField({ label = "Email", ...rest }: CredentialFieldProps) {
  return <Field label={label} type="email" autoComplete="email" {...rest} />;
}

/** The password the user has now: a password manager fills it in. */
export function PasswordField({ label = "Password", ...rest }: CredentialFieldProps) {
  return <Field label={label} type="password" autoComplete="current-password" {...rest} />;
}

/**
 * A password being chosen: a password manager offers to generate one, and the hint gives the
 * API's rule. `repeat` is the confirming field: it has no hint of its own.
 */
export function NewPasswordField({ label = "New password", repeat = false, ...rest }: CredentialFieldProps & { repeat?: boolean }) {
  return <Field label={label} type="password" autoComplete="new-password" hint={repeat ? undefined : NEW_PASSWORD.hint} {...rest} />;
}
