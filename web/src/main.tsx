/**
 * The dashboard's entry: one QueryClient for all server state, one router. Any request that
 * finds the session gone (401 unauthenticated) sends the user to /login and back afterwards.
 */
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Toaster } from "./components/toaster";
import { ApiError, isUnauthenticated } from "./lib/api";
import { keys } from "./lib/queries";
import { createAppRouter } from "./router";
import "./styles.css";

function onSessionLost(error: unknown) {
  if (!isUnauthenticated(error)) return;
  // Never signed in here (a first visit): the route guard sends them to log in, without "expired".
  if (!queryClient.getQueryData(keys.me)) return;
  const here = router.state.location;
  if (["/login", "/signup", "/forgot-password", "/reset-password"].includes(here.pathname)) return;
  queryClient.clear();
  void router.navigate({ to: "/login", search: { next: here.href, reason: "expired" } });
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onSessionLost }),
  mutationCache: new MutationCache({ onError: onSessionLost }),
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // A 4xx will not get better by asking again; network trouble and 5xx might.
      retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
    },
  },
});
const router = createAppRouter(queryClient);

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <Toaster>
        <RouterProvider router={router} />
      </Toaster>
    </QueryClientProvider>
  </StrictMode>,
);
