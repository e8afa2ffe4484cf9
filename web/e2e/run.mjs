/**
 * `npm run test:e2e`: the app as `npm run dev` starts it (fresh data, free port), Debian's
 * Chromium, the journeys of issue #11, a screenshot of every screen (the folder is printed)
 * and axe-core on each.
 */
import path from "node:path";
import { after, before, describe } from "node:test";
import { startApp } from "./app.mjs";
import { defineBooking } from "./booking.mjs";
import { launchBrowser, screenshotDir } from "./browser.mjs";
import { defineJourneys } from "./journeys.mjs";
import { defineOwnerDay } from "./owner-day.mjs";
import { defineTexts } from "./texts.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const env = { browser: null, app: null, shots: screenshotDir(ROOT) };
console.log(`screenshots: ${env.shots}`);

describe("dashboard in Chromium", { concurrency: 1, timeout: 600_000 }, () => {
  before(async () => {
    env.app = await startApp();
    env.browser = await launchBrowser();
    console.log(`app: ${env.app.appUrl}`);
  }, { timeout: 180_000 });
  after(async () => {
    await env.browser?.close();
    await env.app?.close();
    console.log(`screenshots: ${env.shots}`);
  });
  defineJourneys(/** @type {any} */ (env));
  defineOwnerDay(/** @type {any} */ (env));
  defineBooking(/** @type {any} */ (env));
  defineTexts(/** @type {any} */ (env));
});
