/** What every onboarding step gets, and the frame it is drawn in. */
import type { ReactNode } from "react";
import type { OnboardingDraft } from "../lib/onboarding-state";
import { Button } from "./ui";

export type StepProps = {
  draft: OnboardingDraft;
  setDraft: (patch: Partial<OnboardingDraft>) => void;
  next: () => void;
  back: () => void;
};

export function StepFrame({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm sm:p-8">
      <h1 className="text-2xl font-bold tracking-tight">{title}</h1>
      {description && <p className="mt-1 mb-6 text-sm text-slate-600">{description}</p>}
      {children}
    </section>
  );
}

/** A step's buttons: Back (held while the step saves), then the step's own way forward. */
export function StepActions({ back, busy = false, className = "", children }: { back: () => void; busy?: boolean; className?: string; children: ReactNode }) {
  return (
    <div className={`flex flex-wrap gap-2 ${className}`}>
      <Button variant="secondary" onClick={back} disabled={busy}>
        Back
      </Button>
      {children}
    </div>
  );
}
