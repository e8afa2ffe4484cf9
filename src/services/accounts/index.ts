/**
 * The account as the owner sees it: the user with their Google connection, as /api/me and the
 * sign-in answers show it. Who a person is (sign-up, sessions, passwords) is services/identity;
 * what they change here is profile.ts, through me.ts.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { googleConnections, users } from "../../db/schema";
import type { User } from "../identity/sessions";

type GoogleConnection = Pick<typeof googleConnections.$inferSelect, "googleEmail" | "status" | "spreadsheetId"> | null;

/** The user as GET /api/me shows it (docs/architecture.md §12). */
export function userJson(user: User, google: GoogleConnection = null) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    phone: user.phone,
    timezone: user.timezone,
    credits: user.creditBalance,
    lowCreditThreshold: user.lowCreditThreshold,
    createdAt: user.createdAt.toISOString(),
    google: {
      connected: google !== null,
      email: google?.googleEmail ?? null,
      status: google?.status ?? null,
      spreadsheetUrl: google?.spreadsheetId ? `https://docs.google.com/spreadsheets/d/${google.spreadsheetId}/edit` : null,
    },
  };
}

export async function loadUserWithGoogle(db: Database, userId: string) {
  const [row] = await db
    .select({ user: users, google: { googleEmail: googleConnections.googleEmail, status: googleConnections.status, spreadsheetId: googleConnections.spreadsheetId } })
    .from(users)
    .leftJoin(googleConnections, eq(googleConnections.userId, users.id))
    .where(eq(users.id, userId))
    .limit(1);
  return row ?? null;
}
