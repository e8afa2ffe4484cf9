import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/env";
import { parseAddress, sendEmail } from "../../../src/integrations/email/mailer";
import { escapeHtml, lowCreditEmail } from "../../../src/integrations/email/templates";
import { envWith, testEnv } from "../../support/env";
import { smtpInbox } from "../../support/smtp";
import { standIn } from "../../support/stand-ins";

const inbox = smtpInbox();
const email = { subject: "Hello", text: "Plain body", html: "<p>HTML body</p>" };
const address = () => `mailer-${crypto.randomUUID().slice(0, 8)}@example.test`;

describe("sendEmail over SMTP (worker-mailer)", () => {
  it("authenticates and delivers a text and an HTML part", async () => {
    const to = address();
    await sendEmail(loadConfig(testEnv), to, email);
    const [received] = await inbox.waitFor(to);
    expect(received).toMatchObject({ subject: "Hello", text: "Plain body", html: "<p>HTML body</p>", envelope: { from: "no-reply@agentline.local", to: [to] } });
    expect(received?.headers.from).toBe('"Agentline" <no-reply@agentline.local>');
  });

  it("fails (does not hang) when the server answers 421 and closes the connection", async () => {
    const to = address();
    await inbox.refuse(to, 1, 421, "Service shutting down");
    await expect(sendEmail(loadConfig(testEnv), to, email)).rejects.toThrow(/421 Service shutting down/);
    await inbox.clearFaults();
  });

  it("fails when the password is wrong, and sends nothing", async () => {
    const to = address();
    await expect(sendEmail(loadConfig(envWith({ SMTP_PASS: "wrong" })), to, email)).rejects.toThrow(/535/);
    expect(await inbox.messages(to)).toEqual([]);
  });

  it("fails when nothing listens on the port", async () => {
    await expect(sendEmail(loadConfig(envWith({ SMTP_PORT: "9" })), address(), email)).rejects.toThrow();
  });

  it("fails with a clear error when SMTP is not configured", async () => {
    await expect(sendEmail(loadConfig(envWith({ SMTP_HOST: undefined })), address(), email)).rejects.toThrow(/SMTP is not configured/);
  });
});

describe("sendEmail over TLS, with each production setting (worker-mailer against the stand-in's self-signed certificate)", () => {
  const ports = () => standIn("smtp").state<{ startTlsPort: number; tlsPort: number }>();

  it("SMTP_STARTTLS: upgrades the connection before AUTH and delivers", async () => {
    const to = address();
    const { startTlsPort } = await ports();
    await sendEmail(loadConfig(envWith({ SMTP_HOST: "127.0.0.1", SMTP_PORT: String(startTlsPort), SMTP_SECURE: "false", SMTP_STARTTLS: "true" })), to, email);
    const [received] = await inbox.waitFor(to);
    expect(received).toMatchObject({ subject: "Hello", text: "Plain body" });
  });

  it("the STARTTLS port refuses AUTH in clear, so without SMTP_STARTTLS nothing is sent", async () => {
    const to = address();
    const { startTlsPort } = await ports();
    await expect(sendEmail(loadConfig(envWith({ SMTP_PORT: String(startTlsPort), SMTP_SECURE: "false", SMTP_STARTTLS: "false" })), to, email)).rejects.toThrow();
    expect(await inbox.messages(to)).toEqual([]);
  });

  it("SMTP_SECURE: TLS from the first byte, and delivers", async () => {
    const to = address();
    const { tlsPort } = await ports();
    await sendEmail(loadConfig(envWith({ SMTP_HOST: "127.0.0.1", SMTP_PORT: String(tlsPort), SMTP_SECURE: "true", SMTP_STARTTLS: "false" })), to, email);
    const [received] = await inbox.waitFor(to);
    expect(received).toMatchObject({ subject: "Hello", html: "<p>HTML body</p>" });
  });
});

describe("email helpers", () => {
  it("parses the sender address with or without a display name", () => {
    expect(parseAddress("Agentline <no-reply@example.com>")).toEqual({ name: "Agentline", email: "no-reply@example.com" });
    expect(parseAddress('"Front Desk" <desk@example.com>')).toEqual({ name: "Front Desk", email: "desk@example.com" });
    expect(parseAddress("bare@example.com")).toEqual({ email: "bare@example.com" });
  });

  it("escapes HTML in every value that comes from data", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    const rendered = lowCreditEmail({ name: "<img src=x onerror=alert(1)>", balance: 0, threshold: 10, billingUrl: "https://app.example.com/billing" });
    expect(rendered.html).not.toContain("<img");
    expect(rendered.text).toContain("down to 0 credits");
    expect(rendered.text).toContain("stopped answering calls");
  });
});
