/**
 * Shapes of what the API answers, named for the screens. Google's status comes with /api/me;
 * its spreadsheet link arrives with the Google branch (DESIGN §12), so it is optional here.
 */
import type { InferResponseType } from "hono/client";
import type { client } from "./api";

export type CallSummary = InferResponseType<typeof client.calls.$get, 200>["calls"][number];
export type CallDetail = InferResponseType<(typeof client.calls)[":id"]["$get"], 200>["call"];
export type StatsDay = InferResponseType<typeof client.stats.$get, 200>["days"][number];
export type UnansweredQuestion = InferResponseType<typeof client.insights.unanswered.$get, 200>["questions"][number];
export type TranscriptTurn = { role: string; message?: string; text?: string };

export type GoogleStatus = { connected: boolean; email: string | null; status: string | null; spreadsheetUrl?: string | null };
