/**
 * Debian's Chromium under playwright-core (never a downloaded browser), screenshots of every
 * screen into one folder, and axe-core on every screen: a serious or critical violation fails.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!fs.existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: apt-get install -y chromium`);
  return chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
}

export function screenshotDir(root) {
  const dir = path.resolve(process.env.E2E_SCREENSHOTS ?? path.join(root, ".e2e", "screenshots"));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A context with its own cookies; every page records console errors and failed API calls so
 * a test can show them when it fails.
 */
let sessionsStarted = 0;

export async function newSession(browser, { appUrl, viewport = DESKTOP, shots, prefix }) {
  // Each browser is its own client (as Cloudflare's CF-Connecting-IP names it in production):
  // a dozen journeys signing up from one address would hit the per-IP sign-up limit (10 an hour).
  sessionsStarted += 1;
  const clientIp = `198.51.100.${sessionsStarted % 250}`;
  const context = await browser.newContext({
    viewport,
    baseURL: appUrl,
    timezoneId: "America/New_York",
    locale: "en-US",
    extraHTTPHeaders: { "cf-connecting-ip": clientIp },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => message.type() === "error" && problems.push(`console: ${message.text()}`));
  let count = 0;
  return {
    context,
    page,
    problems,
    /** Screenshot and axe check of the screen as it is now. */
    async screen(name) {
      await page.waitForLoadState("networkidle").catch(() => {});
      // Screens show real data, not their loading state: wait for every spinner to go.
      await page.waitForFunction(() => !document.querySelector(".animate-spin"), null, { timeout: 15_000 }).catch(() => {});
      count += 1;
      const file = path.join(shots, `${prefix}-${String(count).padStart(2, "0")}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await checkAccessibility(page, `${prefix}/${name}`);
    },
    close: () => context.close(),
  };
}

/**
 * `journey(name, prefix, viewport, body)`: a node:test test in its own browser context; on failure
 * the screen is saved as <prefix>-FAILED.png and the browser console is printed.
 * @param {{ browser: import("playwright-core").Browser, app: { appUrl: string }, shots: string }} env
 * @param {typeof import("node:test").test} test
 */
export function journeys(env, test) {
  return (name, prefix, viewport, body) =>
    test(name, async () => {
      const s = await newSession(env.browser, { appUrl: env.app.appUrl, viewport, shots: env.shots, prefix });
      try {
        await body(s);
      } catch (error) {
        await s.page.screenshot({ path: `${env.shots}/${prefix}-FAILED.png`, fullPage: true }).catch(() => {});
        if (s.problems.length) console.error(`${prefix}: browser console:\n  ${s.problems.join("\n  ")}`);
        throw error;
      } finally {
        await s.close();
      }
    });
}

export async function checkAccessibility(page, label) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    // @ts-expect-error: injected above
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (serious.length) {
    throw new Error(`axe found ${serious.length} serious violation(s) on ${label}:\n${serious.map((v) => `  ${v.impact} ${v.id}: ${v.help} (${v.nodes.join(", ")})`).join("\n")}`);
  }
}
