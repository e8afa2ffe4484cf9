import type { Context } from "hono";

/**
 * The client a per-IP limit counts (ADR 0010). Cloudflare sets CF-Connecting-IP on every request
 * it forwards; locally there is none. An IPv6 client is its /64: one subscriber is handed a whole
 * /64 (RFC 6177), so counting single addresses would give anyone 2^64 "clients". An IPv4-mapped
 * address is its IPv4 address.
 */
export function clientIp(c: Context): string {
  const ip = c.req.header("cf-connecting-ip");
  return ip ? rateLimitKeyOfIp(ip) : "local";
}

export function rateLimitKeyOfIp(ip: string): string {
  const text = ip.trim().toLowerCase();
  if (!text.includes(":")) return text;
  const mapped = /^(?:::|(?:0{1,4}:){5})ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (mapped?.[1]) return mapped[1];
  const hextets = expandIpv6(text.split("%")[0] ?? "");
  return hextets ? `${hextets.slice(0, 4).join(":")}::/64` : text;
}

/** The eight hextets of an IPv6 address, or null when it is not one. */
function expandIpv6(text: string): string[] | null {
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
