/**
 * Code-defined routes, each screen split into its own chunk (`.lazy`), so the first load is the
 * shell and the screen it opens. Screens behind `_app` need a session: without one the user is
 * sent to /login with `next` set to where they were, and comes back there after signing in.
 */
import type { QueryClient } from "@tanstack/react-query";
import { createRootRouteWithContext, createRoute, createRouter, Outlet, redirect } from "@tanstack/react-router";
import { AppLayout } from "./components/app-layout";
import { AuthLayout } from "./components/auth-layout";
import { NotFound, RouteError, ScreenError } from "./components/route-states";
import { isUnauthenticated } from "./lib/api";
import { keys, meQuery } from "./lib/queries";
import { type Area, allowed, roleFrom } from "./lib/role";

type Context = { queryClient: QueryClient };

/** A screen's search params: each named one a non-empty string or absent, anything else dropped. */
const searchOf =
  <Name extends string>(...names: Name[]) =>
  (search: Record<string, unknown>) =>
    Object.fromEntries(names.map((name) => [name, typeof search[name] === "string" && search[name] ? search[name] : undefined])) as Record<Name, string | undefined>;

const rootRoute = createRootRouteWithContext<Context>()({ component: Outlet, notFoundComponent: NotFound });

const authLayout = createRoute({ getParentRoute: () => rootRoute, id: "auth", component: AuthLayout });

const loginRoute = createRoute({
  getParentRoute: () => authLayout,
  path: "/login",
  validateSearch: searchOf("next", "reason"),
}).lazy(() => import("./routes/login").then((m) => m.Route));

const signupRoute = createRoute({ getParentRoute: () => authLayout, path: "/signup" }).lazy(() => import("./routes/signup").then((m) => m.Route));

const forgotRoute = createRoute({ getParentRoute: () => authLayout, path: "/forgot-password" }).lazy(() =>
  import("./routes/forgot-password").then((m) => m.Route),
);

const inviteRoute = createRoute({
  getParentRoute: () => authLayout,
  path: "/invite",
  validateSearch: searchOf("token"),
}).lazy(() => import("./routes/invite").then((m) => m.Route));

const resetRoute = createRoute({
  getParentRoute: () => authLayout,
  path: "/reset-password",
  validateSearch: searchOf("token"),
}).lazy(() => import("./routes/reset-password").then((m) => m.Route));

const appLayout = createRoute({
  getParentRoute: () => rootRoute,
  id: "app",
  component: AppLayout,
  errorComponent: RouteError,
  beforeLoad: async ({ context, location }) => {
    try {
      await context.queryClient.ensureQueryData(meQuery);
    } catch (error) {
      if (isUnauthenticated(error)) throw redirect({ to: "/login", search: { next: location.href, reason: undefined } });
      throw error;
    }
  },
});

const page = <P extends string>(path: P) => createRoute({ getParentRoute: () => appLayout, path });

/**
 * A screen only some roles may open (lib/role.ts): anyone else lands on the overview. The shell
 * loaded /api/me before this runs; the API refuses the same requests anyway.
 */
const onlyFor =
  (area: Area) =>
  ({ context }: { context: Context }) => {
    if (!allowed(roleFrom(context.queryClient.getQueryData(keys.me)), area)) throw redirect({ to: "/" });
  };

const overviewRoute = page("/").lazy(() => import("./routes/overview").then((m) => m.Route));
const onboardingRoute = createRoute({
  getParentRoute: () => appLayout,
  path: "/onboarding",
  beforeLoad: onlyFor("edit"),
  validateSearch: searchOf("step"),
}).lazy(() => import("./routes/onboarding").then((m) => m.Route));
const agentsRoute = createRoute({ getParentRoute: () => appLayout, path: "/agents", beforeLoad: onlyFor("agents") }).lazy(() =>
  import("./routes/agents").then((m) => m.Route),
);
const agentRoute = createRoute({ getParentRoute: () => appLayout, path: "/agents/$agentId", beforeLoad: onlyFor("edit") }).lazy(() =>
  import("./routes/agent").then((m) => m.Route),
);
const numbersRoute = createRoute({
  getParentRoute: () => appLayout,
  path: "/numbers",
  beforeLoad: onlyFor("numbers"),
  validateSearch: searchOf("cursor"),
}).lazy(() => import("./routes/numbers").then((m) => m.Route));
const callsRoute = createRoute({
  getParentRoute: () => appLayout,
  path: "/calls",
  validateSearch: searchOf("agentId", "status", "from", "to", "followUp", "booked", "q", "cursor"),
}).lazy(() => import("./routes/calls").then((m) => m.Route));
const textsRoute = createRoute({
  getParentRoute: () => appLayout,
  path: "/texts",
  validateSearch: searchOf("number"),
}).lazy(() => import("./routes/texts").then((m) => m.Route));
const appointmentsRoute = createRoute({
  getParentRoute: () => appLayout,
  path: "/appointments",
  validateSearch: searchOf("view", "date", "agentId", "staffId", "status", "cursor"),
}).lazy(() => import("./routes/appointments").then((m) => m.Route));
const callRoute = page("/calls/$callId").lazy(() => import("./routes/call").then((m) => m.Route));
const billingRoute = createRoute({
  getParentRoute: () => appLayout,
  path: "/billing",
  beforeLoad: onlyFor("billing"),
  validateSearch: searchOf("checkout", "cursor"),
}).lazy(() => import("./routes/billing").then((m) => m.Route));
const integrationsRoute = createRoute({
  getParentRoute: () => appLayout,
  path: "/integrations",
  beforeLoad: onlyFor("integrations"),
  validateSearch: searchOf("google", "reason"),
}).lazy(() => import("./routes/integrations").then((m) => m.Route));
const settingsRoute = page("/settings").lazy(() => import("./routes/settings").then((m) => m.Route));
const membersRoute = createRoute({ getParentRoute: () => appLayout, path: "/members", beforeLoad: onlyFor("members") }).lazy(() =>
  import("./routes/members").then((m) => m.Route),
);
const auditRoute = createRoute({
  getParentRoute: () => appLayout,
  path: "/audit",
  beforeLoad: onlyFor("audit"),
  validateSearch: searchOf("cursor"),
}).lazy(() => import("./routes/audit").then((m) => m.Route));

const routeTree = rootRoute.addChildren([
  authLayout.addChildren([loginRoute, signupRoute, forgotRoute, resetRoute, inviteRoute]),
  appLayout.addChildren([
    overviewRoute,
    onboardingRoute,
    agentsRoute,
    agentRoute,
    numbersRoute,
    callsRoute,
    callRoute,
    appointmentsRoute,
    textsRoute,
    billingRoute,
    integrationsRoute,
    settingsRoute,
    membersRoute,
    auditRoute,
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  // A screen that fails (its script did not download, say) shows its error inside the shell: the menu stays.
  return createRouter({ routeTree, context: { queryClient }, defaultPreload: "intent", defaultPendingMs: 300, defaultErrorComponent: ScreenError });
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
