/**
 * TanStack Query's useMutation with a synchronous single-flight guard: `isPending` (and the
 * button's `disabled`) only show after a re-render, so two clicks in one frame (a double click,
 * a double Enter) would otherwise send two requests: two numbers bought, two checkouts, a
 * second sign-up answered "email taken". While one call is in flight, `mutate` does nothing.
 */

import type { UseMutationOptions } from "@tanstack/react-query";
import { useMutation } from "@tanstack/react-query";
import { useCallback, useRef } from "react";

export function useSingleFlightMutation<TData, TVariables = void>(options: UseMutationOptions<TData, Error, TVariables>) {
  const mutation = useMutation(options);
  const inFlight = useRef(false);
  const { mutateAsync } = mutation;
  const mutate = useCallback(
    (variables: TVariables) => {
      if (inFlight.current) return;
      inFlight.current = true;
      mutateAsync(variables)
        .catch(() => undefined) // the error is on `mutation.error`, shown by the form
        .finally(() => {
          inFlight.current = false;
        });
    },
    [mutateAsync],
  );
  return { ...mutation, mutate };
}
