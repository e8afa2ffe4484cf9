/**
 * The signed-in shell: navigation (a row on phones, a sidebar from md up) showing only what the
 * person's role may open (lib/role.ts), the business switcher for someone in several
 * businesses, the sandbox badge and sign-out.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, Outlet, useNavigate } from "@tanstack/react-router";
import { client, unwrap } from "../lib/api";
import { useSingleFlightMutation } from "../lib/mutation";
import { meQuery } from "../lib/queries";
import { type Area, allowed, roleFrom } from "../lib/role";
import { BusinessSwitcher } from "./business-switcher";
import { SandboxBadge } from "./sandbox-badge";
import { Button, focusRing } from "./ui";

const NAV = [
  { to: "/", label: "Overview", area: "overview" },
  { to: "/agents", label: "Receptionists", area: "agents" },
  { to: "/numbers", label: "Phone numbers", area: "numbers" },
  { to: "/calls", label: "Calls", area: "calls" },
  // Bookings are every role's business: staff see and change appointments (docs §7c).
  { to: "/appointments", label: "Appointments", area: "calls" },
  // Texts are calls' business: whoever sees calls sees texts (docs §7c).
  { to: "/texts", label: "Texts", area: "calls" },
  { to: "/billing", label: "Credits", area: "billing" },
  { to: "/integrations", label: "Integrations", area: "integrations" },
  { to: "/members", label: "Members", area: "members" },
  { to: "/audit", label: "Audit", area: "audit" },
  { to: "/settings", label: "Settings", area: "settings" },
] as const satisfies readonly { to: string; label: string; area: Area }[];

export function AppLayout() {
  const me = useQuery(meQuery);
  const role = roleFrom(me.data);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const logout = useSingleFlightMutation({
    mutationFn: () => unwrap(client.auth.logout.$post()),
    onSettled: () => {
      queryClient.clear();
      void navigate({ to: "/login", search: { next: undefined, reason: "signed-out" } });
    },
  });
  return (
    <div className="min-h-screen md:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <aside className="border-b border-slate-200 bg-white md:sticky md:top-0 md:flex md:h-screen md:w-60 md:shrink-0 md:flex-col md:border-r md:border-b-0">
        <div className="flex items-center justify-between gap-2 px-4 py-3 md:py-5">
          <Link to="/" className={`text-lg font-bold tracking-tight text-indigo-700 ${focusRing}`}>
            Agentline
          </Link>
          <SandboxBadge />
        </div>
        <BusinessSwitcher />
        <nav aria-label="Main" className="px-2 pb-2 md:flex-1 md:pb-0">
          <ul className="flex flex-wrap gap-1 md:flex-col md:flex-nowrap">
            {NAV.filter((item) => allowed(role, item.area)).map((item) => (
              <li key={item.to}>
                <Link
                  to={item.to}
                  activeOptions={{ exact: item.to === "/" }}
                  className={`block rounded-md px-3 py-2 text-sm whitespace-nowrap text-slate-700 hover:bg-slate-100 data-[status=active]:bg-indigo-50 data-[status=active]:font-semibold data-[status=active]:text-indigo-800 ${focusRing}`}
                >
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="hidden border-t border-slate-200 p-4 text-sm md:block">
          <p className="truncate font-medium" title={me.data?.user.email}>
            {me.data?.user.name ?? me.data?.user.email}
          </p>
          <p className="truncate text-slate-500">{me.data?.user.email}</p>
          <Button variant="secondary" className="mt-3 w-full" pending={logout.isPending} onClick={() => logout.mutate()}>
            Sign out
          </Button>
        </div>
      </aside>
      <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-6 sm:px-6 md:py-10">
        <Outlet />
        <div className="mt-10 border-t border-slate-200 pt-4 md:hidden">
          <Button variant="secondary" className="w-full" pending={logout.isPending} onClick={() => logout.mutate()}>
            Sign out
          </Button>
        </div>
      </main>
    </div>
  );
}
