/**
 * Onboarding survives a reload and the round trips to Google and Stripe: the draft and the
 * agent it created are kept in localStorage until the owner reaches the last step.
 */
import { useCallback, useState } from "react";
import type { FaqItem } from "./agent-types";

export type OnboardingDraft = {
  businessName: string;
  businessDescription: string;
  greeting: string;
  faq: FaqItem[];
  policies: string;
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
