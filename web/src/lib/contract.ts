/**
 * DESIGN §12 shapes of the endpoints that are not in the worker's AppType yet (calls, stats,
 * insights, Google). Once a route lands on main, its screen moves to the typed client and the
 * type here goes away.
 */
export type CallStatus = "queued" | "ringing" | "in-progress" | "forwarding" | "ended" | string;

export type CallSummary = {
  id: string;
  agentId: string | null;
  phoneNumberId?: string | null;
  customerNumber: string | null;
  status: CallStatus;
  startedAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  endedReason: string | null;
  summary?: string | null;
  creditsCharged: number | null;
  createdAt?: string;
};

export type TranscriptTurn = { role: string; message?: string; text?: string; time?: number; secondsFromStart?: number };

export type CallDetail = CallSummary & {
  transcript: string | null;
  messages?: TranscriptTurn[] | null;
  summary: string | null;
  recordingUrl: string | null;
  structuredData: Record<string, unknown> | null;
  vapiCost?: number | null;
  booking?: { start: string; end?: string; name?: string; phone?: string; eventId?: string } | null;
  bookings?: { start: string; end?: string; name?: string; phone?: string; eventId?: string }[] | null;
};

export type CallsPage = { calls: CallSummary[]; nextCursor: string | null };

export type StatsDay = { date: string; calls: number; minutes: number; credits: number };
export type StatsAnswer = { days: StatsDay[]; totals: { calls: number; minutes: number; credits: number } };

export type UnansweredQuestion = { text: string; count: number; lastAskedAt: string; callIds: string[] };
export type UnansweredAnswer = { questions: UnansweredQuestion[] };

export type GoogleStatus = { connected: boolean; email: string | null; status: string | null; spreadsheetUrl?: string | null };
