/** Assistants at the Vapi stand-in dated in the past (its `x-stand-in-created-at` header), for the sweep's tests. */
import { testEnv } from "./env";
import { createUser } from "./factories";
import { vapi } from "./vapi";

export async function datedAssistant(createdAt: Date, metadata: Record<string, unknown> | undefined): Promise<{ id: string; createdAt: string }> {
  const response = await fetch(`${vapi.url}/assistant`, {
    method: "POST",
    headers: { authorization: `Bearer ${testEnv.VAPI_API_KEY}`, "content-type": "application/json", "x-stand-in-created-at": createdAt.toISOString() },
    body: JSON.stringify({ name: "Sweep test", ...(metadata ? { metadata } : {}) }),
  });
  if (response.status !== 201) throw new Error(`stand-in refused the assistant: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; createdAt: string };
}

/**
 * Our metadata for an agent that has no row, of a user that has one, stamped with the test
 * environment ("local"): what a timed-out create leaves behind.
 */
export async function orphanMetadata(environmentId = "local"): Promise<{ agentId: string; userId: string; environmentId: string }> {
  const { user } = await createUser();
  return { agentId: crypto.randomUUID(), userId: user.id, environmentId };
}
