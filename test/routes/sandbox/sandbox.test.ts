/**
 * /sandbox shows the stand-ins' inbox (and the Google stand-in's rows and events when it runs)
 * in sandbox mode, escaped; in any other mode the page and its JSON do not exist.
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/env";
import { sendEmail } from "../../../src/integrations/email/mailer";
import { envWith, testEnv } from "../../support/env";
import { call, errorOf } from "../../support/http";
import { smtpInbox } from "../../support/smtp";
import { standInUrl } from "../../support/stand-ins";

const sandboxEnv = () => envWith({ AGENTLINE_MODE: "sandbox", SANDBOX_INBOX_URL: `${standInUrl("smtp")}/messages` });

describe("GET /sandbox", () => {
  it("is a 404 outside sandbox mode, page and JSON alike", async () => {
    for (const env of [testEnv, envWith({ AGENTLINE_MODE: "development", SANDBOX_INBOX_URL: `${standInUrl("smtp")}/messages` })]) {
      for (const path of ["/sandbox", "/api/sandbox"]) {
        const response = await call(path, { env });
        expect(response.status).toBe(404);
        expect((await errorOf(response)).code).toBe("not_found");
      }
    }
  });

  it("shows the e-mails the SMTP stand-in received, with hostile text escaped", async () => {
    const to = `sandbox-${crypto.randomUUID().slice(0, 8)}@example.test`;
    await sendEmail(loadConfig(testEnv), to, { subject: "Receipt <script>alert(1)</script>", text: "Thanks & welcome", html: "<p>Thanks</p>" });
    await smtpInbox().waitFor(to);

    const page = await call("/sandbox", { env: sandboxEnv() });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain(to);
    expect(html).toContain("Receipt &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)");

    const json = (await (await call("/api/sandbox", { env: sandboxEnv() })).json()) as { inbox: { available: boolean; emails: { to: string[]; subject: string }[] } };
    expect(json.inbox.available).toBe(true);
    expect(json.inbox.emails.find((email) => email.to.includes(to))?.subject).toBe("Receipt <script>alert(1)</script>");
  });

  it("names the Vapi stand-in, so the call simulator can tell it about the calls it plays", async () => {
    const env = sandboxEnv();
    const json = (await (await call("/api/sandbox", { env })).json()) as { vapi?: { baseUrl?: string } };
    expect(json.vapi?.baseUrl).toBe(loadConfig(env).VAPI_BASE_URL);
  });

  it("says which stand-ins are not running instead of failing", async () => {
    // An inbox URL that answers 404, and no Google stand-in configured at all.
    const env = envWith({ AGENTLINE_MODE: "sandbox", SANDBOX_INBOX_URL: `${standInUrl("smtp")}/no-such-inbox`, GOOGLE_API_BASE_URL: undefined });
    const json = (await (await call("/api/sandbox", { env })).json()) as { inbox: { available: boolean }; google: { available: boolean } };
    expect(json).toMatchObject({ inbox: { available: false }, google: { available: false } });
    expect(await (await call("/sandbox", { env })).text()).toContain("The SMTP stand-in is not running");
  });
});
