/**
 * Payload checks for the Vapi stand-in, answering the way Vapi's API (NestJS + class-validator
 * with `whitelist` and `forbidNonWhitelisted`) does: a list of messages such as
 * "property foo should not exist", "name must be shorter than or equal to 40 characters",
 * "model.tools.0.type must be one of the following values: …". Field names and ranges follow
 * the DTOs of @vapi-ai/server-sdk 2.0.1 (CreateAssistantDto, CreateVapiPhoneNumberDto,
 * CreateWebhookCredentialDto, Server, BackoffPlan, AnalysisPlan, …).
 *
 * A spec is a plain object: {type: "string"|"number"|"boolean"|"object"|"array"|"union"|"any", …}.
 */

/** @typedef {{ type: string, [key: string]: unknown }} Spec */

const E164 = /^\+[1-9]\d{7,14}$/;

export const str = (options = {}) => ({ type: "string", ...options });
export const num = (options = {}) => ({ type: "number", ...options });
export const bool = () => ({ type: "boolean" });
export const any = () => ({ type: "any" });
export const arr = (items, options = {}) => ({ type: "array", items, ...options });
/** A closed object: properties not listed "should not exist". */
export const obj = (props, required = [], options = {}) => ({ type: "object", props, required, ...options });
/** An object whose properties are checked only where listed (for DTOs this stand-in does not model in full). */
export const open = (props = {}, required = []) => ({ type: "object", props, required, open: true });
/** One of several closed objects, picked by a discriminator property (`type` or `provider`). */
export const union = (key, variants) => ({ type: "union", key, variants });

/**
 * @param {unknown} value
 * @param {Spec} spec
 * @returns {string[]} class-validator style messages; empty when valid
 */
export function validate(value, spec) {
  const errors = [];
  if (!isObject(value)) return ["request body must be a JSON object"];
  checkObject(value, spec, "", errors, true);
  return errors;
}

function check(value, spec, path, errors) {
  switch (spec.type) {
    case "any":
      return;
    case "string":
      if (typeof value !== "string") return void errors.push(`${path} must be a string`);
      if (spec.enum && !spec.enum.includes(value)) return void errors.push(`${path} must be one of the following values: ${spec.enum.join(", ")}`);
      if (spec.max !== undefined && value.length > spec.max) errors.push(`${path} must be shorter than or equal to ${spec.max} characters`);
      if (spec.min !== undefined && value.length < spec.min) errors.push(`${path} must be longer than or equal to ${spec.min} characters`);
      if (spec.pattern && !spec.pattern.test(value)) errors.push(`${path} must match ${spec.pattern} regular expression`);
      if (spec.url && !isUrl(value)) errors.push(`${path} must be a URL address`);
      return;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return void errors.push(`${path} must be a number conforming to the specified constraints`);
      if (spec.min !== undefined && value < spec.min) errors.push(`${path} must not be less than ${spec.min}`);
      if (spec.max !== undefined && value > spec.max) errors.push(`${path} must not be greater than ${spec.max}`);
      return;
    case "boolean":
      if (typeof value !== "boolean") errors.push(`${path} must be a boolean value`);
      return;
    case "array":
      if (!Array.isArray(value)) return void errors.push(`${path} must be an array`);
      if (spec.max !== undefined && value.length > spec.max) errors.push(`${path} must contain no more than ${spec.max} elements`);
      value.forEach((item, index) => {
        check(item, spec.items, `${path}.${index}`, errors);
      });
      return;
    case "object":
      if (!isObject(value)) return void errors.push(`nested property ${path} must be either object or array`);
      checkObject(value, spec, path, errors, false);
      return;
    case "union": {
      if (!isObject(value)) return void errors.push(`nested property ${path} must be either object or array`);
      const names = Object.keys(spec.variants);
      const tag = value[spec.key];
      if (typeof tag !== "string" || !names.includes(tag)) {
        return void errors.push(`${path}.${spec.key} must be one of the following values: ${names.join(", ")}`);
      }
      checkObject(value, spec.variants[tag], path, errors, false, spec.key);
      return;
    }
    default:
      throw new Error(`unknown spec type ${spec.type}`);
  }
}

function checkObject(value, spec, path, errors, topLevel, discriminator) {
  const prefix = path ? `${path}.` : "";
  for (const name of spec.required ?? []) {
    if (value[name] === undefined || value[name] === null) errors.push(`${prefix}${name} should not be empty`);
  }
  for (const [name, item] of Object.entries(value)) {
    if (name === discriminator) continue;
    const propSpec = spec.props?.[name];
    if (!propSpec) {
      if (!spec.open) errors.push(topLevel ? `property ${name} should not exist` : `property ${prefix}${name} should not exist`);
      continue;
    }
    if (item === undefined || (item === null && !(spec.required ?? []).includes(name))) continue;
    check(item, propSpec, `${prefix}${name}`, errors);
  }
  if (typeof spec.refine === "function") spec.refine(value, prefix, errors);
}

function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The DTOs

const backoffPlan = obj(
  {
    type: str({ enum: ["fixed", "exponential"] }),
    maxRetries: num({ min: 0, max: 10 }),
    baseDelaySeconds: num({ min: 0, max: 10 }),
    excludedStatusCodes: arr(num()),
  },
  ["maxRetries", "baseDelaySeconds"],
);

export const serverSpec = obj({
  url: str({ url: true }),
  timeoutSeconds: num({ min: 1, max: 300 }),
  credentialId: str(),
  staticIpAddressesEnabled: bool(),
  encryptedPaths: arr(str()),
  headers: open(),
  backoffPlan,
});

const toolMessage = open({ type: str({ enum: ["request-start", "request-complete", "request-failed", "request-response-delayed"] }), content: str({ max: 1000 }) }, ["type"]);

const e164Refine = (value, prefix, errors) => {
  if (value.numberE164CheckEnabled !== false && typeof value.number === "string" && !E164.test(value.number)) {
    errors.push(`${prefix}number must be a valid phone number in the E.164 format`);
  }
};

const numberDestination = obj(
  {
    number: str({ min: 3, max: 40 }),
    numberE164CheckEnabled: bool(),
    extension: str({ max: 10 }),
    callerId: str({ max: 40 }),
    message: any(),
    description: str(),
    name: str(),
    transferPlan: any(),
  },
  ["number"],
  { refine: e164Refine },
);

const sipDestination = obj({ sipUri: str(), message: any(), description: str(), name: str(), transferPlan: any(), sipHeaders: any() }, ["sipUri"]);
const assistantDestination = obj({ assistantName: str(), message: any(), description: str(), transferMode: any() }, ["assistantName"]);

const jsonSchema = open({ type: str({ enum: ["string", "number", "integer", "boolean", "array", "object"] }) }, ["type"]);

const functionTool = obj({
  function: obj(
    {
      name: str({ max: 64, pattern: /^[a-zA-Z0-9_-]{1,64}$/ }),
      description: str({ max: 1000 }),
      strict: bool(),
      parameters: obj({ type: str({ enum: ["object"] }), properties: open(), required: arr(str()) }, ["type", "properties"]),
    },
    ["name"],
  ),
  messages: arr(toolMessage),
  async: bool(),
  server: serverSpec,
  parameters: any(),
  variableExtractionPlan: any(),
  rejectionPlan: any(),
});

const otherTool = open();
const toolSpec = union("type", {
  endCall: obj({ messages: arr(toolMessage), rejectionPlan: any() }),
  transferCall: obj({
    destinations: arr(union("type", { number: numberDestination, sip: sipDestination, assistant: assistantDestination })),
    messages: arr(toolMessage),
    rejectionPlan: any(),
  }),
  function: functionTool,
  apiRequest: otherTool,
  dtmf: otherTool,
  query: otherTool,
  sms: otherTool,
  voicemail: otherTool,
  handoff: otherTool,
  mcp: otherTool,
  bash: otherTool,
  code: otherTool,
  computer: otherTool,
  textEditor: otherTool,
  sipRequest: otherTool,
  "google.calendar.availability.check": otherTool,
  "google.calendar.event.create": otherTool,
  "google.sheets.row.append": otherTool,
  "slack.message.send": otherTool,
});

const modelFields = {
  model: str(),
  messages: arr(obj({ role: str({ enum: ["assistant", "function", "user", "system", "tool"] }), content: str() }, ["role"])),
  tools: arr(toolSpec),
  toolIds: arr(str()),
  toolRefs: any(),
  knowledgeBase: any(),
  knowledgeBaseId: str(),
  fallbackModels: any(),
  toolStrictCompatibilityMode: any(),
  promptCacheRetention: any(),
  promptCacheKey: str(),
  reasoningEffort: any(),
  temperature: num({ min: 0, max: 2 }),
  maxTokens: num({ min: 50, max: 10000 }),
  emotionRecognitionEnabled: bool(),
  numFastTurns: num({ min: 0 }),
  thinking: any(),
  url: str(),
  metadataSendMode: any(),
};
const model = (extra = {}) => obj({ ...modelFields, ...extra }, ["model"]);
const modelSpec = union("provider", {
  openai: model(),
  anthropic: model(),
  "anthropic-bedrock": model(),
  anyscale: model(),
  cerebras: model(),
  "custom-llm": model(),
  deepinfra: model(),
  "deep-seek": model(),
  google: model(),
  groq: model(),
  "inflection-ai": model(),
  minimax: model(),
  openrouter: model(),
  "perplexity-ai": model(),
  "together-ai": model(),
  xai: model(),
  vapi: model(),
});

/** Vapi's own voices (VapiVoice.voiceId enum in Vapi's API schema). */
export const VAPI_VOICE_IDS = [
  "Clara", "Godfrey", "Layla", "Sid", "Gustavo", "Elliot", "Kylie", "Rohan", "Lily", "Savannah", "Hana", "Neha",
  "Cole", "Harry", "Paige", "Spencer", "Nico", "Kai", "Emma", "Sagar", "Neil", "Naina", "Leah", "Tara", "Jess",
  "Leo", "Dan", "Mia", "Zac", "Zoe",
];
const voiceFields = { voiceId: str(), speed: num({ min: 0.25, max: 2 }) };
const otherVoice = open(voiceFields, ["voiceId"]);
const voiceSpec = union("provider", {
  vapi: open({ ...voiceFields, voiceId: str({ enum: VAPI_VOICE_IDS }) }, ["voiceId"]),
  openai: otherVoice,
  "11labs": otherVoice,
  azure: otherVoice,
  cartesia: otherVoice,
  deepgram: otherVoice,
  playht: otherVoice,
  "rime-ai": otherVoice,
  lmnt: otherVoice,
  neuphonic: otherVoice,
  hume: otherVoice,
  wellsaid: otherVoice,
  "smallest-ai": otherVoice,
  tavus: otherVoice,
  sesame: otherVoice,
  inworld: otherVoice,
  minimax: otherVoice,
  xai: otherVoice,
  microsoft: otherVoice,
  "custom-voice": open(),
});
const transcriberSpec = open({ provider: str(), model: str(), language: str() }, ["provider"]);

export const SERVER_MESSAGE_TYPES = [
  "assistant.started", "assistant.speechStarted", "conversation-update", "end-of-call-report", "function-call", "hang",
  "language-changed", "language-change-detected", "model-output", "phone-call-control", "speech-update",
  "status-update", "transcript", 'transcript[transcriptType="final"]', "tool-calls", "transfer-destination-request",
  "handoff-destination-request", "transfer-update", "user-interrupted", "voice-input", "chat.created",
  "chat.deleted", "session.created", "session.updated", "session.deleted", "call.deleted", "call.delete.failed",
  "call.artifact.upload",
];

const planWithMessages = { enabled: bool(), messages: arr(open()), timeoutSeconds: num({ min: 1, max: 60 }) };
const analysisPlan = obj({
  minMessagesThreshold: num({ min: 0 }),
  summaryPlan: obj(planWithMessages),
  structuredDataPlan: obj({ ...planWithMessages, schema: jsonSchema }),
  structuredDataMultiPlan: arr(open()),
  successEvaluationPlan: obj({ ...planWithMessages, rubric: str() }),
  outcomeIds: arr(str()),
});

/** CreateAssistantDto / UpdateAssistantDto (every property optional in both). */
export const assistantSpec = obj({
  transcriber: transcriberSpec,
  model: modelSpec,
  voice: voiceSpec,
  firstMessage: str({ max: 1000 }),
  firstMessageInterruptionsEnabled: bool(),
  firstMessageMode: str({ enum: ["assistant-speaks-first", "assistant-speaks-first-with-model-generated-message", "assistant-waits-for-user"] }),
  voicemailDetection: any(),
  clientMessages: arr(str()),
  serverMessages: arr(str({ enum: SERVER_MESSAGE_TYPES })),
  maxDurationSeconds: num({ min: 10, max: 43200 }),
  backgroundSound: any(),
  modelOutputInMessagesEnabled: bool(),
  transportConfigurations: any(),
  observabilityPlan: any(),
  credentials: any(),
  hooks: any(),
  name: str({ max: 40 }),
  voicemailMessage: str({ max: 1000 }),
  endCallMessage: str({ max: 1000 }),
  endCallPhrases: arr(str({ min: 2, max: 140 })),
  compliancePlan: any(),
  metadata: open(),
  backgroundSpeechDenoisingPlan: any(),
  analysisPlan,
  // ArtifactPlan: its switches are booleans (recordingEnabled defaults to true at Vapi).
  artifactPlan: open({
    recordingEnabled: bool(),
    videoRecordingEnabled: bool(),
    fullMessageHistoryEnabled: bool(),
    pcapEnabled: bool(),
    loggingEnabled: bool(),
    recordingFormat: str({ enum: ["wav;l16", "mp3"] }),
  }),
  startSpeakingPlan: any(),
  stopSpeakingPlan: any(),
  monitorPlan: any(),
  credentialIds: arr(str()),
  server: serverSpec,
  keypadInputPlan: any(),
});

const fallbackDestination = union("type", { number: numberDestination, sip: sipDestination });
const vapiNumberFields = {
  fallbackDestination,
  hooks: any(),
  name: str({ max: 40 }),
  assistantId: str(),
  workflowId: str(),
  squadId: str(),
  server: serverSpec,
  sipUri: str(),
  authentication: any(),
};

/** CreatePhoneNumbersRequest with provider "vapi" (the only kind this stand-in provisions). */
export const createVapiNumberSpec = obj(
  { ...vapiNumberFields, provider: str({ enum: ["vapi"] }), numberDesiredAreaCode: str({ pattern: /^\d{3}$/ }) },
  ["provider"],
);
/** UpdatePhoneNumbersRequestBody for a Vapi number (the SDK sends `provider` with it). */
export const updateVapiNumberSpec = obj({ ...vapiNumberFields, provider: str({ enum: ["vapi"] }) });

/** The fields of a Twilio number at Vapi (CreateTwilioPhoneNumberDto / UpdateTwilioPhoneNumberDto). */
const twilioNumberFields = {
  ...vapiNumberFields,
  provider: str({ enum: ["twilio"] }),
  number: str({ pattern: E164 }),
  twilioAccountSid: str(),
  twilioAuthToken: str(),
  twilioApiKey: str(),
  twilioApiSecret: str(),
  smsEnabled: bool(),
};
/** CreatePhoneNumbersRequest with provider "twilio": a number bought at Twilio, imported. */
export const createTwilioNumberSpec = obj(twilioNumberFields, ["provider", "number", "twilioAccountSid"]);
export const updateTwilioNumberSpec = obj(twilioNumberFields);

/** CreateWebhookCredentialDto (POST /credential with provider "webhook"). */
export const createCredentialSpec = obj(
  {
    provider: str({ enum: ["webhook"] }),
    name: str({ max: 40 }),
    authenticationPlan: union("type", {
      hmac: obj(
        {
          secretKey: str({ min: 1 }),
          algorithm: str({ enum: ["sha256", "sha512", "sha1"] }),
          signatureHeader: str(),
          timestampHeader: str(),
          signaturePrefix: str(),
          includeTimestamp: bool(),
          payloadFormat: str(),
          messageIdHeader: str(),
          signatureEncoding: str({ enum: ["hex", "base64"] }),
          secretIsBase64: bool(),
        },
        ["secretKey", "algorithm"],
      ),
      bearer: obj({ token: str({ min: 1 }), headerName: str(), bearerPrefixEnabled: bool() }, ["token"]),
      oauth2: obj({ url: str({ url: true }), clientId: str(), clientSecret: str(), scope: str() }, ["url", "clientId", "clientSecret"]),
    }),
  },
  ["provider", "authenticationPlan"],
);
