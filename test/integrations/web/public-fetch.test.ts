/**
 * The knowledge import's fetcher (ADR 0322): every SSRF rule of docs/architecture.md §6, on the
 * first URL and on every redirect, with a fetch that records what it was asked for (nothing here
 * leaves the machine), and the text HTMLRewriter extracts.
 */
import { describe, expect, it } from "vitest";
import { checkUrl, fetchPublicPage, isBlockedAddress, MAX_PAGE_BYTES, MAX_REDIRECTS, type RefusalReason, UnsafeUrlError } from "../../../src/integrations/web/public-fetch";

/** A web of pages by URL; anything else is a 404. Records every request made. */
function web(pages: Record<string, Response | (() => Response)>) {
  const asked: string[] = [];
  const fetch = (async (input: RequestInfo | URL) => {
    const url = String(input);
    asked.push(url);
    const page = pages[url];
    return page ? (typeof page === "function" ? page() : page.clone()) : new Response("missing", { status: 404 });
  }) as typeof globalThis.fetch;
  return { fetch, asked };
}
const html = (body: string) => new Response(body, { headers: { "content-type": "text/html; charset=utf-8" } });
const redirect = (to: string) => new Response(null, { status: 302, headers: { location: to } });
const publicDns = async () => ["93.184.216.34"];

async function refusal(promise: Promise<unknown>): Promise<RefusalReason> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UnsafeUrlError) return error.reason;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("which URLs may be fetched", () => {
  const refused: [string, RefusalReason][] = [
    ["http://bella.example.com/", "not_https"],
    ["ftp://bella.example.com/", "not_https"],
    ["file:///etc/passwd", "not_https"],
    ["https://127.0.0.1/", "ip_literal"],
    ["https://10.0.0.8/", "ip_literal"],
    ["https://169.254.169.254/latest/meta-data/", "ip_literal"],
    ["https://2130706433/", "ip_literal"], // 127.0.0.1 as one number
    ["https://0x7f.0.0.1/", "ip_literal"], // hex
    ["https://0177.0.0.1/", "ip_literal"], // octal
    ["https://[::1]/", "ip_literal"],
    ["https://[::ffff:127.0.0.1]/", "ip_literal"],
    ["https://[fd00::1]/", "ip_literal"],
    ["https://localhost/", "local_name"],
    ["https://app.localhost/", "local_name"],
    ["https://printer.local/", "local_name"],
    ["https://db.internal/", "local_name"],
    ["https://intranet/", "local_name"],
    ["https://user:pass@bella.example.com/", "bad_url"],
    ["https://bella.example.com:8443/", "bad_url"],
    ["not a url", "bad_url"],
  ];
  for (const [url, reason] of refused) {
    it(`refuses ${url} (${reason}) without a request`, async () => {
      const { fetch, asked } = web({});
      expect(await refusal(fetchPublicPage(url, { fetch, resolve: publicDns }))).toBe(reason);
      expect(asked).toEqual([]);
    });
  }

  it("refuses a public-looking name that resolves to a private, loopback, link-local, CGNAT, multicast, ULA or mapped address", async () => {
    for (const address of ["10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "169.254.169.254", "100.64.0.1", "224.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "fd12:3456::1", "fe80::1", "ff02::1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:0a00:0001::1"]) {
      const resolve = async () => ["93.184.216.34", address];
      expect(await refusal(checkUrl("https://rebind.example.com/", { resolve })), address).toBe("private_address");
    }
    expect((await checkUrl("https://bella.example.com/", { resolve: async () => ["93.184.216.34", "2606:2800:220:1::1"] })).hostname).toBe("bella.example.com");
    expect(isBlockedAddress("8.8.8.8")).toBe(false);
    expect(isBlockedAddress("not-an-address")).toBe(true);
  });

  it("checks every redirect: into a private range, to http, to an IP literal, and more than the limit are refused before they are requested", async () => {
    const cases: [string, RefusalReason, (() => Promise<string[]>) | undefined][] = [
      ["https://169.254.169.254/latest/meta-data/", "ip_literal", undefined],
      ["http://bella.example.com/", "not_https", undefined],
      ["https://localhost:8443/admin", "local_name", undefined],
      ["https://internal-looking.example.net/", "private_address", async () => ["10.0.0.5"]],
    ];
    for (const [target, reason, resolveTarget] of cases) {
      const { fetch, asked } = web({ "https://bella.example.com/": redirect(target) });
      const resolve = async (host: string) => (host === "bella.example.com" ? publicDns() : (resolveTarget?.() ?? publicDns()));
      expect(await refusal(fetchPublicPage("https://bella.example.com/", { fetch, resolve })), target).toBe(reason);
      expect(asked).toEqual(["https://bella.example.com/"]);
    }
    const hops = Object.fromEntries(Array.from({ length: MAX_REDIRECTS + 2 }, (_, i) => [`https://bella.example.com/${i}`, redirect(`/${i + 1}`)]));
    const chain = web(hops);
    expect(await refusal(fetchPublicPage("https://bella.example.com/0", { fetch: chain.fetch, resolve: publicDns }))).toBe("too_many_redirects");
    expect(chain.asked).toHaveLength(MAX_REDIRECTS + 1);
  });

  it("follows a safe redirect, reads only HTML, and refuses a page larger than the bound however it is sent", async () => {
    const big = "x".repeat(MAX_PAGE_BYTES + 1);
    const { fetch } = web({
      "https://bella.example.com/": redirect("/home"),
      "https://bella.example.com/home": html("<html><head><title>Bella</title></head><body><p>Open Tue–Sat 9–7.</p></body></html>"),
      "https://bella.example.com/logo.png": new Response("png", { headers: { "content-type": "image/png" } }),
      "https://bella.example.com/big": () => html(big),
      "https://bella.example.com/chunked": () => new Response(new Blob([big]).stream(), { headers: { "content-type": "text/html" } }),
    });
    const page = await fetchPublicPage("https://bella.example.com/", { fetch, resolve: publicDns });
    expect(page).toMatchObject({ url: "https://bella.example.com/home", title: "Bella", text: "Open Tue–Sat 9–7." });
    expect(await refusal(fetchPublicPage("https://bella.example.com/logo.png", { fetch }))).toBe("not_html");
    expect(await refusal(fetchPublicPage("https://bella.example.com/big", { fetch }))).toBe("too_large");
    expect(await refusal(fetchPublicPage("https://bella.example.com/chunked", { fetch }))).toBe("too_large");
  });

  it("extracts visible text and same-site links, never scripts or styles", async () => {
    const { fetch } = web({
      "https://bella.example.com/": html(`<html><head><title>Bella &amp; Co</title><style>p{color:red}</style><script>var secret = "x";</script></head>
        <body><h1>Bella Hair Studio</h1><ul><li>Cuts $40 (45 minutes)</li><li>Colour $120, 3 hours</li></ul>
        <a href="/prices#top">Prices</a> <a href="https://elsewhere.example.org/">Elsewhere</a><noscript>Enable JS</noscript></body></html>`),
    });
    const page = await fetchPublicPage("https://bella.example.com/", { fetch });
    expect(page.title).toBe("Bella & Co");
    expect(page.text.split("\n")).toEqual(["Bella Hair Studio", "Cuts $40 (45 minutes)", "Colour $120, 3 hours", "Prices Elsewhere"]);
    expect(page.text).not.toMatch(/secret|color|Enable JS/);
    expect(page.links).toEqual(["https://bella.example.com/prices"]);
  });

  it("lets an allow-listed host (the sandbox's sample site) through over http, and nothing else", async () => {
    const { fetch } = web({ "http://127.0.0.1:9999/": html("<p>Sample</p>") });
    expect((await fetchPublicPage("http://127.0.0.1:9999/", { fetch, allowHosts: ["127.0.0.1:9999"] })).text).toBe("Sample");
    expect(await refusal(fetchPublicPage("http://127.0.0.1:9998/", { fetch, allowHosts: ["127.0.0.1:9999"] }))).toBe("not_https");
  });
});
