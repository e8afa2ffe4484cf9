/** What a screen shows when its route is unknown or its loader failed (the whole app, or one screen inside the shell). */

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

/** A screen's script that could not be fetched (offline, or a deploy replaced it): only a reload helps. */
function isChunkLoadError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /dynamically imported module|Importing a module script failed|Loading (CSS )?chunk|module script/i.test(message);
}

/**
 * One screen failed: shown where the screen would be, so the menu and the rest of the shell stay
 * and the owner can go elsewhere. A script that did not load offers a reload, not its raw message.
 */
export function ScreenError({ error, reset }: ErrorComponentProps) {
  const chunk = isChunkLoadError(error);
  return (
    <div className="mx-auto max-w-xl py-8">
      <Alert>
        <p className="font-medium">This page could not be loaded.</p>
        <p className="mt-1">
          {chunk
            ? "Part of Agentline did not download: check your connection (or a new version was just released), then reload the page."
            : error instanceof Error
              ? error.message
              : "Unknown error"}
        </p>
      </Alert>
      {chunk ? (
        <button type="button" className={buttonClass("primary", "mt-4")} onClick={() => window.location.reload()}>
          Reload the page
        </button>
      ) : (
        <button type="button" className={buttonClass("secondary", "mt-4")} onClick={reset}>
          Try again
        </button>
      )}
    </div>
  );
}
