/**
 * The stand-ins keep their state in a data dir (kit.mjs "Kept state"), so restarting `npm run
 * dev` changes nothing a user can see: after a restart on the same dir, Vapi still has the
 * assistant and the webhook credential, Stripe the session, SMTP the inbox; `wipe` forgets them.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { VapiClient } from "@vapi-ai/server-sdk";
import Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { startBackingServices } from "../../dev/backing-services.mjs";
import { startStandIns } from "../../dev/stand-ins/index.mjs";
import { openState } from "../../dev/stand-ins/kit.mjs";

type StandIns = Awaited<ReturnType<typeof startStandIns>>;
const running: StandIns[] = [];
const dirs: string[] = [];

async function start(dataDir: string, wipe = false) {
  const standIns = await startStandIns({ names: ["vapi", "stripe", "smtp"], dataDir, wipe });
  running.push(standIns);
  const vapi = new VapiClient({ token: standIns.bindings.VAPI_API_KEY as string, environment: standIns.bindings.VAPI_BASE_URL as string });
  const stripeBase = new URL(standIns.bindings.STRIPE_API_BASE as string);
  const stripe = new Stripe(standIns.bindings.STRIPE_SECRET_KEY as string, { host: stripeBase.hostname, port: Number(stripeBase.port), protocol: "http" });
  return { standIns, vapi, stripe };
}

function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-stand-in-state-"));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const standIns of running.splice(0)) await standIns.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("stand-in state across restarts", () => {
  it("keeps the assistant, the webhook credential, the checkout session and the inbox", async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const assistant = await first.vapi.assistants.create({ name: "Front desk", firstMessage: "Hello!" });
    const credential = await vapiCredential(first.standIns);
    const session = await first.stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 1000, product_data: { name: "Starter" } } }],
      success_url: "http://127.0.0.1:8787/billing",
    });
    await sendMail(first.standIns, "owner@example.test", "Your receipt");
    const keys = { secret: first.standIns.bindings.STRIPE_SECRET_KEY, webhook: first.standIns.bindings.STRIPE_WEBHOOK_SECRET };
    await first.standIns.close();

    const second = await start(dataDir);
    expect(await second.vapi.assistants.get({ id: assistant.id })).toMatchObject({ id: assistant.id, name: "Front desk" });
    const credentialAgain = await fetch(`${second.standIns.bindings.VAPI_BASE_URL}/credential/${credential.id}`, {
      headers: { authorization: `Bearer ${second.standIns.bindings.VAPI_API_KEY}` },
    });
    expect(credentialAgain.status).toBe(200);
    expect(await credentialAgain.json()).toMatchObject({ id: credential.id, provider: "webhook" });
    // The worker is handed the keys again at start; they stay the same, so events signed before still verify.
    expect({ secret: second.standIns.bindings.STRIPE_SECRET_KEY, webhook: second.standIns.bindings.STRIPE_WEBHOOK_SECRET }).toEqual(keys);
    expect(await second.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ id: session.id, status: "open", amount_total: 1000 });
    const inbox = (await (await fetch(`${second.standIns.services.smtp?.url}/messages?to=owner@example.test`)).json()) as { messages: { subject: string }[] };
    expect(inbox.messages.map((m) => m.subject)).toEqual(["Your receipt"]);
    expect(fs.readdirSync(dataDir).sort()).toEqual(["smtp.json", "stripe.json", "vapi.json"]);
  });

  it("forgets everything when told to wipe (a database created afresh)", async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const assistant = await first.vapi.assistants.create({ name: "Front desk" });
    await first.standIns.close();

    const second = await start(dataDir, true);
    await expect(second.vapi.assistants.get({ id: assistant.id })).rejects.toMatchObject({ statusCode: 404 });
    expect(await second.vapi.assistants.list()).toEqual([]);
  });

  it("npm run dev's services: a restart keeps the stand-ins' state; a database created afresh wipes it", async () => {
    const dataDir = tempDir();
    const boot = async () => {
      const backing = await startBackingServices({ appUrl: "http://127.0.0.1:8787", dataDir });
      const vars = backing.workerVars;
      const vapi = new VapiClient({ token: vars.VAPI_API_KEY as string, environment: vars.VAPI_BASE_URL as string });
      return { backing, vapi };
    };
    const first = await boot();
    const assistant = await first.vapi.assistants.create({ name: "Front desk" });
    await first.backing.close();

    const second = await boot();
    expect(await second.vapi.assistants.get({ id: assistant.id })).toMatchObject({ id: assistant.id });
    await second.backing.close();

    // The developer deletes the database (not the whole .data/): the stand-ins start over with it.
    fs.rmSync(path.join(dataDir, "pglite"), { recursive: true, force: true });
    const third = await boot();
    await expect(third.vapi.assistants.get({ id: assistant.id })).rejects.toMatchObject({ statusCode: 404 });
    await third.backing.close();
  });

  it("ids that name Object.prototype's members are just unknown ids", async () => {
    const { standIns, stripe } = await start(tempDir());
    for (const id of ["__proto__", "constructor", "toString"]) {
      const vapi = await fetch(`${standIns.bindings.VAPI_BASE_URL}/assistant/${id}`, { headers: { authorization: `Bearer ${standIns.bindings.VAPI_API_KEY}` } });
      expect(vapi.status).toBe(404);
      await expect(stripe.customers.retrieve(id)).rejects.toMatchObject({ statusCode: 404 });
    }
    // Form keys that would reach Object.prototype in a naive decoder (this process runs the stand-in).
    const created = await fetch(`${standIns.bindings.STRIPE_API_BASE}/v1/customers`, {
      method: "POST",
      headers: { authorization: `Bearer ${standIns.bindings.STRIPE_SECRET_KEY}`, "content-type": "application/x-www-form-urlencoded" },
      body: "email=proto%40example.test&metadata[__proto__][polluted]=yes&metadata[constructor][prototype][polluted]=yes&metadata[plain]=y",
    });
    expect(created.status).toBe(200);
    expect(((await created.json()) as { metadata: unknown }).metadata).toEqual({ plain: "y" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("without a data dir, keeps nothing on disk", async () => {
    const store = openState({ dataDir: null, name: "demo", initial: () => ({ items: [1] }) });
    store.save();
    expect(store.file).toBeNull();
  });

  it("writes atomically and moves an unreadable file aside instead of trusting it", () => {
    const dataDir = tempDir();
    const store = openState({ dataDir, name: "demo", initial: () => ({ items: [] as number[], added: "later" }) });
    store.data.items.push(1, 2);
    store.save();
    expect(fs.readdirSync(dataDir)).toEqual(["demo.json"]);
    fs.writeFileSync(path.join(dataDir, "demo.json"), JSON.stringify({ items: [3] }));
    // Fields added since the file was written start from their initial value.
    expect(openState({ dataDir, name: "demo", initial: () => ({ items: [] as number[], added: "later" }) }).data).toEqual({ items: [3], added: "later" });

    fs.writeFileSync(path.join(dataDir, "demo.json"), '{"items": [1, 2');
    const warn = console.warn;
    console.warn = () => {};
    try {
      expect(openState({ dataDir, name: "demo", initial: () => ({ items: [] as number[] }) }).data).toEqual({ items: [] });
    } finally {
      console.warn = warn;
    }
    expect(fs.readdirSync(dataDir).some((name) => name.startsWith("demo.json.unreadable-"))).toBe(true);
  });
});

async function vapiCredential(standIns: StandIns): Promise<{ id: string }> {
  const response = await fetch(`${standIns.bindings.VAPI_BASE_URL}/credential`, {
    method: "POST",
    headers: { authorization: `Bearer ${standIns.bindings.VAPI_API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({
      provider: "webhook",
      name: "Agentline webhook",
      authenticationPlan: { type: "hmac", secretKey: "0123456789abcdef0123456789abcdef", algorithm: "sha256" },
    }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string };
}

/** One message over plain SMTP with AUTH PLAIN, the dialogue any client has. */
async function sendMail(standIns: StandIns, to: string, subject: string) {
  const socket = net.connect(Number(standIns.bindings.SMTP_PORT), "127.0.0.1");
  let buffer = "";
  const waiters: (() => void)[] = [];
  socket.on("data", (chunk) => {
    buffer += chunk.toString();
    waiters.shift()?.();
  });
  const reply = async (code: string) => {
    while (!new RegExp(`(^|\\n)${code} `).test(buffer)) await new Promise<void>((resolve) => waiters.push(resolve));
    buffer = "";
  };
  const say = async (line: string, code: string) => {
    socket.write(`${line}\r\n`);
    await reply(code);
  };
  await reply("220");
  await say("EHLO test", "250");
  const plain = Buffer.from(`\u0000${standIns.bindings.SMTP_USER}\u0000${standIns.bindings.SMTP_PASS}`).toString("base64");
  await say(`AUTH PLAIN ${plain}`, "235");
  await say("MAIL FROM:<no-reply@agentline.local>", "250");
  await say(`RCPT TO:<${to}>`, "250");
  await say("DATA", "354");
  await say(`Subject: ${subject}\r\nFrom: no-reply@agentline.local\r\nTo: ${to}\r\n\r\nThanks.\r\n.`, "250");
  socket.end("QUIT\r\n");
}
