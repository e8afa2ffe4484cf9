/** Shapes of what the API answers, named for the screens (all inferred from the worker's routes). */
import type { InferResponseType } from "hono/client";
import type { client } from "./api";

export type CallSummary = InferResponseType<typeof client.calls.$get, 200>["calls"][number];
export type CallDetail = InferResponseType<(typeof client.calls)[":id"]["$get"], 200>["call"];
export type StatsDay = InferResponseType<typeof client.stats.$get, 200>["days"][number];
export type UnansweredQuestion = InferResponseType<typeof client.insights.unanswered.$get, 200>["questions"][number];
export type TranscriptTurn = { role: string; message?: string; text?: string };
