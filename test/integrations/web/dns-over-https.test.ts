/**
 * The import's DNS-over-HTTPS lookups (ADR 0332), against a fetch that answers as Cloudflare's
 * JSON resolver does: A and AAAA asked for, CNAME records passed over (the resolver follows them),
 * NXDOMAIN is no address, a failing resolver is an error (the import refuses what it cannot check).
 */
import { describe, expect, it } from "vitest";
import { DnsLookupError, dnsOverHttpsResolver } from "../../../src/integrations/web/dns-over-https";

function resolver(answer: (name: string, type: string) => Response) {
  const asked: string[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    asked.push(`${url.searchParams.get("type")} ${url.searchParams.get("name")} ${new Headers(init?.headers).get("accept")}`);
    return answer(url.searchParams.get("name") ?? "", url.searchParams.get("type") ?? "");
  }) as typeof globalThis.fetch;
  return { resolve: dnsOverHttpsResolver("https://dns.example/dns-query", { fetch }), asked };
}
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/dns-json" } });

describe("DNS over HTTPS", () => {
  it("asks for A and AAAA and keeps only those records, not the CNAME on the way", async () => {
    const { resolve, asked } = resolver((name, type) =>
      json({
        Status: 0,
        Answer:
          type === "A"
            ? [{ name, type: 5, data: "edge.hosting.example." }, { name: "edge.hosting.example", type: 1, data: "10.0.0.5" }]
            : [{ name, type: 5, data: "edge.hosting.example." }, { name: "edge.hosting.example", type: 28, data: "2606:4700::1" }],
      }),
    );
    expect((await resolve("www.bella.example")).sort()).toEqual(["10.0.0.5", "2606:4700::1"]);
    expect(asked.sort()).toEqual(["A www.bella.example application/dns-json", "AAAA www.bella.example application/dns-json"]);
  });

  it("NXDOMAIN is no address; a resolver error or a failed request is a DnsLookupError", async () => {
    expect(await resolver(() => json({ Status: 3 })).resolve("nowhere.example")).toEqual([]);
    await expect(resolver(() => json({ Status: 2 })).resolve("x.example")).rejects.toBeInstanceOf(DnsLookupError);
    await expect(resolver(() => json({}, 502)).resolve("x.example")).rejects.toThrow(/resolver answered 502/);
    const broken = dnsOverHttpsResolver("https://dns.example/dns-query", { fetch: (async () => { throw new TypeError("network"); }) as typeof fetch });
    await expect(broken("x.example")).rejects.toBeInstanceOf(DnsLookupError);
  });
});
