/**
 * The account as the signed-in person sees it: who they are, and the business they are working in
 * (its credits, threshold, phone and Google connection), as /api/me and the sign-in answers show
 * it. Who a person is (sign-up, sessions, passwords) is services/identity; the business itself is
 * services/businesses; what they change here is profile.ts, through me.ts.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { googleConnections, type Role } from "../../db/schema";
import type { Business } from "../businesses/business";
import type { User } from "../identity/sessions";

export type GoogleConnection = Pick<typeof googleConnections.$inferSelect, "googleEmail" | "status" | "spreadsheetId"> | null;

/** The current business and the person's role there, or null for a person who belongs to none. */
export interface CurrentBusiness {
  business: Business;
  role: Role;
}

/**
 * The user as GET /api/me shows it (docs/architecture.md §12): the fields it always had
 * (`credits`, `lowCreditThreshold`, `phone`, `google` are the current business's) and `business`.
 */
export function userJson(user: User, current: CurrentBusiness | null = null, google: GoogleConnection = null) {
  const business = current?.business ?? null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    phone: business?.phone ?? null,
    timezone: user.timezone,
    credits: business?.creditBalance ?? 0,
    lowCreditThreshold: business?.lowCreditThreshold ?? 0,
    createdAt: user.createdAt.toISOString(),
    business: current ? { id: current.business.id, name: current.business.name, role: current.role, timezone: current.business.timezone } : null,
    google: {
      connected: google !== null,
      email: google?.googleEmail ?? null,
      status: google?.status ?? null,
      spreadsheetUrl: google?.spreadsheetId ? `https://docs.google.com/spreadsheets/d/${google.spreadsheetId}/edit` : null,
    },
  };
}

export async function loadGoogleConnection(db: Database, businessId: string): Promise<GoogleConnection> {
  const [row] = await db
    .select({ googleEmail: googleConnections.googleEmail, status: googleConnections.status, spreadsheetId: googleConnections.spreadsheetId })
    .from(googleConnections)
    .where(eq(googleConnections.businessId, businessId))
    .limit(1);
  return row ?? null;
}
