/** Buying a number, shared by onboarding and the numbers screen: the area-code field, its checks, the purchase (one at a time). */
import { useQueryClient } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { client, unwrap } from "../lib/api";
import { useFormValues } from "../lib/form-values";
import { problemsFromError } from "../lib/forms";
import { useSingleFlightMutation } from "../lib/mutation";
import { keys } from "../lib/queries";
import { Field } from "./ui";

export function useBuyNumber(onBought: () => void | Promise<void>) {
  const queryClient = useQueryClient();
  const form = useFormValues({ areaCode: "" });
  const areaCode = form.values.areaCode;
  const buy = useSingleFlightMutation({
    mutationFn: (agentId: string | null) =>
      unwrap(client["phone-numbers"].$post({ json: { agentId, ...(areaCode.trim() ? { areaCode: areaCode.trim() } : {}) } })),
    onSuccess: async () => {
      form.reset();
      await queryClient.invalidateQueries({ queryKey: keys.phoneNumbers });
      await onBought();
    },
  });
  const server = problemsFromError(buy.error, ["areaCode", "agentId"]);
  const submit = (agentId: string | null) => (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (areaCode.trim() && !/^[2-9]\d{2}$/.test(areaCode.trim())) found.areaCode = "Enter a 3-digit US area code such as 415, or leave it empty.";
    if (form.check(found) && !buy.isPending) buy.mutate(agentId);
  };
  const areaCodeField = (className?: string) => (
    <Field
      label="Area code (optional)"
      inputMode="numeric"
      maxLength={3}
      {...form.field("areaCode")}
      error={form.problem("areaCode", server)}
      hint="Leave empty for any available US number."
      className={className}
    />
  );
  return { buy, server, submit, areaCodeField };
}
