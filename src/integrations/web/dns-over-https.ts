/**
 * Where a host name points, asked of a DNS-over-HTTPS resolver in its JSON form (Cloudflare's
 * `application/dns-json`: GET ?name=&type=A|AAAA → {Status, Answer: [{type, data}]}). Workers'
 * `fetch` connects without saying to which address, so this is how the website import sees a name
 * that leads into a private range before it reads the page (ADR 0322). CNAME records in the answer
 * are skipped: the resolver follows them and lists the addresses they end at.
 */

const RECORD_TYPES = [
  ["A", 1],
  ["AAAA", 28],
] as const;

interface DnsJsonAnswer {
  Status?: number;
  Answer?: { type?: number; data?: string }[];
}

export class DnsLookupError extends Error {
  override name = "DnsLookupError";
}

/** A resolver for public-fetch's `resolve`: every A and AAAA address of `hostname`. */
export function dnsOverHttpsResolver(endpoint: string, options: { fetch?: typeof fetch; signal?: AbortSignal } = {}) {
  const doFetch = options.fetch ?? fetch;
  return async function resolve(hostname: string): Promise<string[]> {
    const answers = await Promise.all(
      RECORD_TYPES.map(async ([type, code]) => {
        const url = new URL(endpoint);
        url.searchParams.set("name", hostname);
        url.searchParams.set("type", type);
        const response = await doFetch(url.toString(), { headers: { accept: "application/dns-json" }, ...(options.signal ? { signal: options.signal } : {}) }).catch(() => {
          throw new DnsLookupError("The website's name could not be looked up.");
        });
        if (!response.ok) throw new DnsLookupError(`The website's name could not be looked up (the resolver answered ${response.status}).`);
        const body = (await response.json().catch(() => ({}))) as DnsJsonAnswer;
        // 3 = NXDOMAIN: no such name; other non-zero codes are the resolver's failure.
        if (body.Status !== undefined && body.Status !== 0 && body.Status !== 3) throw new DnsLookupError("The website's name could not be looked up.");
        return (body.Answer ?? []).flatMap((record) => (record.type === code && typeof record.data === "string" ? [record.data] : []));
      }),
    );
    return answers.flat();
  };
}
