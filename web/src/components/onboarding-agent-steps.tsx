/** Onboarding's first steps: describe the business, edit what the AI wrote, pick a voice (services and hours: onboarding-services-step.tsx). */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { useState } from "react";
import { callerDisclosure, DISCLOSURE_MAX_LENGTH, FIRST_MESSAGE_MAX } from "../../../src/services/assistant/disclosure";
import { checkFaq } from "../lib/agent-types";
import { client, unwrap } from "../lib/api";
import { problemsFromError, useProblems } from "../lib/forms";
import { useSingleFlightMutation } from "../lib/mutation";
import { draftBooking } from "../lib/onboarding-state";
import { agentQuery, keys } from "../lib/queries";
import { FaqEditor, VoicePicker } from "./agent-fields";
import type { StepProps } from "./onboarding-steps-shared";
import { StepActions, StepFrame } from "./onboarding-steps-shared";
import { QueryState } from "./query-state";
import { Alert, Button, Field, TextArea } from "./ui";

export function DescribeStep({ draft, setDraft, next }: StepProps) {
  const local = useProblems();
  const generate = useSingleFlightMutation({
    mutationFn: async () => {
      const facts = { businessDescription: draft.businessDescription.trim(), agentName: draft.businessName.trim() };
      const [greeting, faq, policies] = await Promise.all([
        unwrap(client.generate.$post({ json: { kind: "greeting", ...facts } })),
        unwrap(client.generate.$post({ json: { kind: "faq", ...facts } })),
        unwrap(client.generate.$post({ json: { kind: "policies", ...facts } })),
      ]);
      return {
        greeting: "text" in greeting ? greeting.text : "",
        faq: "faq" in faq ? faq.faq : [],
        policies: "text" in policies ? policies.text : "",
      };
    },
    onSuccess: (written) => {
      setDraft(written);
      next();
    },
  });
  const server = problemsFromError(generate.error, ["businessDescription", "agentName"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!draft.businessName.trim()) found.agentName = "Enter your business's name.";
    else if (draft.businessName.trim().length > 40) found.agentName = "Use at most 40 characters.";
    if (draft.businessDescription.trim().length < 20) found.businessDescription = "Describe the business in at least 20 characters: what you do, where, and for whom.";
    if (local.check(found) && !generate.isPending) generate.mutate();
  };

  return (
    <StepFrame title="Describe your business" description="Your receptionist learns from this. The more callers would need to know, the better.">
      <form onSubmit={submit} noValidate className="space-y-4">
        <Field
          label="Business name"
          value={draft.businessName}
          maxLength={40}
          onChange={(event) => {
            setDraft({ businessName: event.target.value });
            local.clear("agentName");
          }}
          error={local.problems.agentName ?? server.fields.agentName}
          placeholder="Bright Smile Dental"
        />
        <TextArea
          label="What does your business do?"
          rows={6}
          value={draft.businessDescription}
          maxLength={5000}
          onChange={(event) => {
            setDraft({ businessDescription: event.target.value });
            local.clear("businessDescription");
          }}
          error={local.problems.businessDescription ?? server.fields.businessDescription}
          hint="Services and prices, location and parking, opening hours, insurance or payment, anything callers often ask."
        />
        {server.general && <Alert>{server.general}</Alert>}
        {generate.isPending && <Alert tone="info">Writing your greeting, FAQ and policies… this takes a few seconds.</Alert>}
        <div className="flex flex-wrap gap-2">
          <Button type="submit" pending={generate.isPending} pendingLabel="Writing…">
            Write my greeting, FAQ and policies
          </Button>
          {draft.greeting && (
            <Button variant="secondary" onClick={next} disabled={generate.isPending}>
              Keep what was written before
            </Button>
          )}
        </div>
      </form>
    </StepFrame>
  );
}

export function ScriptStep({ draft, setDraft, next, back, timezone }: StepProps & { timezone: string }) {
  const queryClient = useQueryClient();
  const local = useProblems();
  const save = useSingleFlightMutation({
    mutationFn: async () => {
      const body = {
        name: draft.businessName.trim().slice(0, 40),
        greeting: draft.greeting.trim(),
        businessDescription: draft.businessDescription.trim(),
        faq: draft.faq.map((item) => ({ question: item.question.trim(), answer: item.answer.trim() })),
        policies: draft.policies.trim(),
      };
      if (draft.agentId) return unwrap(client.agents[":id"].$patch({ param: { id: draft.agentId }, json: body }));
      // Created with the services and hours of the step before.
      return unwrap(client.agents.$post({ json: { ...body, booking: draftBooking(draft, timezone) } }));
    },
    onSuccess: async (answer) => {
      setDraft({ agentId: answer.agent.id });
      queryClient.setQueryData(keys.agent(answer.agent.id), answer);
      await queryClient.invalidateQueries({ queryKey: keys.agents });
      next();
    },
  });
  const server = problemsFromError(save.error, ["name", "greeting", "faq", "policies"]);
  const problems = { ...server.fields, ...local.problems };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = checkFaq(draft.faq);
    if (!draft.greeting.trim()) found.greeting = "Write what your receptionist says when it answers.";
    if (local.check(found) && !save.isPending) save.mutate();
  };

  return (
    <StepFrame title="Check what your receptionist will say" description="Written by AI from your description. Change anything that isn't right.">
      <form onSubmit={submit} noValidate className="space-y-6">
        <TextArea
          label="Greeting"
          rows={2}
          maxLength={FIRST_MESSAGE_MAX - DISCLOSURE_MAX_LENGTH}
          value={draft.greeting}
          onChange={(event) => {
            setDraft({ greeting: event.target.value });
            local.clear("greeting");
          }}
          error={problems.greeting}
          hint={`Callers first hear "${callerDisclosure({ recordingEnabled: true })}", then this greeting. Recording can be turned off in the agent's settings.`}
        />
        <FaqEditor value={draft.faq} onChange={(faq) => setDraft({ faq })} problems={problems} />
        <TextArea
          label="Policies"
          rows={5}
          maxLength={5000}
          value={draft.policies}
          onChange={(event) => setDraft({ policies: event.target.value })}
          error={problems.policies}
          hint="Cancellations, payment, what the receptionist must never promise."
        />
        {server.general && <Alert>{server.general}</Alert>}
        <StepActions back={back} busy={save.isPending}>
          <Button type="submit" pending={save.isPending} pendingLabel="Saving your receptionist…">
            {draft.agentId ? "Save and continue" : "Create my receptionist"}
          </Button>
        </StepActions>
      </form>
    </StepFrame>
  );
}

/** Saves part of the onboarding agent, then moves on (the Google step turns its call log on with it). */
export function useAgentPatch(agentId: string, next: () => void) {
  const queryClient = useQueryClient();
  return useSingleFlightMutation({
    mutationFn: (json: Parameters<(typeof client.agents)[":id"]["$patch"]>[0]["json"]) => unwrap(client.agents[":id"].$patch({ param: { id: agentId }, json })),
    onSuccess: async (answer) => {
      queryClient.setQueryData(keys.agent(agentId), answer);
      await queryClient.invalidateQueries({ queryKey: keys.agents });
      next();
    },
  });
}

export function VoiceStep({ draft, next, back }: StepProps) {
  const agentId = draft.agentId ?? "";
  const agent = useQuery(agentQuery(agentId));
  const [voice, setVoice] = useState<{ provider: string; voiceId: string } | null>(null);
  const save = useAgentPatch(agentId, next);
  return (
    <StepFrame title="Pick a voice" description="How your receptionist sounds on the phone.">
      <QueryState query={agent}>
        {(data) => (
          <div className="space-y-4">
            <VoicePicker value={voice ?? data.agent.voice} onChange={setVoice} />
            {save.error && <Alert>{save.error.message}</Alert>}
            <StepActions back={back} busy={save.isPending}>
              <Button pending={save.isPending} pendingLabel="Saving…" onClick={() => (voice ? save.mutate({ voice }) : next())}>
                Continue
              </Button>
            </StepActions>
          </div>
        )}
      </QueryState>
    </StepFrame>
  );
}
