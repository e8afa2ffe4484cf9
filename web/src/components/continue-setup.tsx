/** Back from Stripe's or Google's page in the middle of onboarding: a button to the step after it. */
import { Link } from "@tanstack/react-router";
import { onboardingInProgress } from "../lib/onboarding-state";
import { buttonClass } from "./ui";

export function ContinueSetup({ step }: { step: "google" | "credits" | "number" }) {
  if (!onboardingInProgress()) return null;
  return (
    <Link to="/onboarding" search={{ step }} className={buttonClass("primary", "ml-3")}>
      Continue setup
    </Link>
  );
}
