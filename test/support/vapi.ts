/**
 * The Vapi stand-in (dev/stand-ins/vapi.mjs) as tests see it: what it holds and what it was sent.
 *
 * @example
 *   const mark = await vapi.mark();
 *   ... act ...
 *   const [sent] = await vapiRequests(mark, "POST", "/assistant");
 */
import type { Vapi } from "@vapi-ai/server-sdk";
import { type RecordedRequest, standIn } from "./stand-ins";

export const vapi = standIn("vapi");

export type StoredAssistant = Vapi.CreateAssistantDto & { id: string; createdAt: string; updatedAt: string };
export interface StoredPhoneNumber {
  id: string;
  provider: string;
  number: string;
  status: string;
  assistantId?: string;
  numberDesiredAreaCode?: string;
  server?: Vapi.Server;
  fallbackDestination?: { type: string; number?: string };
}
export interface VapiState {
  assistants: StoredAssistant[];
  phoneNumbers: StoredPhoneNumber[];
  credentials: { id: string; provider: string; authenticationPlan: Record<string, unknown> }[];
}

export function vapiState(): Promise<VapiState> {
  return vapi.state<VapiState>();
}

export async function assistantAtVapi(id: string): Promise<StoredAssistant | undefined> {
  return (await vapiState()).assistants.find((assistant) => assistant.id === id);
}

export async function numberAtVapi(id: string): Promise<StoredPhoneNumber | undefined> {
  return (await vapiState()).phoneNumbers.find((number) => number.id === id);
}

/**
 * Tells the stand-in about a call, as Vapi would hold it after the call (`GET /call/{id}`
 * answers it): an ended inbound phone call unless `call` says otherwise.
 */
export async function callAtVapi(call: Partial<Vapi.Call> & { id: string }): Promise<Vapi.Call> {
  const response = await fetch(`${vapi.url}/__stand-in/call/${encodeURIComponent(call.id)}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(call),
  });
  if (!response.ok) throw new Error(`vapi stand-in PUT call: ${response.status}`);
  return (await response.json()) as Vapi.Call;
}

/** Requests since `mark`, optionally only one method and a path (exact string, or a prefix ending in "/"). */
export async function vapiRequests(mark: number, method?: string, path?: string): Promise<RecordedRequest[]> {
  const all = await vapi.requests(mark);
  return all.filter(
    (request) =>
      (!method || request.method === method) &&
      (!path || (path.endsWith("/") ? request.path.startsWith(path) : request.path === path)),
  );
}

/** The system message of an assistant payload. */
export function systemMessageOf(payload: Vapi.CreateAssistantDto): string {
  const model = payload.model as { messages?: { role: string; content: string | null }[] } | undefined;
  const system = model?.messages?.find((message) => message.role === "system");
  return system?.content ?? "";
}

export function toolsOf(payload: Vapi.CreateAssistantDto): { type: string; function?: { name: string } }[] {
  return ((payload.model as { tools?: { type: string; function?: { name: string } }[] } | undefined)?.tools ?? []);
}

export function toolNames(payload: Vapi.CreateAssistantDto): string[] {
  return toolsOf(payload).map((tool) => (tool.type === "function" ? `function:${tool.function?.name}` : tool.type));
}
