/**
 * Onboarding steps 5–8: connect Google, buy credits, buy a number (only for an account that has
 * bought credits: docs/architecture.md §4), and the number to call.
 */
import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { formatPhone, plural } from "../lib/format";
import { clearDraft } from "../lib/onboarding-state";
import { meQuery, phoneNumbersQuery } from "../lib/queries";
import { useBuyNumber } from "./buy-number";
import { useAgentPatch } from "./onboarding-agent-steps";
import type { StepProps } from "./onboarding-steps-shared";
import { StepActions, StepFrame } from "./onboarding-steps-shared";
import { PackPicker } from "./pack-picker";
import { QueryState } from "./query-state";
import { Alert, Button, buttonClass, Spinner } from "./ui";

export function GoogleStep({ draft, next, back }: StepProps) {
  const me = useQuery(meQuery);
  const google = me.data?.user.google;
  // The step promises a row in the Sheet for every call: connecting Google turns the log on (docs/architecture.md §6).
  const save = useAgentPatch(draft.agentId ?? "", next);
  return (
    <StepFrame
      title="Connect Google"
      description="Your receptionist books into your Google Calendar and logs every call to a Google Sheet. You can do this later from Integrations."
    >
      {google?.connected ? (
        <Alert tone="success">Connected as {google.email}. Every call will be logged to your Google Sheet.</Alert>
      ) : (
        <a href="/api/auth/google" className={buttonClass("primary")}>
          Connect Google
        </a>
      )}
      {save.error && (
        <div className="mt-4">
          <Alert>{save.error.message}</Alert>
        </div>
      )}
      <StepActions back={back} busy={save.isPending} className="mt-6">
        {google?.connected && draft.agentId ? (
          <Button pending={save.isPending} pendingLabel="Saving…" onClick={() => save.mutate({ sheetsLogging: true })}>
            Continue
          </Button>
        ) : (
          <Button variant="secondary" onClick={next}>
            Skip for now
          </Button>
        )}
      </StepActions>
    </StepFrame>
  );
}

export function NumberStep({ draft, next, back }: StepProps) {
  const numbers = useQuery(phoneNumbersQuery);
  const me = useQuery(meQuery);
  const { buy, server, submit, areaCodeField } = useBuyNumber(next);
  const mine = numbers.data?.phoneNumbers.find((number) => number.agentId === draft.agentId);
  const noCredits = me.data && me.data.user.credits <= 0 && !mine;

  return (
    <StepFrame title="Get a phone number" description="A US number your callers dial. Your receptionist answers it.">
      <QueryState query={numbers}>
        {() =>
          mine ? (
            <div className="space-y-4">
              <Alert tone="success">This receptionist already answers {mine.number ? formatPhone(mine.number) : "a number that is being activated"}.</Alert>
              <StepActions back={back}>
                <Button onClick={next}>Continue</Button>
              </StepActions>
            </div>
          ) : noCredits ? (
            <div className="space-y-4">
              <Alert tone="warning">A number comes with your first credit pack: buy credits first, then pick your number here.</Alert>
              <StepActions back={back}>
                <Button variant="secondary" onClick={next}>
                  Skip for now
                </Button>
              </StepActions>
            </div>
          ) : (
            <form onSubmit={submit(draft.agentId ?? null)} noValidate className="space-y-4">
              {areaCodeField("max-w-xs")}
              {server.general && <Alert>{server.general}</Alert>}
              {buy.isPending && <Alert tone="info">Buying your number… this can take a few seconds.</Alert>}
              <StepActions back={back} busy={buy.isPending}>
                <Button type="submit" pending={buy.isPending} pendingLabel="Buying…">
                  Buy this number
                </Button>
              </StepActions>
            </form>
          )
        }
      </QueryState>
    </StepFrame>
  );
}

export function CreditsStep({ next, back }: StepProps) {
  const me = useQuery(meQuery);
  const credits = me.data?.user.credits ?? 0;
  return (
    <StepFrame title="Credits for calls" description="One credit is one minute of calls. Your receptionist answers while you have credits.">
      {credits > 0 ? (
        <Alert tone="success">You have {plural(credits, "credit")}. You're ready.</Alert>
      ) : (
        <>
          <Alert tone="warning">You have no credits yet. Buy a pack to start: your phone number comes after it, and callers reach your receptionist while you have credits.</Alert>
          <div className="mt-4">
            <PackPicker />
          </div>
        </>
      )}
      <StepActions back={back} className="mt-6">
        <Button variant={credits > 0 ? "primary" : "secondary"} onClick={next}>
          {credits > 0 ? "Continue" : "Skip for now"}
        </Button>
      </StepActions>
    </StepFrame>
  );
}

export function DoneStep({ draft }: StepProps) {
  // A new number is "activating" at Vapi until it has its digits: ask again until it does.
  const numbers = useQuery({ ...phoneNumbersQuery, refetchInterval: (query) => (query.state.data?.phoneNumbers.some((n) => n.agentId === draft.agentId && n.number) ? false : 3000) });
  const mine = numbers.data?.phoneNumbers.find((number) => number.agentId === draft.agentId && number.number);
  return (
    <section className="rounded-lg border border-indigo-200 bg-white p-6 text-center shadow-sm sm:p-12">
      <p className="text-sm font-semibold tracking-wide text-indigo-700 uppercase">Your receptionist is live</p>
      {mine?.number ? (
        <>
          <h1 className="mt-4 text-xl font-medium text-slate-700">Call your receptionist at</h1>
          <p className="mt-2 text-4xl font-bold tracking-tight break-words text-slate-900 sm:text-6xl" data-testid="receptionist-number">
            <a href={`tel:${mine.number}`} className="hover:underline">
              {formatPhone(mine.number)}
            </a>
          </p>
        </>
      ) : numbers.data && !numbers.data.phoneNumbers.some((n) => n.agentId === draft.agentId) ? (
        <p className="mt-4 text-slate-700">
          This receptionist has no number yet.{" "}
          <Link to="/onboarding" search={{ step: "number" }} className="text-indigo-700 underline">
            Get one
          </Link>
          .
        </p>
      ) : (
        <div className="mt-6 flex justify-center text-slate-600">
          <Spinner label="Activating your number…" />
        </div>
      )}
      <div className="mt-10 flex flex-wrap justify-center gap-2">
        <Link to="/" className={buttonClass("primary")} onClick={clearDraft}>
          Go to the overview
        </Link>
        {draft.agentId && (
          <Link to="/agents/$agentId" params={{ agentId: draft.agentId }} className={buttonClass("secondary")} onClick={clearDraft}>
            Fine-tune the receptionist
          </Link>
        )}
      </div>
    </section>
  );
}
