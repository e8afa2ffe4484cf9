/**
 * The numbers screen's Pager past one page of 20. No account in the sandbox can hold 21 numbers
 * (PHONE_NUMBERS_PER_ACCOUNT is 5, and a buyer gets 10 purchases a day, an IP 20), so the
 * browser stretches the API's real answer: the account's real row, copied into a full first
 * page with a `nextCursor`, and a second page of one. What is tested is the screen: that it asks
 * for the cursor it was given, shows the next page, and goes back to the first. The API's own
 * paging is tested in test/routes/phone-numbers/.
 */
import assert from "node:assert/strict";

const PAGE = 20;
const NEXT = "e2e-second-page";
const numberOf = (index) => `+1512555${String(1000 + index)}`;
const shown = (index) => `+1 (512) 555-${1000 + index}`;

/** @param {{ page: import("playwright-core").Page, screen: (name: string) => Promise<void> }} session */
export async function pageThroughNumbers(session) {
  const { page } = session;
  const real = await page.evaluate(async () => (await (await fetch("/api/phone-numbers?limit=20")).json()).phoneNumbers);
  assert.ok(real.length > 0, "the account has a real number to copy");
  const row = (index) => ({ ...real[0], id: `${real[0].id}-${index}`, number: numberOf(index), status: "active" });
  /** The cursors the screen asked for, in order ("" for the first page). */
  const asked = [];
  const stretch = async (route) => {
    const url = new URL(route.request().url());
    // Only the numbers screen's own pages (limit 20): other screens read the list with limit 100.
    if (url.searchParams.get("limit") !== String(PAGE)) return route.fallback();
    const cursor = url.searchParams.get("cursor") ?? "";
    asked.push(cursor);
    const body =
      cursor === NEXT
        ? { phoneNumbers: [row(PAGE)], nextCursor: null }
        : { phoneNumbers: Array.from({ length: PAGE }, (_, index) => row(index)), nextCursor: NEXT };
    await route.fulfill({ json: body });
  };
  await page.route(/\/api\/phone-numbers\?/, stretch);
  try {
    await page.goto("/numbers");
    await page.getByText(shown(PAGE - 1), { exact: true }).waitFor();
    assert.equal(await page.getByLabel(/^Receptionist answering/).count(), PAGE, "a full first page");
    assert.equal(await page.getByRole("button", { name: "First numbers" }).count(), 0, "no way back from the first page");

    await page.getByRole("button", { name: "More numbers" }).click();
    await page.waitForURL((url) => url.searchParams.get("cursor") === NEXT);
    await page.getByText(shown(PAGE), { exact: true }).waitFor();
    assert.equal(await page.getByLabel(/^Receptionist answering/).count(), 1, "the second page holds the 21st number");
    assert.equal(await page.getByRole("button", { name: "More numbers" }).count(), 0, "nothing after the last page");
    assert.ok(asked.includes(NEXT), `the screen asked the API for the second page (asked: ${JSON.stringify(asked)})`);
    await session.screen("numbers-second-page");

    await page.getByRole("button", { name: "First numbers" }).click();
    await page.waitForURL((url) => !url.searchParams.has("cursor"));
    await page.getByText(shown(0), { exact: true }).waitFor();
  } finally {
    await page.unroute(/\/api\/phone-numbers\?/, stretch);
  }
  // A fresh load, so the real list (and no stretched page) is what the rest of the journey sees.
  await page.goto("/numbers");
  await page.getByLabel(/^Receptionist answering/).first().waitFor();
  assert.equal(await page.getByLabel(/^Receptionist answering/).count(), real.length);
}
