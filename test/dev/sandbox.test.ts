/**
 * The sandbox of `npm run dev`, end to end over HTTP against a real `wrangler dev` with the
 * Durable Object, the queue and every stand-in: what a new user does in the first minutes
 * with no keys at all.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack } from "../../dev/stack.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
/** `npm run simulate:call -- …args` against the stack, as a user runs it; its output. */
const simulate = async (appUrl: string, args: string[]) =>
  (await promisify(execFile)(process.execPath, [path.join(ROOT, "dev", "simulate-call.mjs"), ...args], { cwd: ROOT, env: { ...process.env, APP_URL: appUrl }, timeout: 120_000 })).stdout;

type Stack = Awaited<ReturnType<typeof startStack>>;

describe("sandbox (npm run dev with no keys)", () => {
  let stack: Stack;
  let cookie = "";

  const api = async (path: string, init: { method?: string; json?: unknown } = {}) => {
    const headers: Record<string, string> = { cookie, origin: stack.appUrl };
    if (init.json !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${stack.appUrl}${path}`, {
      method: init.method ?? "GET",
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      redirect: "manual",
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  };

  beforeAll(async () => {
    stack = await startStack({ mode: "sandbox" });
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("signs up", async () => {
    const response = await fetch(`${stack.appUrl}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: stack.appUrl },
      body: JSON.stringify({ email: "owner@sandbox.test", password: "sandbox password", name: "Sam", timezone: "America/New_York" }),
    });
    expect(response.status).toBe(201);
    cookie = /session=[^;]+/.exec(response.headers.get("set-cookie") ?? "")?.[0] ?? "";
    expect(cookie).not.toBe("");
  });

  it("cannot buy a number before buying credits (numbers are for accounts that have paid)", async () => {
    const bought = await api("/api/phone-numbers", { method: "POST", json: { areaCode: "512" } });
    expect(bought.status).toBe(402);
    expect(bought.body.error.code).toBe("payment_required");
  });

  it("buys a pack on the sandbox checkout page and sees the balance change, with a receipt mailed", async () => {
    const packs = await api("/api/billing/packs");
    const pack = packs.body.packs[0];
    const checkout = await api("/api/billing/checkout", { method: "POST", json: { packId: pack.id } });
    expect(checkout.status).toBe(200);
    const page = await fetch(checkout.body.url);
    const html = await page.text();
    expect(html).toContain("Pay");
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    expect(action).toBeDefined();
    const paid = await fetch(new URL(action!, checkout.body.url), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "email=owner%40sandbox.test",
      redirect: "manual",
    });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toContain(stack.appUrl);

    const credits = await api("/api/credits");
    expect(credits.body.balance).toBe(pack.credits);
    expect(credits.body.transactions[0]).toMatchObject({ kind: "purchase", delta: pack.credits });

    // The receipt goes through the queue to the SMTP stand-in's inbox.
    const smtp = stack.standIns.services.smtp;
    let received: { subject?: string }[] = [];
    for (let attempt = 0; attempt < 40 && received.length === 0; attempt++) {
      const inbox = (await (await fetch(`${smtp?.url}/messages?to=owner@sandbox.test`)).json()) as { messages: { subject?: string }[] };
      received = inbox.messages;
      if (!received.length) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(received.length).toBe(1);
  });

  it("generates an FAQ, creates an agent with it, and buys a number for it once credits are bought", async () => {
    const businessDescription = "Bright Smile Dental, a family dentist in Austin. Cleanings, fillings, whitening; most insurance accepted.";
    const generated = await api("/api/generate", { method: "POST", json: { kind: "faq", businessDescription } });
    expect(generated.status).toBe(200);
    expect(generated.body.faq.length).toBeGreaterThanOrEqual(5);

    const created = await api("/api/agents", {
      method: "POST",
      json: { name: "Front desk", greeting: "Thanks for calling Bright Smile Dental!", businessDescription, faq: generated.body.faq },
    });
    expect(created.status).toBe(201);
    expect(created.body.agent.vapiAssistantId).toEqual(expect.any(String));

    const bought = await api("/api/phone-numbers", { method: "POST", json: { agentId: created.body.agent.id, areaCode: "512" } });
    expect(bought.status).toBe(201);
    expect(bought.body.phoneNumber).toMatchObject({ agentId: created.body.agent.id });
    expect(bought.body.phoneNumber.number).toMatch(/^\+1512\d{7}$/);
  });

  it("connects the sandbox Google account through its consent page and sees slots", async () => {
    const hours = { mon: [{ start: "09:00", end: "17:00" }], tue: [{ start: "09:00", end: "17:00" }], wed: [{ start: "09:00", end: "17:00" }], thu: [{ start: "09:00", end: "17:00" }], fri: [{ start: "09:00", end: "17:00" }] };
    const agent = await api("/api/agents", {
      method: "POST",
      json: { name: "Bookings", greeting: "Hello!", booking: { enabled: true, appointmentMinutes: 30, businessHours: hours, timezone: "America/New_York" } },
    });
    expect(agent.status).toBe(201);

    const start = await api("/api/auth/google");
    expect(start.status).toBe(302);
    const consentUrl = start.headers.get("location") as string;
    const page = await fetch(consentUrl);
    const html = await page.text();
    expect(html).toContain("owner.sandbox@gmail.com");
    const unescapeHtml = (value: string) => value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    const form = new URLSearchParams([...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [unescapeHtml(m[1] ?? ""), unescapeHtml(m[2] ?? "")]));
    form.set("decision", "allow");
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] as string;
    const allowed = await fetch(new URL(action, consentUrl), { method: "POST", body: form, redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" } });
    const callback = new URL(allowed.headers.get("location") as string);
    expect(callback.origin).toBe(stack.appUrl);
    const landed = await api(`${callback.pathname}${callback.search}`);
    expect(landed.headers.get("location")).toBe(`${stack.appUrl}/integrations?google=connected`);

    const me = await api("/api/me");
    expect(me.body.user.google).toMatchObject({ connected: true, email: "owner.sandbox@gmail.com", status: "ok", spreadsheetUrl: expect.any(String) });

    const day = new Date(Date.now() + 7 * 86_400_000);
    while (day.getUTCDay() !== 3) day.setUTCDate(day.getUTCDate() + 1); // a Wednesday a week or more ahead
    const date = day.toISOString().slice(0, 10);
    const slots = await api(`/api/google/calendar/availability?agentId=${agent.body.agent.id}&date=${date}`);
    expect(slots.status).toBe(200);
    expect(slots.body.slots).toHaveLength(16);
    expect(slots.body.slots[0].start).toMatch(new RegExp(`^${date}T1[34]:00:00.000Z$`));
  });

  it("simulate:call texts: --script books shows the confirmation from the line's number; --script reminder runs the reminder and the caller's X cancels the event in Google", async () => {
    const books = await simulate(stack.appUrl, ["--script", "books"]);
    // A sandbox line is a number that texts (bought from the Twilio stand-in), though NUMBER_PROVIDER stays vapi.
    expect(books).toContain('that texts (from the Twilio stand-in)');
    const line = /Calling (\+1\d{10}) from/.exec(books)?.[1];
    expect(books).toMatch(new RegExp(`Text from \\${line} to \\+15125550147 \\(1 segment\\(s\\), (queued|sent|delivered)\\): ".+: you're booked for .+\\. Reply X to cancel\\.`));

    const reminder = await simulate(stack.appUrl, ["--script", "reminder", "--caller", "+15125550148"]);
    expect(reminder).toMatch(/Text from \+1\d{10} to \+15125550148 \(confirmation, (queued|sent|delivered), 1 segment\(s\), 1 credit\(s\)\)/);
    expect(reminder).toContain("Running the Cron Trigger as of");
    // Delivered, or held until 08:00 where the business is when the run falls in its quiet hours.
    expect(reminder).toMatch(/Text (from \+1\d{10} to \+15125550148 \(reminder_24h, (queued|sent|delivered)|to \+15125550148 \(reminder_24h\) held for quiet hours).*Reply C to confirm, X to cancel\./);
    expect(reminder).toMatch(/\(cancelled, (queued|sent|delivered), 1 segment\(s\), 1 credit\(s\)\), at the Twilio stand-in: ".+: your appointment .+ is cancelled\."/);
    expect(reminder).toMatch(/Outcome: the appointment at .+ is cancelled in the Google stand-in's calendar \(event status "cancelled"\)/);
  }, 240_000);
});
