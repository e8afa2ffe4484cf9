/**
 * The account a simulated call lands in, reached through the public API as a user would:
 * log in (or, on a fresh sandbox, sign up), then find — or create — an agent with booking on,
 * a number pointing at it, and credits bought on the sandbox's Stripe checkout page.
 */

/** @typedef {{ id: string, number: string, agentId: string | null, vapiPhoneNumberId: string, canText?: boolean }} PhoneNumber */

export const DEMO_EMAIL = "demo@agentline.test";
export const DEMO_PASSWORD = "try agentline in five minutes";
const DEMO_PACK_CREDITS = 100;

export class ApiClient {
  /** @param {string} appUrl */
  constructor(appUrl) {
    this.appUrl = appUrl;
    this.cookie = "";
  }

  /** @param {string} path @param {{ method?: string, json?: unknown }} [init] */
  async request(path, init = {}) {
    const headers = { origin: this.appUrl, ...(this.cookie ? { cookie: this.cookie } : {}), ...(init.json === undefined ? {} : { "content-type": "application/json" }) };
    const response = await fetch(`${this.appUrl}${path}`, { method: init.method ?? "GET", headers, body: init.json === undefined ? undefined : JSON.stringify(init.json) });
    const cookie = /session=[^;]*/.exec(response.headers.get("set-cookie") ?? "")?.[0];
    if (cookie) this.cookie = cookie;
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  /** Like request, but a non-2xx answer throws with the API's own message. */
  async must(path, init = {}) {
    const answer = await this.request(path, init);
    if (answer.status >= 300) throw new Error(`${init.method ?? "GET"} ${path}: HTTP ${answer.status} ${answer.body?.error?.message ?? JSON.stringify(answer.body)}`);
    return answer.body;
  }
}

/**
 * @param {ApiClient} api
 * @param {{ email: string, password: string, agentId?: string, number?: string, texting?: boolean, say: (line: string) => void }} options
 *   `texting`: the app can buy numbers that text (a sandbox with its Twilio stand-in, ADR 0142): the
 *   line is one (`provider: "twilio"`), bought for the agent when its number cannot text, unless
 *   `number` names the one to call.
 * @returns {Promise<{ created: boolean, phoneNumber: PhoneNumber }>}
 */
export async function ensureLine(api, { email, password, agentId, number, texting = false, say }) {
  let created = false;
  const login = await api.request("/api/auth/login", { method: "POST", json: { email, password } });
  if (login.status !== 200) {
    if (email !== DEMO_EMAIL) throw new Error(`could not log in as ${email}: ${login.body?.error?.message ?? `HTTP ${login.status}`}`);
    say(`No demo account yet: signing up ${email}.`);
    await api.must("/api/auth/signup", { method: "POST", json: { email, password, name: "Demo Owner", timezone: "America/Chicago" } });
    created = true;
  }
  const { phoneNumbers } = await api.must("/api/phone-numbers");
  const candidates = /** @type {PhoneNumber[]} */ (phoneNumbers).filter((candidate) =>
    number ? candidate.number === number || candidate.vapiPhoneNumberId === number : agentId ? candidate.agentId === agentId : candidate.agentId);
  let phoneNumber = (texting && !number && candidates.find((candidate) => candidate.canText)) || candidates[0];
  if (!phoneNumber && (number || agentId)) throw new Error(`no number of ${email} matches ${number ?? `agent ${agentId}`}`);
  const provider = texting ? { provider: "twilio" } : {};
  if (phoneNumber && texting && !number && phoneNumber.canText === false && phoneNumber.agentId) {
    say(`${phoneNumber.number} cannot text (a Vapi number): buying a number that can from the Twilio stand-in for the same agent.`);
    ({ phoneNumber } = await api.must("/api/phone-numbers", { method: "POST", json: { agentId: phoneNumber.agentId, areaCode: "512", ...provider } }));
  }
  if (!phoneNumber) {
    const { agents } = await api.must("/api/agents");
    let agent = agents[0];
    if (!agent) {
      say("Creating the demo agent (booking on, Mon–Fri 9–17).");
      ({ agent } = await api.must("/api/agents", { method: "POST", json: demoAgent() }));
      created = true;
    }
    // Numbers are for accounts that have completed a purchase (docs/architecture.md §4): credits first.
    if ((await api.must("/api/credits")).balance === 0) await buyCredits(api, email, say);
    say(`Buying a sandbox number${texting ? " that texts (from the Twilio stand-in)" : ""} for "${agent.name}".`);
    ({ phoneNumber } = await api.must("/api/phone-numbers", { method: "POST", json: { agentId: agent.id, areaCode: "512", ...provider } }));
    created = true;
  }
  const credits = await api.must("/api/credits");
  if (created && credits.balance === 0) await buyCredits(api, email, say);
  const { user } = await api.must("/api/me");
  if (!user.google?.connected) await connectSandboxGoogle(api, say);
  return { created, phoneNumber: /** @type {PhoneNumber} */ (phoneNumber) };
}

/**
 * Connects the account to Google through the consent page, as the owner would click Allow. Only
 * the sandbox's Google stand-in is driven this way; with real Google (or none) it says so and
 * the booking tools answer their spoken fallback.
 */
export async function connectSandboxGoogle(api, say) {
  const start = await fetch(`${api.appUrl}/api/auth/google`, { headers: { cookie: api.cookie }, redirect: "manual" });
  const consentUrl = start.headers.get("location");
  if (start.status !== 302 || !consentUrl) return say("Google is not available here: the booking tools will answer their spoken fallback.");
  const html = await (await fetch(consentUrl)).text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) {
    return say(`Google is real here: connect it in the dashboard (${api.appUrl}) to let the agent book.`);
  }
  const decodeEntities = (value) => value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  /** @type {[string, string][]} */
  const fields = [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((match) => [decodeEntities(match[1] ?? ""), decodeEntities(match[2] ?? "")]);
  const form = new URLSearchParams(fields);
  form.set("decision", "allow");
  const allowed = await fetch(new URL(decodeEntities(action), consentUrl), { method: "POST", body: form, redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" } });
  const callback = allowed.headers.get("location");
  if (!callback) throw new Error(`the Google consent page answered HTTP ${allowed.status}`);
  const landed = await fetch(callback, { headers: { cookie: api.cookie }, redirect: "manual" });
  const { user } = await api.must("/api/me");
  if (!user.google?.connected) throw new Error(`connecting Google failed (the callback answered HTTP ${landed.status})`);
  say(`Connected the sandbox Google account ${user.google.email}: bookings go to its calendar, calls to its sheet.`);
}

/** Buys the smallest pack on the sandbox checkout page (the stand-in sends the signed webhook). */
export async function buyCredits(api, email, say) {
  const { packs } = await api.must("/api/billing/packs");
  const pack = packs.find((candidate) => candidate.credits === DEMO_PACK_CREDITS) ?? packs[0];
  say(`Buying the "${pack.name}" pack (${pack.credits} credits) on the sandbox checkout page.`);
  const { url } = await api.must("/api/billing/checkout", { method: "POST", json: { packId: pack.id } });
  const html = await (await fetch(url)).text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`the checkout page at ${url} has no payment form: is Stripe a stand-in?`);
  const paid = await fetch(new URL(action, url), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `email=${encodeURIComponent(email)}`,
    redirect: "manual",
  });
  if (paid.status !== 303) throw new Error(`the sandbox checkout answered HTTP ${paid.status}`);
}

function demoAgent() {
  const hours = [{ start: "09:00", end: "17:00" }];
  return {
    name: "Bella's Front Desk",
    greeting: "Hi, thanks for calling Bella Hair Studio! How can I help you today?",
    businessDescription: "Bella Hair Studio, a hair salon in Austin, Texas. Cuts, colour, blow-dries and bridal styling.",
    faq: [
      { question: "What are your opening hours?", answer: "Monday to Friday, nine to five." },
      { question: "Where are you?", answer: "On 1200 South Congress Avenue in Austin, with free parking behind the building." },
      { question: "How much is a haircut?", answer: "A cut and blow-dry is 55 dollars; children's cuts are 30." },
    ],
    policies: "Appointments can be moved or cancelled up to 24 hours ahead at no charge.",
    booking: { enabled: true, appointmentMinutes: 30, businessHours: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours }, timezone: "America/Chicago" },
    // The owner gets an e-mail after every call, and every call is a row in the sheet.
    notify: "all",
    sheetsLogging: true,
  };
}
