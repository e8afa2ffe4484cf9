/**
 * The business switcher (docs/architecture.md §7c): shown to someone who belongs to more than
 * one business. Choosing one asks the API to make it the session's current business
 * (`POST /api/session/business`), then drops every cached answer, since each was the other
 * business's, and opens the overview.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { ApiError, readError } from "../lib/api";
import { useSingleFlightMutation } from "../lib/mutation";
import { meQuery } from "../lib/queries";
import { businessesFrom } from "../lib/role";
import { Select } from "./ui";

const ROLE_WORDS = { owner: "owner", admin: "admin", staff: "staff" } as const;

/** Raw fetch: the endpoint belongs to the session routes, which the typed client may not know yet. */
async function switchBusiness(businessId: string) {
  let response: Response;
  try {
    response = await fetch("/api/session/business", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ businessId }),
    });
  } catch {
    throw new ApiError(0, "network_error", "Could not reach Agentline. Check your connection and try again.");
  }
  if (!response.ok) throw await readError(response);
}

export function BusinessSwitcher() {
  const me = useQuery(meQuery);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { current, list } = businessesFrom(me.data);
  const change = useSingleFlightMutation({
    mutationFn: switchBusiness,
    onSuccess: async () => {
      queryClient.clear();
      await queryClient.fetchQuery(meQuery);
      await navigate({ to: "/" });
    },
  });
  if (list.length < 2) return null;
  return (
    <div className="px-4 pb-3">
      <Select
        label="Business"
        value={current ?? list[0]?.id ?? ""}
        disabled={change.isPending}
        onChange={(event) => change.mutate(event.target.value)}
        error={change.error?.message}
      >
        {list.map((business) => (
          <option key={business.id} value={business.id}>
            {business.name} ({ROLE_WORDS[business.role]})
          </option>
        ))}
      </Select>
    </div>
  );
}
