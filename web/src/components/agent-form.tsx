/** Every setting of an agent in one form; Save sends what changed and shows Vapi's refusal in words. */
import { useQueryClient } from "@tanstack/react-query";
import { useBlocker } from "@tanstack/react-router";
import type { FormEvent } from "react";
import { useMemo, useState } from "react";
// The worker's own wording of the disclosure, so the preview is word for word what callers hear.
import { DISCLOSURE_MAX_LENGTH, FIRST_MESSAGE_MAX, firstWords } from "../../../src/services/assistant/disclosure";
import type { Agent, Notify } from "../lib/agent-types";
import { checkFaq, checkHours, fullHours } from "../lib/agent-types";
import { ApiError, client, unwrap } from "../lib/api";
import { type Catalog, catalogFrom, catalogJson, checkCatalog } from "../lib/booking-form";
import { E164, problemsFromError, useProblems } from "../lib/forms";
import { useSingleFlightMutation } from "../lib/mutation";
import { keys } from "../lib/queries";
import { BOOKING_NUMBERS, BookingCard, type BookingSettings } from "./agent-booking";
import { FaqEditor, VoicePicker } from "./agent-fields";
import { ConfirmDialog } from "./confirm-dialog";
import { useToast } from "./toaster";
import { Alert, Button, Card, Field, Select, TextArea } from "./ui";

type Form = {
  name: string;
  greeting: string;
  businessDescription: string;
  systemPrompt: string;
  policies: string;
  faq: Agent["faq"];
  voice: Agent["voice"];
  transferNumber: string;
  sheetsLogging: boolean;
  notify: Notify;
  recordingEnabled: boolean;
  texting: Agent["texting"];
  booking: BookingSettings;
  catalog: Catalog;
};

function toForm(agent: Agent): Form {
  return {
    name: agent.name,
    greeting: agent.greeting,
    businessDescription: agent.businessDescription ?? "",
    systemPrompt: agent.systemPrompt ?? "",
    policies: agent.policies ?? "",
    faq: agent.faq,
    voice: agent.voice,
    transferNumber: agent.transferNumber ?? "",
    sheetsLogging: agent.sheetsLogging,
    notify: agent.notify,
    recordingEnabled: agent.recordingEnabled,
    texting: agent.texting,
    booking: (({ services: _services, staff: _staff, closures: _closures, ...settings }) => ({ ...settings, businessHours: fullHours(settings.businessHours) }))(agent.booking),
    catalog: catalogFrom(agent.booking),
  };
}

export function AgentForm({ agent }: { agent: Agent }) {
  const initial = useMemo(() => toForm(agent), [agent]);
  const [form, setForm] = useState<Form>(initial);
  const dirty = JSON.stringify(form) !== JSON.stringify(initial);
  const queryClient = useQueryClient();
  const toast = useToast();
  const local = useProblems();
  const save = useSingleFlightMutation({
    mutationFn: () => {
      const { transferNumber, catalog, booking, ...rest } = form;
      const json = {
        ...rest,
        transferNumber: transferNumber.trim() || null,
        faq: form.faq.map((item) => ({ question: item.question.trim(), answer: item.answer.trim() })),
        booking: { ...booking, ...catalogJson(catalog) },
      };
      return unwrap(client.agents[":id"].$patch({ param: { id: agent.id }, json }));
    },
    onSuccess: async (answer) => {
      queryClient.setQueryData(keys.agent(agent.id), answer);
      await queryClient.invalidateQueries({ queryKey: keys.agents });
      toast("Saved. Your receptionist uses the new settings from the next call.");
    },
  });
  // Edits are not lost without a word: leaving in the app asks first; closing or reloading the tab gets the browser's own prompt.
  const blocker = useBlocker({ shouldBlockFn: () => dirty && !save.isPending, enableBeforeUnload: () => dirty, disabled: !dirty, withResolver: true });
  // Booking problems keep their whole path ("booking.services.0.minutes") to land beside their item.
  const server = problemsFromError(save.error, ["name", "greeting", "businessDescription", "systemPrompt", "policies", "faq", "voice", "transferNumber"], ["booking"]);
  const problems = { ...server.fields, ...local.problems };
  const set = (patch: Partial<Form>) => setForm((current) => ({ ...current, ...patch }));
  const setBooking = (patch: Partial<Form["booking"]>) => setForm((current) => ({ ...current, booking: { ...current.booking, ...patch } }));
  const setCatalog = (patch: Partial<Catalog>) => setForm((current) => ({ ...current, catalog: { ...current.catalog, ...patch } }));
  const setTexting = (patch: Partial<Form["texting"]>) => setForm((current) => ({ ...current, texting: { ...current.texting, ...patch } }));
  const toggleReminder = (kind: "24h" | "2h", on: boolean) =>
    setTexting({ reminders: (["24h", "2h"] as const).filter((each) => (each === kind ? on : form.texting.reminders.includes(each))) });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = { ...checkFaq(form.faq), ...checkHours(form.booking.businessHours), ...checkCatalog(form.catalog) };
    if (!form.name.trim()) found.name = "Give the receptionist a name.";
    if (!form.greeting.trim()) found.greeting = "Write what the receptionist says when it answers.";
    if (form.transferNumber.trim() && !E164.test(form.transferNumber.trim())) found.transferNumber = "Use the international format, like +14155550123.";
    for (const [key, label, min, max] of BOOKING_NUMBERS) {
      const value = form.booking[key];
      if (!Number.isInteger(value) || value < min || value > max) found[`booking.${key}`] = `${label}: a whole number from ${min} to ${max}.`;
    }
    if (local.check(found) && !save.isPending) save.mutate();
  };

  const vapiRefused = save.error instanceof ApiError && (save.error.code === "vapi_error" || save.error.code === "upstream_error");

  return (
    <form onSubmit={submit} noValidate className="space-y-6">
      <Card title="Basics">
        <div className="space-y-4">
          <Field label="Name" value={form.name} maxLength={40} onChange={(e) => set({ name: e.target.value })} error={problems.name} />
          <TextArea
            label="Greeting"
            rows={2}
            maxLength={FIRST_MESSAGE_MAX - DISCLOSURE_MAX_LENGTH}
            value={form.greeting}
            onChange={(e) => set({ greeting: e.target.value })}
            error={problems.greeting}
            hint="Callers always hear first that they are speaking with an AI assistant (and, when calls are recorded, that this call is)."
          />
          <figure className="rounded-md border border-slate-200 bg-white p-3">
            <figcaption className="text-sm font-medium text-slate-700">What callers hear first</figcaption>
            <blockquote className="mt-1 text-sm text-slate-800" data-testid="first-words">
              {firstWords({ greeting: form.greeting, recordingEnabled: form.recordingEnabled })}
            </blockquote>
          </figure>
          <TextArea label="Business description" rows={4} maxLength={5000} value={form.businessDescription} onChange={(e) => set({ businessDescription: e.target.value })} error={problems.businessDescription} />
          <TextArea label="Policies" rows={4} maxLength={5000} value={form.policies} onChange={(e) => set({ policies: e.target.value })} error={problems.policies} />
          <TextArea
            label="Extra instructions (advanced)"
            rows={3}
            maxLength={5000}
            value={form.systemPrompt}
            onChange={(e) => set({ systemPrompt: e.target.value })}
            error={problems.systemPrompt}
            hint="Added to what Agentline tells the model. Leave empty unless you need it."
          />
        </div>
      </Card>
      <Card title="FAQ">
        <FaqEditor value={form.faq} onChange={(faq) => set({ faq })} problems={problems} />
      </Card>
      <Card title="Voice">
        <VoicePicker value={form.voice} onChange={(voice) => set({ voice })} />
        {problems.voice && <p role="alert" className="mt-2 text-sm text-red-700">{problems.voice}</p>}
      </Card>
      <Card title="Calls">
        <div className="space-y-4">
          <Field
            label="Transfer to a person at"
            type="tel"
            value={form.transferNumber}
            onChange={(e) => set({ transferNumber: e.target.value })}
            error={problems.transferNumber}
            hint="Optional. When a caller asks for a person, the receptionist transfers them here (+14155550123)."
          />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="size-4 accent-indigo-600" checked={form.sheetsLogging} onChange={(e) => set({ sheetsLogging: e.target.checked })} />
            Log every call to my Google Sheet
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="size-4 accent-indigo-600" checked={form.recordingEnabled} onChange={(e) => set({ recordingEnabled: e.target.checked })} />
            Record calls (callers are told at the start of each call)
          </label>
          <Select label="E-mail me after" value={form.notify} onChange={(e) => set({ notify: e.target.value as Notify })}>
            <option value="all">every call</option>
            <option value="important">important calls (booked, follow-up needed, refused)</option>
            <option value="none">no calls</option>
          </Select>
        </div>
      </Card>
      <Card title="Texts to callers">
        <div className="space-y-3">
          <p className="text-sm text-slate-600">
            Sent from your number when it can text (a number bought with texting). Each text costs a credit per 160 characters; nothing is sent between 9 PM and 8 AM, or to anyone who replied STOP.
          </p>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="size-4 accent-indigo-600" checked={form.texting.confirmations} onChange={(e) => setTexting({ confirmations: e.target.checked })} />
            Text a confirmation when the receptionist books an appointment
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="size-4 accent-indigo-600" checked={form.texting.reminders.includes("24h")} onChange={(e) => toggleReminder("24h", e.target.checked)} />
            Remind callers the day before (they can reply C to confirm or X to cancel)
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="size-4 accent-indigo-600" checked={form.texting.reminders.includes("2h")} onChange={(e) => toggleReminder("2h", e.target.checked)} />
            Remind callers two hours before
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="size-4 accent-indigo-600" checked={form.texting.missedCallTextBack} onChange={(e) => setTexting({ missedCallTextBack: e.target.checked })} />
            Text back callers whose call was missed or cut short
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" className="size-4 accent-indigo-600" checked={form.texting.ownerAlerts} onChange={(e) => setTexting({ ownerAlerts: e.target.checked })} />
            Text me (the business's phone) about important calls
          </label>
        </div>
      </Card>
      <BookingCard booking={form.booking} catalog={form.catalog} setBooking={setBooking} setCatalog={setCatalog} problems={problems} />
      <div className="sticky bottom-0 -mx-4 flex flex-wrap items-center gap-3 border-t border-slate-200 bg-slate-50/95 px-4 py-3">
        {save.error && (
          <div className="w-full">
            <Alert>
              {vapiRefused ? <>Nothing was saved. {save.error.message}</> : (server.general ?? "Some settings need fixing; see the messages above.")}
            </Alert>
          </div>
        )}
        <Button type="submit" pending={save.isPending} pendingLabel="Saving…" disabled={!dirty}>
          Save changes
        </Button>
        <span className="text-sm text-slate-600" role="status">
          {save.isPending ? "Saving…" : dirty ? "Unsaved changes" : save.isSuccess ? "All changes saved" : "No changes"}
        </span>
        {dirty && !save.isPending && (
          <Button variant="ghost" onClick={() => setForm(initial)}>
            Discard
          </Button>
        )}
      </div>
      <ConfirmDialog
        open={blocker.status === "blocked"}
        onOpenChange={(open) => {
          if (!open) blocker.reset?.();
        }}
        title="Leave without saving?"
        description="Your changes to this receptionist have not been saved. If you leave now, they are lost."
        confirmLabel="Leave without saving"
        cancelLabel="Stay and keep editing"
        onConfirm={() => blocker.proceed?.()}
      />
    </form>
  );
}
