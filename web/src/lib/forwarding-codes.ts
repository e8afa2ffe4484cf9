/**
 * How to forward an owner's existing line to their Agentline number, per US carrier: the dial
 * codes for busy, no answer and always. Where each came from (public sources, checked December
 * 2026; docs/decisions/0712-keep-your-existing-number.md):
 * - AT&T and T-Mobile are GSM networks and use the GSM supplementary-service codes of 3GPP TS
 *   22.030 (21 = always, 67 = busy, 61 = no reply, 62 = not reachable, 004 = all conditional).
 *   T-Mobile: its support page "About call forwarding" (10- or 11-digit numbers only, no
 *   international) and published T-Mobile guides (**21*1…#, ##21# to cancel, **61*1…**secs#).
 *   AT&T: its conditional-forwarding launch as PhoneNews reported it (*21*, *67*, *61*, *62*,
 *   #…# to cancel) — the same GSM codes.
 * - Verizon: *72 + number forwards every call and *73 cancels (the *72/*73 codes most US
 *   carriers share, as answering services document them); *71 + number is Verizon's "no answer /
 *   busy" forwarding, from Verizon's own support pages. The Verizon codes were not re-checked
 *   against Verizon's site this time: the guide says to call the carrier if a code is refused.
 */

export type Carrier = "att" | "verizon" | "tmobile";
export type ForwardMode = "busy" | "no_answer" | "always";

export const CARRIERS: { key: Carrier; name: string }[] = [
  { key: "att", name: "AT&T" },
  { key: "verizon", name: "Verizon" },
  { key: "tmobile", name: "T-Mobile" },
];

export const MODES: { key: ForwardMode; name: string; when: string }[] = [
  { key: "no_answer", name: "When I don't answer", when: "Your phone rings first; calls you miss go to your receptionist." },
  { key: "busy", name: "When I'm on another call", when: "Callers who would hear busy reach your receptionist instead." },
  { key: "always", name: "Always", when: "Every call goes straight to your receptionist; your phone does not ring." },
];

/** `ten`: the Agentline number's 10 digits (no +1). Answers what to dial to turn it on and off. */
export function forwardingCodes(carrier: Carrier, mode: ForwardMode, ten: string): { on: string; off: string; note?: string } {
  if (carrier === "verizon") {
    if (mode === "always") return { on: `*72${ten}`, off: "*73" };
    return { on: `*71${ten}`, off: "*73", note: "Verizon's *71 forwards both when you are busy and when you don't answer." };
  }
  // GSM: T-Mobile wants the 1 before the 10 digits (its page: 10- or 11-digit numbers); AT&T takes the 10 digits.
  const number = carrier === "tmobile" ? `1${ten}` : ten;
  const prefix = carrier === "tmobile" ? "**" : "*";
  const cancel = carrier === "tmobile" ? "##" : "#";
  const code = mode === "always" ? "21" : mode === "busy" ? "67" : "61";
  return {
    on: `${prefix}${code}*${number}#`,
    off: `${cancel}${code}#`,
    ...(mode === "no_answer" ? { note: `To also forward when your phone is off or out of signal, dial ${prefix}62*${number}# as well.` } : {}),
  };
}
