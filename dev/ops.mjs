#!/usr/bin/env node
// npm run ops -- <command> [options]: operations on a running Agentline (docs/operations.md).
// Each command is one entry of COMMANDS; a new one adds an entry (and its route in src/routes/ops).
import { parseArgs } from "node:util";
import { readWranglerToml, wranglerEnvironment } from "./deploy/wrangler-config.mjs";
import { readDevVars } from "./dev-vars.mjs";
import { opsApi, SANDBOX_OPS_TOKEN } from "./ops/api.mjs";

/** @typedef {{ api: ReturnType<typeof opsApi>, positionals: string[], values: Record<string, any> }} CommandInput */

/** @type {Record<string, { usage: string, run: (input: CommandInput) => Promise<void> }>} */
const COMMANDS = {
  "dead-letters": {
    usage: "dead-letters [--pending] [--limit N]   the newest dead letters (why, when, replayed or not)",
    async run({ api, values }) {
      const query = new URLSearchParams({ limit: String(values.limit ?? 50), ...(values.pending ? { pending: "true" } : {}) });
      const { deadLetters } = await api("GET", `dead-letters?${query}`);
      if (!deadLetters.length) return console.log("No dead letters.");
      for (const letter of deadLetters) {
        const replayed = letter.replayedAt ? `replayed ${letter.replayedAt}` : "not replayed";
        console.log(`${letter.id}  ${letter.failedAt}  ${letter.type ?? "(no type)"}  attempts ${letter.attempts}  ${replayed}\n    key ${letter.idempotencyKey ?? "-"}: ${letter.reason}`);
      }
    },
  },
  replay: {
    usage: "replay ID                                send that dead letter's message to the side-effects queue again (once)",
    async run({ api, positionals }) {
      const [id] = positionals;
      if (!id) throw new UsageError("replay needs the dead letter's ID (from `npm run ops -- dead-letters`)");
      const result = await api("POST", `dead-letters/${encodeURIComponent(id)}/replay`);
      console.log(result.replayed ? `Replayed ${id} (${result.type ?? "message"}): it is on the side-effects queue again.` : `Not sent: ${id} was already replayed at ${result.replayedAt}.`);
    },
  },
  undelivered: {
    usage: "undelivered [--pending] [--limit N]    signed Vapi messages we could not parse, kept whole (ADR 0410)",
    async run({ api, values }) {
      const query = new URLSearchParams({ limit: String(values.limit ?? 50), ...(values.pending ? { pending: "true" } : {}) });
      const { messages } = await api("GET", `undelivered?${query}`);
      if (!messages.length) return console.log("No undelivered messages.");
      for (const message of messages) {
        const state = message.appliedAt ? `applied ${message.appliedAt} (${message.outcome})` : `not applied${message.lastError ? `; last replay: ${message.lastError}` : ""}`;
        console.log(`${message.id}  ${message.receivedAt}  ${message.type ?? "(no type)"}  call ${message.vapiCallId ?? "-"}  ${state}\n    ${message.reason}`);
      }
    },
  },
  "replay-undelivered": {
    usage: "replay-undelivered ID                    apply that kept Vapi message through the normal handling (a duplicate changes nothing)",
    async run({ api, positionals }) {
      const [id] = positionals;
      if (!id) throw new UsageError("replay-undelivered needs the message's ID (from `npm run ops -- undelivered`)");
      const result = await api("POST", `undelivered/${encodeURIComponent(id)}/replay`);
      const said = {
        applied: `Applied ${id}: ${result.outcome}.`,
        already_applied: `Nothing to do: ${id} was already applied (${result.outcome}).`,
        unreadable: `Still unreadable: ${result.reason}. Deploy a parser that reads it, then replay again.`,
        busy: `Another delivery of that call's report is being handled; try again in a minute.`,
      };
      console.log(said[/** @type {keyof typeof said} */ (result.status)] ?? JSON.stringify(result));
    },
  },
  "reencrypt-google-tokens": {
    usage: "reencrypt-google-tokens [--limit N]   during a key rotation: move idle Google tokens to the current key",
    async run({ api, values }) {
      let total = 0;
      for (;;) {
        const result = await api("POST", `google-tokens/reencrypt?limit=${values.limit ?? 200}`);
        total += result.reencrypted;
        if (result.reencrypted === 0 || result.remaining === 0) {
          console.log(`Re-encrypted ${total} connection(s) under key version ${result.keyVersion}; ${result.remaining} left on an older version${result.unreadable ? ` (${result.unreadable} unreadable with the keys given: those owners must reconnect)` : ""}.`);
          return;
        }
      }
    },
  },
};

const USAGE = `usage: npm run ops -- <command> [--env staging|production | --url URL]

commands:
${Object.values(COMMANDS).map((command) => `  ${command.usage}`).join("\n")}

target: --url URL, else --env NAME (that environment's APP_URL in wrangler.toml), else APP_URL,
else the local app (http://127.0.0.1:$PORT, 8787). The token is OPS_TOKEN from the environment
(or .dev.vars); against the local sandbox app, the sandbox's.`;

class UsageError extends Error {}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { env: { type: "string" }, url: { type: "string" }, limit: { type: "string" }, pending: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
} catch (error) {
  console.error(`${/** @type {Error} */ (error).message}\n\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
const [name, ...rest] = positionals;
if (values.help || !name) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}
const command = COMMANDS[name];
if (!command) {
  console.error(`unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
  process.exit(2);
}

const local = readDevVars();
const url = values.url ?? (values.env ? wranglerEnvironment(readWranglerToml(), values.env).vars.APP_URL : undefined) ?? process.env.APP_URL ?? `http://127.0.0.1:${process.env.PORT || 8787}`;
const isLocal = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(url);
const token = process.env.OPS_TOKEN || (isLocal ? local.OPS_TOKEN || SANDBOX_OPS_TOKEN : undefined);
if (!url || !token) {
  console.error(`OPS_TOKEN is required for ${url} (the value of that environment's OPS_TOKEN secret).`);
  process.exit(2);
}

try {
  await command.run({ api: opsApi({ url, token }), positionals: rest, values });
} catch (error) {
  console.error(error instanceof UsageError ? `${error.message}\n\n${USAGE}` : `ops ${name} failed: ${/** @type {Error} */ (error).message}`);
  process.exit(error instanceof UsageError ? 2 : 1);
}
