/**
 * Reading a business's website for an import (ADR 0330): the page the owner named, then a few
 * pages of the same site it links to, those that look like services, prices, hours or questions
 * first. Bounded three ways: at most MAX_PAGES page requests, each within public-fetch's byte limit, and
 * one deadline for them all. Every request goes through public-fetch, so every page and every
 * redirect is checked (https, public host, resolved address). The first page failing fails the
 * import, with its reason in words; a later page failing is skipped and noted.
 */
import { DnsLookupError } from "../../integrations/web/dns-over-https";
import { type FetchedPage, fetchPublicPage, type PublicFetchOptions, UnsafeUrlError } from "../../integrations/web/public-fetch";

/** Requests for pages, the first included, whether they succeed or not (a redirect counts once). */
export const MAX_PAGES = 8;
/** What the AI writer is given, all pages together (public-fetch bounds each page's text too). */
export const MAX_SITE_TEXT = 40_000;

export interface SitePage {
  url: string;
  title: string;
  text: string;
}

export interface SiteReading {
  pages: SitePage[];
  /** Linked pages not read, and why (too large, a redirect elsewhere, the page limit, …). */
  skipped: { url: string; skipped: string }[];
}

/** The refusal the owner reads: public-fetch's words, or the deadline's. */
export class SiteReadError extends Error {
  override name = "SiteReadError";
}

const USEFUL = /servic|price|pricing|menu|treatment|hour|open|faq|question|about|contact|book|visit|team/i;

/** Linked pages worth reading first: services, prices, hours, questions, about, contact. */
function rank(links: string[]): string[] {
  return links
    .map((link, index) => ({ link, index, useful: USEFUL.test(new URL(link).pathname) }))
    .sort((a, b) => Number(b.useful) - Number(a.useful) || a.index - b.index)
    .map((entry) => entry.link);
}

const sameDocument = (url: string) => url.replace(/\/$/, "");

export async function readSite(start: string, options: PublicFetchOptions & { timeoutMs: number }): Promise<SiteReading> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const fetchOptions: PublicFetchOptions = { ...options, signal };
  const read = async (url: string): Promise<FetchedPage> => {
    try {
      return await fetchPublicPage(url, fetchOptions);
    } catch (error) {
      if (signal.aborted) throw new SiteReadError("The website did not answer in time.");
      // A name we could not look up is not read either: we do not read what we could not check.
      if (error instanceof UnsafeUrlError || error instanceof DnsLookupError) throw new SiteReadError(error.message);
      throw error;
    }
  };
  const first = await read(start);
  const pages: SitePage[] = [{ url: first.url, title: first.title, text: first.text }];
  const seen = new Set([sameDocument(start), sameDocument(first.url)]);
  const skipped: SiteReading["skipped"] = [];
  let textSize = first.text.length;
  let attempts = 1;
  for (const link of rank(first.links)) {
    if (seen.has(sameDocument(link))) continue;
    seen.add(sameDocument(link));
    if (attempts >= MAX_PAGES || textSize >= MAX_SITE_TEXT) {
      skipped.push({ url: link, skipped: `Only ${MAX_PAGES} pages of a site are read.` });
      continue;
    }
    if (signal.aborted) {
      skipped.push({ url: link, skipped: "The time for reading the site ran out." });
      continue;
    }
    attempts += 1;
    try {
      const page = await read(link);
      if (seen.has(sameDocument(page.url)) && sameDocument(page.url) !== sameDocument(link)) continue; // a redirect to a page already read
      seen.add(sameDocument(page.url));
      const text = page.text.slice(0, MAX_SITE_TEXT - textSize);
      textSize += text.length;
      pages.push({ url: page.url, title: page.title, text });
    } catch (error) {
      if (!(error instanceof SiteReadError)) throw error;
      skipped.push({ url: link, skipped: error.message });
    }
  }
  return { pages, skipped };
}
