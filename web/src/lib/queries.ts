/**
 * The server state the dashboard reads, as TanStack Query options: one key per resource so a
 * write invalidates exactly what it changed.
 */
import { type QueryClient, queryOptions } from "@tanstack/react-query";
import { client, unwrap } from "./api";

export const keys = {
  me: ["me"] as const,
  health: ["health"] as const,
  agents: ["agents"] as const,
  agent: (id: string) => ["agents", id] as const,
  voices: ["voices"] as const,
  phoneNumbers: ["phone-numbers"] as const,
  credits: ["credits"] as const,
  packs: ["packs"] as const,
  calls: ["calls"] as const,
  stats: ["stats"] as const,
  unanswered: ["unanswered"] as const,
  members: ["members"] as const,
  audit: ["audit"] as const,
  calendars: ["google-calendars"] as const,
  appointments: ["appointments"] as const,
};

export const meQuery = queryOptions({
  queryKey: keys.me,
  queryFn: () => unwrap(client.me.$get()),
  staleTime: 30_000,
});

type Me = Awaited<ReturnType<NonNullable<typeof meQuery.queryFn>>>;

/**
 * The user as a write answered it (sign-up, PATCH /api/me), kept in the cache with the rest of
 * /api/me (the setup checklist), which is then read again: the write may have ticked a step.
 */
export function rememberUser(queryClient: QueryClient, user: Partial<Me["user"]>) {
  queryClient.setQueryData<Me>(keys.me, (old) => ({ ...(old ?? { setup: { steps: [] } }), user: { ...old?.user, ...user } as Me["user"] }));
  void queryClient.invalidateQueries({ queryKey: keys.me });
}

export const healthQuery = queryOptions({
  queryKey: keys.health,
  queryFn: async () => {
    // 503 still says which mode the API is in; only the body matters here.
    const response = await client.health.$get();
    return (await response.json()) as { ok: boolean; db: string; mode: "production" | "development" | "sandbox" | "test" };
  },
  staleTime: Infinity,
});

export const agentsQuery = queryOptions({ queryKey: keys.agents, queryFn: () => unwrap(client.agents.$get()) });

export const agentQuery = (id: string) =>
  queryOptions({ queryKey: keys.agent(id), queryFn: () => unwrap(client.agents[":id"].$get({ param: { id } })) });

export const voicesQuery = queryOptions({ queryKey: keys.voices, queryFn: () => unwrap(client.voices.$get()), staleTime: Infinity });

/** The numbers other screens look up (which number answers an agent): the largest page, 100. */
export const phoneNumbersQuery = queryOptions({
  queryKey: keys.phoneNumbers,
  queryFn: () => unwrap(client["phone-numbers"].$get({ query: { limit: "100" } })),
});

/** One page of the numbers screen, oldest first; `nextCursor` opens the next. */
export const phoneNumbersPageQuery = (cursor?: string) =>
  queryOptions({
    queryKey: [...keys.phoneNumbers, "page", cursor ?? ""],
    queryFn: () => unwrap(client["phone-numbers"].$get({ query: { limit: "20", ...(cursor ? { cursor } : {}) } })),
  });

export const creditsQuery = (cursor?: string) =>
  queryOptions({
    queryKey: [...keys.credits, cursor ?? ""],
    queryFn: () => unwrap(client.credits.$get({ query: cursor ? { cursor } : {} })),
  });

export const packsQuery = queryOptions({ queryKey: keys.packs, queryFn: () => unwrap(client.billing.packs.$get()), staleTime: Infinity });

export type CallStatusFilter = "scheduled" | "queued" | "ringing" | "in-progress" | "forwarding" | "ended" | "refused";
export type CallFilters = { agentId?: string; status?: CallStatusFilter; from?: string; to?: string; followUp?: "open" | "done"; booked?: "true"; q?: string; cursor?: string };

const defined = <T extends Record<string, unknown>>(record: T) =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== "")) as Partial<T>;

export const callsQuery = (filters: CallFilters, refetchInterval?: number, enabled = true) =>
  queryOptions({
    queryKey: [...keys.calls, "list", filters],
    queryFn: () => unwrap(client.calls.$get({ query: { limit: "20", ...defined(filters) } })),
    refetchInterval,
    enabled,
  });

export const callQuery = (id: string) =>
  queryOptions({ queryKey: [...keys.calls, "detail", id], queryFn: () => unwrap(client.calls[":id"].$get({ param: { id } })) });

/** The last 30 days in the owner's timezone (the API's default range), quiet days as zeros. */
export const statsQuery = queryOptions({ queryKey: keys.stats, queryFn: () => unwrap(client.stats.$get({ query: {} })) });

export const unansweredQuery = queryOptions({
  queryKey: keys.unanswered,
  queryFn: () => unwrap(client.insights.unanswered.$get({ query: {} })),
});

/** The business's members and its invitations not yet accepted. */
export const membersQuery = queryOptions({ queryKey: keys.members, queryFn: () => unwrap(client.members.$get()) });

/** One page of the owner's audit list, newest first. */
export const auditQuery = (cursor?: string) =>
  queryOptions({
    queryKey: [...keys.audit, cursor ?? ""],
    queryFn: () => unwrap(client.audit.$get({ query: { limit: "50", ...(cursor ? { cursor } : {}) } })),
  });

/** The Google calendars the business's connection can see (a staff member's calendar is picked from them); not retried: a 409 means "connect Google". */
export const calendarsQuery = (enabled: boolean) =>
  queryOptions({ queryKey: keys.calendars, queryFn: () => unwrap(client.google.calendars.$get()), enabled, retry: false, staleTime: 60_000 });

export type AppointmentFilters = { agentId?: string; staffId?: string; status?: "booked" | "moved" | "cancelled" | "completed"; from?: string; to?: string; order?: "asc" | "desc"; cursor?: string };

/** One page of the business's bookings, by start time. */
export const appointmentsQuery = (filters: AppointmentFilters) =>
  queryOptions({
    queryKey: [...keys.appointments, filters],
    queryFn: () => unwrap(client.appointments.$get({ query: { limit: "25", ...defined(filters) } })),
  });

