/**
 * The sandbox's sample business website: a small salon's site for the website import (ADR 0331)
 * to read offline, and a DNS-over-HTTPS resolver for the import's address checks.
 *
 * Pages (HTML, UTF-8):
 *   /            home: what the salon is, links to every page below and to sites elsewhere
 *   /services    services with lengths and prices          /prices  → 301 to /services
 *   /hours       opening hours with a lunch break           /faq     questions and answers
 *   /about       the team, linking off-site (Instagram, a map): never followed
 *   /gallery     a page over the import's byte limit (about 600 KiB)
 *   /staff       → 302 to https://10.0.0.7/ (a redirect into a private host: refused)
 *   /brochure.pdf    not HTML                                   /blog    a page the page limit leaves out
 * Like every stand-in it records requests and can be told to fail or be slow (`/__control/faults`,
 * kit.mjs). What the site says is kept state, changed with
 *   PUT  /__stand-in/site {services?, hours?, lunch?, faq?}   (the weekly re-read then finds the change)
 *   POST /__stand-in/site/reset                                back to the sample
 *
 * DNS-over-HTTPS, in Cloudflare's JSON form (`GET /dns-query?name=&type=A|AAAA`, accept
 * application/dns-json): names whose first label says where they lead resolve there
 * (`private.*` → 10.0.0.5, `metadata.*` → 169.254.169.254, `loopback.*` → 127.0.0.1, `ula.*` →
 * fd00::5 (AAAA), `cgnat.*` → 100.64.0.9, `public.*` → 93.184.216.34); anything else is NXDOMAIN.
 * The tests point WEB_IMPORT_DNS_URL here to prove names resolving into private ranges are refused.
 */
import { openState, startStandIn } from "./kit.mjs";

const SAMPLE = () => ({
  name: "Bella Hair Studio",
  services: [
    { name: "Women's cut", length: "45 min", price: "$55" },
    { name: "Men's cut", length: "30 min", price: "$35" },
    { name: "Colour", length: "2 hours", price: "from $120" },
    { name: "Balayage", length: "3 hours", price: "$210" },
    { name: "Blow-dry", length: "30 min", price: "$30" },
  ],
  hours: ["Monday: closed", "Tuesday – Friday: 9:00 – 19:00", "Saturday: 9:00 – 17:00", "Sunday: closed"],
  lunch: "Lunch break: 13:00 – 14:00, every day we are open",
  faq: [
    { question: "Do you take walk-ins?", answer: "Yes, when a chair is free, but booking ahead is the surest way to get your time." },
    { question: "How do I cancel an appointment?", answer: "Call us at least 24 hours before your appointment and we will move or cancel it for free." },
    { question: "Is there parking nearby?", answer: "Free parking is behind the building, entrance on Elm Street." },
    { question: "Do you do colour for children?", answer: "We do not colour hair for children under 16." },
  ],
});

const DNS = [
  [/^private\./, "A", "10.0.0.5"],
  [/^metadata\./, "A", "169.254.169.254"],
  [/^loopback\./, "A", "127.0.0.1"],
  [/^cgnat\./, "A", "100.64.0.9"],
  [/^ula\./, "AAAA", "fd00::5"],
  [/^public\./, "A", "93.184.216.34"],
];

/** @param {string} text */
const escapeHtml = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const NAV = [
  ["/services", "Services"],
  ["/prices", "Prices"],
  ["/hours", "Opening hours"],
  ["/faq", "Questions"],
  ["/about", "About us"],
  ["/gallery", "Gallery"],
  ["/staff", "Staff login"],
  ["/brochure.pdf", "Brochure (PDF)"],
  ["/blog", "Blog"],
];

/** @param {string} siteName @param {string} title @param {string} body */
function page(siteName, title, body) {
  const nav = NAV.map(([href, label]) => `<a href="${href}">${label}</a>`).join(" ");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · ${escapeHtml(siteName)}</title>
<style>body{font-family:sans-serif}</style><script>window.analytics = "not text";</script></head>
<body><nav>${nav}</nav><main>${body}</main><footer><p>${escapeHtml(siteName)} · 12 Elm Street, Austin</p></footer></body></html>`;
}

/** @param {{ port?: number, dataDir?: string | null }} [options] */
export async function startSampleWebsiteStandIn({ port = 0, dataDir = null } = {}) {
  const store = openState({ dataDir, name: "sample-website", initial: SAMPLE });
  const site = () => store.data;
  const html = (title, body) => ({ html: page(site().name, title, body) });
  const routes = [
    {
      method: "GET",
      path: "/",
      handle: () =>
        html(
          "Home",
          `<h1>${escapeHtml(site().name)}</h1><p>A friendly hair salon in downtown Austin: cuts, colour and blow-dries by a team of five stylists.</p>
<p>Book online or call us. Follow us on <a href="https://www.instagram.com/bellahairstudio">Instagram</a>.</p>`,
        ),
    },
    {
      method: "GET",
      path: "/services",
      handle: () =>
        html(
          "Services",
          `<h1>Services and prices</h1><ul>${site().services.map((s) => `<li>${escapeHtml(s.name)} — ${escapeHtml(s.length)} — ${escapeHtml(s.price)}</li>`).join("")}</ul>
<p>Every service includes a wash.</p>`,
        ),
    },
    { method: "GET", path: "/prices", handle: () => ({ status: 301, headers: { location: "/services" } }) },
    {
      method: "GET",
      path: "/hours",
      handle: () => html("Opening hours", `<h1>Opening hours</h1><ul>${site().hours.map((line) => `<li>${escapeHtml(line)}</li>`).join("")}</ul><p>${escapeHtml(site().lunch)}</p>`),
    },
    {
      method: "GET",
      path: "/faq",
      handle: () => html("Questions", `<h1>Questions</h1><dl>${site().faq.map((pair) => `<dt>${escapeHtml(pair.question)}</dt><dd>${escapeHtml(pair.answer)}</dd>`).join("")}</dl>`),
    },
    {
      method: "GET",
      path: "/about",
      handle: () =>
        html(
          "About us",
          `<h1>About us</h1><p>Five stylists, one studio, since 2014.</p>
<p>Find us on <a href="https://maps.example.org/bella">the map</a> or see our work on <a href="https://www.instagram.com/bellahairstudio">Instagram</a>.</p>`,
        ),
    },
    // About 600 KiB: over the import's 512 KiB page limit (counted as it streams, whatever a header says).
    { method: "GET", path: "/gallery", handle: () => html("Gallery", `<h1>Gallery</h1>${"<p>Photo of a happy client.</p>".repeat(20_000)}`) },
    { method: "GET", path: "/staff", handle: () => ({ status: 302, headers: { location: "https://10.0.0.7/login" } }) },
    { method: "GET", path: "/brochure.pdf", handle: () => ({ status: 200, text: "%PDF-1.7 brochure", headers: { "content-type": "application/pdf" } }) },
    { method: "GET", path: "/blog", handle: () => html("Blog", "<h1>Blog</h1><p>Summer hair care tips.</p>") },
    { method: "GET", path: "/dns-query", handle: dnsQuery },
    {
      method: "PUT",
      path: "/__stand-in/site",
      handle: (req) => {
        const change = /** @type {Record<string, unknown>} */ (req.body ?? {});
        for (const key of ["services", "hours", "lunch", "faq"]) if (key in change) site()[key] = change[key];
        store.save();
        return { json: site() };
      },
    },
    {
      method: "POST",
      path: "/__stand-in/site/reset",
      handle: () => {
        Object.assign(site(), SAMPLE());
        store.save();
        return { json: site() };
      },
    },
  ];
  return startStandIn({ name: "sample-website", port, routes, state: () => site() });
}

/** Cloudflare's DNS JSON answer for one name and type. */
function dnsQuery(req) {
  const name = String(req.query.name ?? "").toLowerCase().replace(/\.$/, "");
  const type = String(req.query.type ?? "A").toUpperCase();
  const code = type === "AAAA" ? 28 : 1;
  const known = DNS.find(([pattern]) => /** @type {RegExp} */ (pattern).test(name));
  const headers = { "content-type": "application/dns-json" };
  if (!known) return { headers, json: { Status: 3, TC: false, RD: true, RA: true, AD: false, CD: false, Question: [{ name, type: code }], Answer: [] } };
  const answer = known[1] === type ? [{ name, type: code, TTL: 300, data: known[2] }] : [];
  return { headers, json: { Status: 0, TC: false, RD: true, RA: true, AD: false, CD: false, Question: [{ name, type: code }], Answer: answer } };
}

/**
 * The registry entry (dev/stand-ins/index.mjs): always a stand-in, there is no real one.
 * @type {import("./index.mjs").StandInDefinition}
 */
export const sampleWebsiteStandIn = {
  name: "sample-website",
  start: ({ port, dataDir } = {}) => startSampleWebsiteStandIn({ port, dataDir: dataDir ?? null }),
  /** The import may read this host over http outside production (WEB_IMPORT_ALLOW_HOSTS, refused in production). */
  bindings: (running) => ({ WEB_IMPORT_ALLOW_HOSTS: new URL(running.url).host }),
};
