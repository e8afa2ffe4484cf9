/** Loading, error (with retry) and empty states, the same on every list. */
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Alert, Button, Spinner } from "./ui";

export function QueryState<T>({
  query,
  isEmpty,
  empty,
  loadingLabel = "Loading…",
  children,
}: {
  query: UseQueryResult<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  loadingLabel?: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) {
    return (
      <div role="status" className="flex items-center gap-2 py-8 text-sm text-slate-600">
        <Spinner label={loadingLabel} />
      </div>
    );
  }
  if (query.isError) {
    return (
      <Alert>
        <p>{query.error instanceof Error ? query.error.message : "Could not load this."}</p>
        <Button variant="secondary" className="mt-2" onClick={() => query.refetch()} pending={query.isFetching}>
          Try again
        </Button>
      </Alert>
    );
  }
  if (isEmpty?.(query.data)) {
    return <div className="rounded-md border border-dashed border-slate-300 px-4 py-8 text-center text-sm text-slate-600">{empty}</div>;
  }
  return <>{children(query.data)}</>;
}
