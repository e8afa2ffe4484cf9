/**
 * A receptionist's real state (the API's agent `state`): a badge, and in words what callers get
 * and what to do about it. Green only when callers are answered.
 */
import { Link } from "@tanstack/react-router";
import type { Agent } from "../lib/agent-types";
import { Badge } from "./ui";

type State = Agent["state"];

const BADGES: Record<State, { tone: "green" | "amber" | "red" | "slate"; label: string }> = {
  answering: { tone: "green", label: "Answering" },
  paused: { tone: "amber", label: "Paused" },
  out_of_credit: { tone: "red", label: "Out of credit" },
  no_number: { tone: "slate", label: "No number" },
  number_activating: { tone: "amber", label: "Number activating" },
};

export function AgentStateBadge({ state }: { state: State }) {
  const badge = BADGES[state];
  return <Badge tone={badge.tone}>{badge.label}</Badge>;
}

const linkClass = "font-medium text-indigo-700 underline";

/** What the owner should do for this state; nothing when the receptionist is answering. */
export function AgentStateHelp({ state }: { state: State }) {
  switch (state) {
    case "answering":
      return null;
    case "paused":
      return <>Callers hear that the line is not taking calls. Resume the receptionist to answer again.</>;
    case "out_of_credit":
      return (
        <>
          Callers are not being answered: you have no credits left.{" "}
          <Link to="/billing" search={{ checkout: undefined, cursor: undefined, buy: undefined }} className={linkClass}>
            Buy credits
          </Link>{" "}
          and your receptionist answers again at once.
        </>
      );
    case "no_number":
      return (
        <>
          Nobody can call this receptionist yet.{" "}
          <Link to="/numbers" search={{ cursor: undefined }} className={linkClass}>
            Give it a phone number
          </Link>
          .
        </>
      );
    case "number_activating":
      return <>Its phone number is being activated; this usually takes a minute.</>;
  }
}
