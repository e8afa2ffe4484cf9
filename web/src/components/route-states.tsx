/** What a screen shows when its route is unknown or its loader failed. */

import type { ErrorComponentProps } from "@tanstack/react-router";
import { Link } from "@tanstack/react-router";
import { Alert, buttonClass } from "./ui";

export function NotFound() {
  return (
    <main className="mx-auto max-w-md px-4 py-16 text-center">
      <h1 className="text-2xl font-bold">Page not found</h1>
      <p className="mt-2 text-slate-600">There is nothing at this address.</p>
      <Link to="/" className={buttonClass("primary", "mt-6")}>
        Go to the overview
      </Link>
    </main>
  );
}

export function RouteError({ error, reset }: ErrorComponentProps) {
  return (
    <main className="mx-auto max-w-md px-4 py-16">
      <Alert>
        <p className="font-medium">This page could not be loaded.</p>
        <p className="mt-1">{error instanceof Error ? error.message : "Unknown error"}</p>
      </Alert>
      <button type="button" className={buttonClass("secondary", "mt-4")} onClick={reset}>
        Try again
      </button>
    </main>
  );
}
