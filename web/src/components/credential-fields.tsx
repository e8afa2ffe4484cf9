/**
 * The e-mail and password inputs of the sign-in, sign-up, reset and settings forms: each with
 * the type and autocomplete a password manager needs, a default label, and Field's error and
 * hint wiring (aria-invalid, aria-describedby).
 */
import type { ComponentProps } from "react";
import { NEW_PASSWORD } from "../lib/form-values";
import { Field } from "./ui";

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
