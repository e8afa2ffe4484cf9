/** The owner's agents as the options of a Select (value: the agent's id), from the shared agents query. */
import { useQuery } from "@tanstack/react-query";
import { agentsQuery } from "../lib/queries";

export function AgentOptions() {
  const agents = useQuery(agentsQuery);
  return (
    <>
      {agents.data?.agents.map((agent) => (
        <option key={agent.id} value={agent.id}>
          {agent.name}
        </option>
      ))}
    </>
  );
}
