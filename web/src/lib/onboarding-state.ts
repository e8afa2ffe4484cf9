/**
 * Onboarding survives a reload and the round trips to Google and Stripe: the draft and the
 * agent it created are kept in localStorage until the owner reaches the last step.
 */
import { useCallback, useState } from "react";
import type { FaqItem, Hours } from "./agent-types";
import { DEFAULT_HOURS } from "./agent-types";
import type { ServiceRow } from "./booking-form";
import { catalogJson } from "./booking-form";

export type OnboardingDraft = {
  businessName: string;
  businessDescription: string;
  greeting: string;
  faq: FaqItem[];
  policies: string;
  /** The services and hours step: drafted from the description, then the owner's edits. */
  services?: ServiceRow[];
  hours?: Hours;
  bookingEnabled?: boolean;
  appointmentMinutes?: string;
  /** The description the services and hours were drafted from (a changed one drafts again). */
  draftedFrom?: string;
  agentId?: string;
  /** The step the owner was last on, so /onboarding without a step resumes there. */
  step?: string;
};

const KEY = "agentline.onboarding";

export const EMPTY_DRAFT: OnboardingDraft = { businessName: "", businessDescription: "", greeting: "", faq: [], policies: "" };

export function readDraft(): OnboardingDraft | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? { ...EMPTY_DRAFT, ...(JSON.parse(raw) as Partial<OnboardingDraft>) } : null;
  } catch {
    return null;
  }
}

export function clearDraft() {
  localStorage.removeItem(KEY);
}

export function useDraft() {
  const [draft, setDraftState] = useState<OnboardingDraft>(() => readDraft() ?? EMPTY_DRAFT);
  const setDraft = useCallback((patch: Partial<OnboardingDraft>) => {
    setDraftState((current) => {
      const next = { ...current, ...patch };
      localStorage.setItem(KEY, JSON.stringify(next));
      return next;
    });
  }, []);
  return [draft, setDraft] as const;
}

/** True while an owner is part-way through onboarding: the Stripe and Google return pages offer the way back. */
export function onboardingInProgress(): boolean {
  return Boolean(readDraft()?.agentId);
}

/** The booking settings the draft holds (services and hours step), as POST/PATCH /api/agents take them. */
export function draftBooking(draft: OnboardingDraft, timezone: string) {
  return {
    enabled: draft.bookingEnabled ?? true,
    appointmentMinutes: Number(draft.appointmentMinutes ?? "30"),
    businessHours: draft.hours ?? DEFAULT_HOURS,
    timezone,
    services: catalogJson({ services: draft.services ?? [], staff: [], closures: [] }).services,
  };
}
