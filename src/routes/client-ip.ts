import type { Context } from "hono";

/**
 * The client a per-IP limit counts (ADR 0010). Cloudflare sets CF-Connecting-IP on every request
 * it forwards; locally there is none. An IPv6 client is its /64: one subscriber is handed a whole
 * /64 (RFC 6177), so counting single addresses would give anyone 2^64 "clients". An IPv4-mapped
 * address is its IPv4 address. Every valid spelling of an address gets the same key (case,
 * leading zeros, `::`, a zone, brackets, a dotted IPv4 tail), so a form cannot make a new client.
 */
export function clientIp(c: Context): string {
  const ip = c.req.header("cf-connecting-ip");
  return ip ? rateLimitKeyOfIp(ip) : "local";
}

export function rateLimitKeyOfIp(ip: string): string {
  const text = ip.trim().toLowerCase();
  if (!text.includes(":")) return text;
  const hextets = expandIpv6((text.split("%")[0] ?? "").replace(/^\[(.*)\]$/, "$1"));
  if (!hextets) return text;
  // ::ffff:a.b.c.d, however it is written (dotted or in hex), is that IPv4 client.
  if (hextets.slice(0, 5).every((hextet) => hextet === "0") && hextets[5] === "ffff") {
    const [high = 0, low = 0] = hextets.slice(6).map((hextet) => Number.parseInt(hextet, 16));
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
  }
  return `${hextets.slice(0, 4).join(":")}::/64`;
}

/** The two hextets of a dotted IPv4 tail (RFC 4291 §2.2's mixed notation), or null when it is not one. */
function ipv4Hextets(text: string): string[] | null {
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)?.slice(1).map(Number);
  if (!octets || octets.some((octet) => octet > 255)) return null;
  const [a = 0, b = 0, c = 0, d = 0] = octets;
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

/** The eight hextets of an IPv6 address (an IPv4 tail included), or null when it is not one. */
function expandIpv6(address: string): string[] | null {
  const lastColon = address.lastIndexOf(":");
  const last = address.slice(lastColon + 1);
  let text = address;
  if (last.includes(".")) {
    const converted = ipv4Hextets(last);
    if (!converted) return null;
    text = `${address.slice(0, lastColon + 1)}${converted.join(":")}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const part = (half: string | undefined) => (half ? half.split(":") : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => "0"), ...tail];
  if (!all.every((hextet) => /^[0-9a-f]{1,4}$/.test(hextet))) return null;
  return all.map((hextet) => Number.parseInt(hextet, 16).toString(16));
}
