/**
 * Where a number comes from (docs/architecture.md §7b; ADR 0141): NUMBER_PROVIDER `vapi` buys a
 * free Vapi number (it cannot text); `twilio` buys one at Twilio (Available Phone Numbers, then
 * Incoming Phone Numbers, its SmsUrl our webhook) and imports it into Vapi (`POST /phone-number`,
 * provider `twilio`, `smsEnabled: false` so Vapi leaves the SMS webhook ours), so the number that
 * answers calls is the one that texts. Each step that fails undoes the ones before it, so neither
 * side is left holding a number we do not know about. A purchase may ask for either provider
 * (`provider` in POST /api/phone-numbers; ADR 0142): the sandbox's simulated calls ask for one
 * that texts while NUMBER_PROVIDER stays `vapi`.
 */
import type { Vapi } from "@vapi-ai/server-sdk";
import type { Config } from "../../config/env";
import { AppError } from "../../errors";
import { createTwilioClient, TwilioApiError, type TwilioClient, twilioFailure } from "../../integrations/twilio/client";
import type { VapiClient } from "../../integrations/vapi/client";
import { deleteAtVapi, isVapiNotFound, vapiFailure } from "../../integrations/vapi/client";
import type { Logger } from "../../lib/logger";

/** What buying and releasing need (index.ts's PhoneNumberDeps is this). */
export interface PhoneNumberDeps {
  config: Config;
  logger: Logger;
  vapi: () => VapiClient;
  /** Twilio, for NUMBER_PROVIDER=twilio; made from config when absent. */
  twilio?: () => TwilioClient;
}

export type VapiNumber = { id: string; number?: string; status?: string };

/** What a purchase got: the Vapi number, and the Twilio number behind it when there is one. */
export interface ProvidedNumber {
  vapi: VapiNumber;
  provider: "vapi" | "twilio";
  twilioSid: string | null;
}

/** The settings every number gets at Vapi, whoever sells it. */
export interface VapiNumberSettings {
  name: string;
  server: Vapi.Server;
  fallbackDestination?: { type: "number"; number: string };
}

/** The path Twilio posts a number's inbound texts (and our texts' status callbacks) to. */
export const TWILIO_WEBHOOK_PATH = "/api/webhooks/twilio";

const twilioOf = (deps: PhoneNumberDeps): TwilioClient => deps.twilio?.() ?? createTwilioClient(deps.config);

/** A number from `provider` (the buyer's choice, else NUMBER_PROVIDER). */
export async function provideNumber(
  deps: PhoneNumberDeps,
  settings: VapiNumberSettings,
  areaCode: string | undefined,
  provider: "vapi" | "twilio" = deps.config.NUMBER_PROVIDER,
): Promise<ProvidedNumber> {
  if (provider === "twilio") return provideTwilioNumber(deps, settings, areaCode);
  const request: Vapi.CreatePhoneNumbersRequest = { provider: "vapi", ...settings, ...(areaCode ? { numberDesiredAreaCode: areaCode } : {}) };
  const vapi = (await deps.vapi().phoneNumbers.create(request).catch((error: unknown) => {
    throw vapiFailure(error, "provide a phone number");
  })) as VapiNumber;
  return { vapi, provider: "vapi", twilioSid: null };
}

async function provideTwilioNumber(deps: PhoneNumberDeps, settings: VapiNumberSettings, areaCode: string | undefined): Promise<ProvidedNumber> {
  const twilio = twilioOf(deps);
  const { authToken } = { authToken: deps.config.TWILIO_AUTH_TOKEN ?? "" };
  const found = await twilio.searchLocalNumbers({ areaCode, limit: 1 }).catch((error: unknown) => {
    throw twilioFailure(error, "search for a number");
  });
  const candidate = found[0];
  if (!candidate) {
    throw new AppError("conflict", areaCode ? `Twilio has no number that can text in area code ${areaCode}. Try another area code.` : "Twilio has no number that can text right now. Please try again later.");
  }
  let bought: { sid: string; phone_number: string };
  try {
    bought = await twilio.buyNumber({ phoneNumber: candidate.phone_number, friendlyName: settings.name, smsUrl: `${deps.config.APP_URL}${TWILIO_WEBHOOK_PATH}` });
  } catch (error) {
    // A refusal (4xx) bought nothing; an answer lost on the way (5xx, timeout) may have: look.
    if (!(error instanceof TwilioApiError && error.status < 500)) await releaseTwilioIfBought(deps, twilio, candidate.phone_number);
    throw twilioFailure(error, "buy the number");
  }
  const request: Vapi.CreatePhoneNumbersRequest = {
    provider: "twilio",
    number: bought.phone_number,
    twilioAccountSid: twilio.accountSid,
    twilioAuthToken: authToken,
    smsEnabled: false,
    ...settings,
  };
  try {
    const vapi = (await deps.vapi().phoneNumbers.create(request)) as VapiNumber;
    return { vapi, provider: "twilio", twilioSid: bought.sid };
  } catch (error) {
    await releaseAtVapiIfImported(deps, bought.phone_number);
    await releaseTwilio(deps, twilio, bought.sid);
    throw vapiFailure(error, "take the number bought at Twilio");
  }
}

/** Undoes a purchase whose row could not be written: Vapi first (no call routes to it), then Twilio. */
export async function releaseProvided(deps: PhoneNumberDeps, provided: Pick<ProvidedNumber, "twilioSid"> & { vapiPhoneNumberId: string }): Promise<void> {
  try {
    await deps.vapi().phoneNumbers.delete({ id: provided.vapiPhoneNumberId });
  } catch (error) {
    if (!isVapiNotFound(error)) deps.logger.error("could not release an unrecorded Vapi number", { vapiPhoneNumberId: provided.vapiPhoneNumberId });
  }
  if (provided.twilioSid) await releaseTwilio(deps, twilioOf(deps), provided.twilioSid);
}

/** Releases a number we hold on both sides; a side that no longer has it counts as done. A failure is a 502, the row kept for a retry. */
export async function releaseNumber(deps: PhoneNumberDeps, row: { vapiPhoneNumberId: string; twilioSid: string | null }): Promise<void> {
  await deleteAtVapi(() => deps.vapi().phoneNumbers.delete({ id: row.vapiPhoneNumberId }), "release the phone number");
  if (!row.twilioSid) return;
  await twilioOf(deps)
    .releaseNumber(row.twilioSid)
    .catch((error: unknown) => {
      throw twilioFailure(error, "release the number");
    });
}

async function releaseTwilio(deps: PhoneNumberDeps, twilio: TwilioClient, sid: string) {
  await twilio.releaseNumber(sid).catch(() => deps.logger.error("could not release a Twilio number we do not keep; release it in Twilio's console", { twilioSid: sid }));
}

async function releaseTwilioIfBought(deps: PhoneNumberDeps, twilio: TwilioClient, e164: string) {
  try {
    const held = await twilio.findIncomingNumber(e164);
    if (held) await releaseTwilio(deps, twilio, held.sid);
  } catch {
    deps.logger.error("could not check whether a failed Twilio purchase bought the number", { number: `…${e164.slice(-4)}` });
  }
}

/** A failed import may still have created the number at Vapi (its answer lost): find and delete it. */
async function releaseAtVapiIfImported(deps: PhoneNumberDeps, e164: string) {
  try {
    const listed = (await deps.vapi().phoneNumbers.list()) as VapiNumber[];
    for (const number of listed) if (number.number === e164) await deps.vapi().phoneNumbers.delete({ id: number.id });
  } catch {
    deps.logger.error("could not check whether a failed Vapi import kept the number", { number: `…${e164.slice(-4)}` });
  }
}
