/**
 * Twilio's REST API (2010-04-01) over fetch, as twilio-node speaks it: form-encoded bodies with
 * Twilio's PascalCase parameter names, HTTP Basic auth with AccountSid:AuthToken, JSON answers
 * with snake_case fields, and errors as `{code, message, more_info, status}`. The twilio package
 * itself needs Node's http/https and axios, which workerd does not have (ADR 0140), so this file
 * is the whole client: the few endpoints we use, typed from twilio-node's resource interfaces.
 */
import type { Config } from "../../config/env";
import { AppError, requireSetting } from "../../errors";
import { withTimeout } from "../../lib/timeout";

export const TWILIO_TIMEOUT_MS = 15_000;
const API = "2010-04-01";

type TwilioConfig = Pick<Config, "TWILIO_ACCOUNT_SID" | "TWILIO_AUTH_TOKEN" | "TWILIO_BASE_URL">;

/** twilio-node's PhoneNumberCapabilities; Twilio's JSON has written them in either case. */
export interface TwilioCapabilities {
  voice?: boolean;
  sms?: boolean;
  SMS?: boolean;
  mms?: boolean;
  MMS?: boolean;
}

/** AvailablePhoneNumbers/{country}/Local.json: `available_phone_numbers[]` (twilio-node LocalResource). */
export interface TwilioAvailableNumber {
  friendly_name: string;
  phone_number: string;
  locality?: string | null;
  region?: string | null;
  iso_country: string;
  capabilities: TwilioCapabilities;
}

/** IncomingPhoneNumbers (twilio-node IncomingPhoneNumberResource): the fields we read. */
export interface TwilioIncomingNumber {
  sid: string;
  account_sid: string;
  phone_number: string;
  friendly_name: string;
  sms_url: string | null;
  capabilities: TwilioCapabilities;
}

/** Messages.json (twilio-node MessageResource): the fields we read. */
export interface TwilioMessage {
  sid: string;
  status: string;
  to: string;
  from: string;
  body: string;
  /** A string in Twilio's JSON ("1"). */
  num_segments: string;
  error_code: number | null;
  error_message: string | null;
}

/** A refusal from Twilio's API, with Twilio's own code (https://www.twilio.com/docs/api/errors). */
export class TwilioApiError extends Error {
  override name = "TwilioApiError";
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    message: string,
    readonly moreInfo?: string,
  ) {
    super(message);
  }
}

export interface TwilioClient {
  readonly accountSid: string;
  searchLocalNumbers(input: { country?: string; areaCode?: string; limit?: number }): Promise<TwilioAvailableNumber[]>;
  buyNumber(input: { phoneNumber: string; friendlyName: string; smsUrl: string }): Promise<TwilioIncomingNumber>;
  findIncomingNumber(phoneNumber: string): Promise<TwilioIncomingNumber | null>;
  /** Idempotent: a number Twilio no longer has (404) counts as released. */
  releaseNumber(sid: string): Promise<void>;
  sendMessage(input: { from: string; to: string; body: string; statusCallback?: string }): Promise<TwilioMessage>;
}

export function canText(capabilities: TwilioCapabilities | undefined): boolean {
  return Boolean(capabilities?.sms ?? capabilities?.SMS);
}

export function requireTwilio(config: TwilioConfig): { accountSid: string; authToken: string } {
  return {
    accountSid: requireSetting(config.TWILIO_ACCOUNT_SID, "TWILIO_ACCOUNT_SID", "texting and Twilio numbers"),
    authToken: requireSetting(config.TWILIO_AUTH_TOKEN, "TWILIO_AUTH_TOKEN", "texting and Twilio numbers"),
  };
}

/** A client for `config`; 503 `service_not_configured` without TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN. */
export function createTwilioClient(config: TwilioConfig, options: { timeoutMs?: number; fetch?: typeof fetch } = {}): TwilioClient {
  const { accountSid, authToken } = requireTwilio(config);
  const base = `${config.TWILIO_BASE_URL.replace(/\/$/, "")}/${API}/Accounts/${encodeURIComponent(accountSid)}`;
  const authorization = `Basic ${btoa(`${accountSid}:${authToken}`)}`;
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? TWILIO_TIMEOUT_MS;

  async function request<T>(method: string, path: string, params?: Record<string, string | undefined>): Promise<T | null> {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(params ?? {})) if (value !== undefined) form.append(name, value);
    const url = method === "GET" && params ? `${base}${path}?${form}` : `${base}${path}`;
    const init: RequestInit = { method, headers: { authorization, accept: "application/json" } };
    if (method === "POST") {
      init.headers = { ...init.headers, "content-type": "application/x-www-form-urlencoded" };
      init.body = form.toString();
    }
    let response: Response;
    try {
      response = await withTimeout(doFetch(url, init), timeoutMs, (ms) => new AppError("upstream_timeout", `Twilio did not answer within ${ms} ms.`));
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError("upstream_error", "Twilio could not be reached.");
    }
    if (response.status === 204) return null;
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    if (!response.ok) {
      const error = (body ?? {}) as { code?: number; message?: string; more_info?: string };
      throw new TwilioApiError(response.status, typeof error.code === "number" ? error.code : undefined, error.message ?? `Twilio answered ${response.status}`, error.more_info);
    }
    return body as T;
  }

  return {
    accountSid,
    async searchLocalNumbers({ country = "US", areaCode, limit = 5 }) {
      const page = await request<{ available_phone_numbers: TwilioAvailableNumber[] }>("GET", `/AvailablePhoneNumbers/${encodeURIComponent(country)}/Local.json`, {
        AreaCode: areaCode,
        SmsEnabled: "true",
        VoiceEnabled: "true",
        PageSize: String(limit),
      });
      return page?.available_phone_numbers ?? [];
    },
    async buyNumber({ phoneNumber, friendlyName, smsUrl }) {
      const bought = await request<TwilioIncomingNumber>("POST", "/IncomingPhoneNumbers.json", {
        PhoneNumber: phoneNumber,
        FriendlyName: friendlyName,
        SmsUrl: smsUrl,
        SmsMethod: "POST",
      });
      if (!bought?.sid) throw new TwilioApiError(502, undefined, "Twilio's answer to the purchase had no number sid");
      return bought;
    },
    async findIncomingNumber(phoneNumber) {
      const page = await request<{ incoming_phone_numbers: TwilioIncomingNumber[] }>("GET", "/IncomingPhoneNumbers.json", { PhoneNumber: phoneNumber, PageSize: "1" });
      return page?.incoming_phone_numbers?.[0] ?? null;
    },
    async releaseNumber(sid) {
      try {
        await request("DELETE", `/IncomingPhoneNumbers/${encodeURIComponent(sid)}.json`);
      } catch (error) {
        if (error instanceof TwilioApiError && error.status === 404) return;
        throw error;
      }
    },
    async sendMessage({ from, to, body, statusCallback }) {
      const message = await request<TwilioMessage>("POST", "/Messages.json", { To: to, From: from, Body: body, StatusCallback: statusCallback });
      if (!message?.sid) throw new TwilioApiError(502, undefined, "Twilio's answer to the message had no sid");
      return message;
    },
  };
}

/** A Twilio failure as the API answers it: Twilio's own message, 502 (or 504 for a timeout). */
export function twilioFailure(error: unknown, action: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof TwilioApiError) {
    return new AppError("upstream_error", `Twilio could not ${action}: ${error.message}`, { twilioCode: error.code ?? null, status: error.status });
  }
  return new AppError("upstream_error", `Twilio could not ${action}.`);
}
