/**
 * Reading a business's own website for the knowledge import (docs/architecture.md §6, ADR 0322),
 * safely: a URL from outside may name anything, so before every request, the first and each
 * redirect's, the target must be `https:` on a public host name: no IP literal (in any spelling
 * the URL parser turns into one), no `localhost`, no single-label or `.local`/`.internal`/
 * `.localhost` name, and, when a resolver is given, no name that resolves into a private,
 * loopback, link-local, CGNAT, multicast, reserved, IPv6 ULA or mapped range. Redirects are
 * followed by hand (at most MAX_REDIRECTS), each checked again; answers are bounded in bytes
 * and the whole read in time; only HTML is read, its text extracted with HTMLRewriter.
 *
 * `allowHosts` lets the sandbox's sample website (a stand-in on this machine, over http) through;
 * the config only honours it outside production (src/config/env.ts).
 */

export const MAX_REDIRECTS = 3;
export const MAX_PAGE_BYTES = 512 * 1024;
export const MAX_TEXT_CHARS = 20_000;

export type RefusalReason = "not_https" | "ip_literal" | "local_name" | "private_address" | "bad_url" | "too_many_redirects" | "not_html" | "too_large" | "http_error" | "timeout";

export class UnsafeUrlError extends Error {
  override name = "UnsafeUrlError";
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

export interface PublicFetchOptions {
  /** Host names (host:port) taken as public over http too: the sandbox's sample site only. */
  allowHosts?: readonly string[];
  /** The addresses a name resolves to (A and AAAA), when the runtime can tell; absent: names are judged by their spelling. */
  resolve?: (hostname: string) => Promise<string[]>;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/** IPv4 dotted quad → 32-bit number, or null. */
function ipv4(value: string): number | null {
  const parts = value.split(".");
  if (parts.length !== 4) return null;
  let out = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    out = out * 256 + Number(part);
  }
  return out;
}

const V4_BLOCKED: [string, number][] = [
  ["0.0.0.0", 8], // "this" network
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata lives here)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
];

function blockedV4(address: number): boolean {
  return V4_BLOCKED.some(([base, bits]) => {
    const start = ipv4(base) as number;
    const size = 2 ** (32 - bits);
    return address >= start && address < start + size;
  });
}

/** An IPv6 address → its 8 groups, or null. */
function ipv6Groups(value: string): number[] | null {
  let text = value.toLowerCase();
  const dotted = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text)?.[1];
  if (dotted) {
    const n = ipv4(dotted);
    if (n === null) return null;
    text = `${text.slice(0, -dotted.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => Number.parseInt(g, 16));
}

function blockedV6(groups: number[]): boolean {
  const [a = 0, b = 0] = groups;
  if (groups.every((g) => g === 0)) return true; // ::
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return true; // ::1
  if ((a & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((a & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((a & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated)
  if ((a & 0xff00) === 0xff00) return true; // ff00::/8 multicast
  if (a === 0x2001 && b === 0x0db8) return true; // documentation
  if (a === 0x0064 && b === 0xff9b) return true; // NAT64: an IPv4 address behind it
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d): judged as the IPv4 inside, and never fetched by literal anyway.
  if (groups.slice(0, 5).every((g) => g === 0) && (groups[5] === 0xffff || groups[5] === 0)) return true;
  if (a === 0x2002) return blockedV4((b << 16) | (groups[2] ?? 0)); // 6to4 embeds an IPv4
  return false;
}

/** Whether an address (IPv4 or IPv6 text) is one we never fetch from. */
export function isBlockedAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "");
  const v4 = ipv4(bare);
  if (v4 !== null) return blockedV4(v4);
  const v6 = ipv6Groups(bare);
  return v6 === null ? true : blockedV6(v6);
}

/** Throws UnsafeUrlError unless `raw` may be fetched by its spelling alone; the parsed URL. */
export function checkUrlSpelling(raw: string, allowHosts: readonly string[] = []): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError("bad_url", "That is not a web address.");
  }
  if (url.username || url.password) throw new UnsafeUrlError("bad_url", "A web address with a user name or password is not read.");
  if (allowHosts.includes(url.host.toLowerCase()) && (url.protocol === "https:" || url.protocol === "http:")) return url;
  if (url.protocol !== "https:") throw new UnsafeUrlError("not_https", "Only https:// addresses are read.");
  // The WHATWG parser has already turned 0x7f.1, 2130706433 and 017700000001 into 127.0.0.1.
  const host = url.hostname.toLowerCase();
  if (host.startsWith("[") || ipv4(host) !== null) throw new UnsafeUrlError("ip_literal", "Use the website's name, not an IP address.");
  if (!host.includes(".") || /(^|\.)(localhost|local|internal|lan|home|corp|intranet|localdomain)\.?$/.test(host)) {
    throw new UnsafeUrlError("local_name", "That address is not a public website.");
  }
  if (url.port && url.port !== "443") throw new UnsafeUrlError("bad_url", "Only the standard https port is read.");
  return url;
}

/** The spelling check, then (with a resolver) every address the name resolves to. */
export async function checkUrl(raw: string, options: PublicFetchOptions = {}): Promise<URL> {
  const url = checkUrlSpelling(raw, options.allowHosts);
  if (options.allowHosts?.includes(url.host.toLowerCase()) || !options.resolve) return url;
  const addresses = await options.resolve(url.hostname);
  if (!addresses.length) throw new UnsafeUrlError("local_name", "That website's name does not resolve.");
  if (addresses.some(isBlockedAddress)) throw new UnsafeUrlError("private_address", "That address leads to a private network.");
  return url;
}

export interface FetchedPage {
  /** Where the page was read from after redirects. */
  url: string;
  title: string;
  text: string;
  /** Same-site links found on the page (absolute, without fragments). */
  links: string[];
}

/** GETs one page, following at most MAX_REDIRECTS redirects, each target checked before it is requested. */
export async function fetchPublicPage(raw: string, options: PublicFetchOptions = {}): Promise<FetchedPage> {
  const doFetch = options.fetch ?? fetch;
  let url = await checkUrl(raw, options);
  for (let hop = 0; ; hop += 1) {
    const response = await doFetch(url.toString(), {
      redirect: "manual",
      headers: { accept: "text/html", "user-agent": "AgentlineImport/1.0 (+https://agentline.app)" },
      ...(options.signal ? { signal: options.signal } : {}),
    }).catch((error: unknown) => {
      if (options.signal?.aborted) throw new UnsafeUrlError("timeout", "The website did not answer in time.");
      throw new UnsafeUrlError("http_error", `The website could not be reached (${error instanceof Error ? error.message : "network error"}).`);
    });
    if (response.status >= 300 && response.status < 400 && response.headers.get("location")) {
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new UnsafeUrlError("too_many_redirects", `The website redirected more than ${MAX_REDIRECTS} times.`);
      url = await checkUrl(new URL(response.headers.get("location") as string, url).toString(), options).catch((error: unknown) => {
        // Say it was the redirect: the owner typed a public address.
        if (error instanceof UnsafeUrlError) throw new UnsafeUrlError(error.reason, `The website redirected to an address that is not read: ${error.message}`);
        throw error;
      });
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new UnsafeUrlError(
        "http_error",
        response.status >= 500
          ? `The website is not working right now (it answered ${response.status}). Try again later.`
          : response.status === 404
            ? "That page was not found on the website (404)."
            : `The website refused to be read (it answered ${response.status}).`,
      );
    }
    const type = response.headers.get("content-type") ?? "";
    if (!/^text\/html|^application\/xhtml\+xml/i.test(type)) {
      await response.body?.cancel();
      throw new UnsafeUrlError("not_html", "That address is not a web page.");
    }
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (declared > MAX_PAGE_BYTES) {
      await response.body?.cancel();
      throw new UnsafeUrlError("too_large", "That page is too large to read.");
    }
    return extractText(await boundedBody(response), url);
  }
}

/** The body, refused once it passes MAX_PAGE_BYTES (a server may lie about or omit its length). */
async function boundedBody(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_PAGE_BYTES) {
      await reader.cancel();
      throw new UnsafeUrlError("too_large", "That page is too large to read.");
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

/** The page's visible text (no scripts, styles or templates) and its same-site links, through HTMLRewriter. */
async function extractText(html: string, base: URL): Promise<FetchedPage> {
  const parts: string[] = [];
  const links = new Set<string>();
  let title = "";
  let skipping = 0;
  let inTitle = false;
  const rewriter = new HTMLRewriter()
    .on("script, style, noscript, template, svg", {
      element(element) {
        skipping += 1;
        element.onEndTag(() => {
          skipping -= 1;
        });
      },
    })
    .on("title", {
      element(element) {
        inTitle = true;
        element.onEndTag(() => {
          inTitle = false;
        });
      },
    })
    .on("p, li, h1, h2, h3, h4, h5, h6, td, th, dt, dd, br, div, section, tr", {
      element() {
        parts.push("\n");
      },
    })
    .on("a[href]", {
      element(element) {
        try {
          const link = new URL(element.getAttribute("href") ?? "", base);
          link.hash = "";
          if (link.host === base.host && (link.protocol === "https:" || link.protocol === "http:")) links.add(link.toString());
        } catch {
          // Not a link we can follow.
        }
      },
    })
    .onDocument({
      text(chunk) {
        if (skipping > 0) return;
        if (inTitle) title += chunk.text;
        else parts.push(chunk.text);
      },
    });
  await rewriter.transform(new Response(html, { headers: { "content-type": "text/html" } })).text();
  const text = decodeEntities(parts.join(""))
    .split("\n")
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .join("\n")
    .slice(0, MAX_TEXT_CHARS);
  return { url: base.toString(), title: decodeEntities(title).trim(), text, links: [...links] };
}

function decodeEntities(text: string): string {
  return text
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)));
}
