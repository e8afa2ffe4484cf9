/**
 * A real SMTP server (the smtp-server package) that keeps what it receives (kit.mjs "Kept state"), with an
 * HTTP inbox beside it for the tests and the sandbox. Plain SMTP with AUTH PLAIN/LOGIN and no
 * TLS: it only ever listens on loopback.
 *
 * HTTP (the stand-in kit, so /__control/* works too):
 *   GET    /messages?to=addr   received messages, oldest first, each parsed into
 *                              {id, envelope: {from, to}, headers, subject, text, html, raw, receivedAt}
 *   DELETE /messages           empty the inbox
 *   POST   /faults             {times?: N (default 1, -1 = until cleared), code?: 451, message?, to?: addr}
 *                              refuse the next N messages (to one recipient, when `to` is given)
 *                              after DATA, with that reply code
 *   DELETE /faults             clear scripted refusals
 */
import { randomBytes } from "node:crypto";
import { SMTPServer } from "smtp-server";
import { openState, startStandIn } from "./kit.mjs";

const MAX_MESSAGES = 2000;

/**
 * @typedef {{ id: string, receivedAt: string, envelope: { from: string, to: string[] },
 *   headers: Record<string, string>, subject: string, text: string | null, html: string | null, raw: string }} ReceivedMessage
 * @typedef {{ times: number, code: number, message: string, to?: string }} SmtpFault
 */

/** @param {{ port?: number, smtpPort?: number, username?: string, password?: string, dataDir?: string | null }} [options] */
export async function startSmtpStandIn({ port = 0, smtpPort = 0, username = "sandbox", password, dataDir = null } = {}) {
  const credentials = { username, password: password ?? `sandbox-${randomBytes(8).toString("hex")}` };
  // The inbox outlives a restart of `npm run dev` (kit.mjs "Kept state"); faults do not.
  const inbox = openState({ dataDir, name: "smtp", initial: () => ({ messages: /** @type {ReceivedMessage[]} */ ([]) }) });
  /** @type {SmtpFault[]} */
  let faults = [];

  const smtp = new SMTPServer({
    secure: false,
    // Loopback only, no certificate: STARTTLS is not offered and AUTH is allowed in clear.
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authOptional: false,
    authMethods: ["PLAIN", "LOGIN"],
    banner: "Agentline sandbox SMTP",
    size: 10 * 1024 * 1024,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.username && auth.password === credentials.password) return callback(null, { user: auth.username });
      const error = Object.assign(new Error("Invalid username or password"), { responseCode: 535 });
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks = [];
      stream.on("data", (chunk) => chunks.push(chunk));
      stream.on("error", callback);
      stream.on("end", () => {
        const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase());
        const fault = takeFault(recipients);
        if (fault) return callback(Object.assign(new Error(fault.message), { responseCode: fault.code }));
        const raw = Buffer.concat(chunks).toString("utf8");
        const parsed = parseMessage(raw);
        const id = `msg_${randomBytes(8).toString("hex")}`;
        inbox.data.messages.push({
          id,
          receivedAt: new Date().toISOString(),
          envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: recipients },
          ...parsed,
          raw,
        });
        if (inbox.data.messages.length > MAX_MESSAGES) inbox.data.messages = inbox.data.messages.slice(-MAX_MESSAGES);
        inbox.save();
        callback(null, `Message queued as ${id}`);
      });
    },
  });
  smtp.on("error", (error) => console.error(`[smtp stand-in] ${error.message}`));

  /** @param {string[]} recipients */
  function takeFault(recipients) {
    const index = faults.findIndex((f) => !f.to || recipients.includes(f.to));
    if (index < 0) return undefined;
    const fault = /** @type {SmtpFault} */ (faults[index]);
    if (fault.times !== -1 && --fault.times <= 0) faults.splice(index, 1);
    return fault;
  }

  await new Promise((resolve, reject) => {
    smtp.server.once("error", reject);
    smtp.listen(smtpPort, "127.0.0.1", () => resolve(undefined));
  });
  const address = /** @type {import("node:net").AddressInfo} */ (smtp.server.address());

  const http = await startStandIn({
    name: "smtp",
    port,
    routes: [
      {
        method: "GET",
        path: "/messages",
        handle: (req) => {
          const to = req.query.to?.toLowerCase();
          const messages = inbox.data.messages;
          return { json: { messages: to ? messages.filter((m) => m.envelope.to.includes(to)) : messages } };
        },
      },
      {
        method: "DELETE",
        path: "/messages",
        handle: () => {
          inbox.data.messages = [];
          inbox.save();
          return { json: { ok: true } };
        },
      },
      {
        method: "POST",
        path: "/faults",
        handle: (req) => {
          const body = /** @type {Partial<SmtpFault>} */ (typeof req.body === "object" && req.body ? req.body : {});
          faults.push({
            times: typeof body.times === "number" ? body.times : 1,
            code: typeof body.code === "number" ? body.code : 451,
            message: typeof body.message === "string" ? body.message : "Requested action aborted: local error in processing",
            ...(typeof body.to === "string" ? { to: body.to.toLowerCase() } : {}),
          });
          return { status: 201, json: { faults: faults.length } };
        },
      },
      { method: "DELETE", path: "/faults", handle: () => ((faults = []), { json: { ok: true } }) },
    ],
    state: () => ({ smtpPort: address.port, messages: inbox.data.messages.length, faults }),
    onReset: () => {
      faults = [];
    },
  });

  return {
    ...http,
    smtpPort: address.port,
    ...credentials,
    close: async () => {
      await Promise.all([http.close(), new Promise((resolve) => smtp.close(() => resolve(undefined)))]);
    },
  };
}

/**
 * Just enough MIME for an inbox: headers (unfolded, RFC 2047 subjects decoded) and the first
 * text/plain and text/html parts, however deeply nested, with quoted-printable or base64 undone.
 * @param {string} raw
 * @returns {{ headers: Record<string, string>, subject: string, text: string | null, html: string | null }}
 */
export function parseMessage(raw) {
  const { headers, body } = splitEntity(raw);
  const found = { text: /** @type {string | null} */ (null), html: /** @type {string | null} */ (null) };
  collectParts(headers, body, found);
  return { headers, subject: decodeWords(headers["subject"] ?? ""), ...found };
}

/** @param {string} entity */
function splitEntity(entity) {
  const match = /\r?\n\r?\n/.exec(entity);
  const head = match ? entity.slice(0, match.index) : entity;
  const body = match ? entity.slice(match.index + match[0].length) : "";
  /** @type {Record<string, string>} */
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

/** @param {Record<string, string>} headers @param {string} body @param {{ text: string | null, html: string | null }} found */
function collectParts(headers, body, found) {
  const type = (headers["content-type"] ?? "text/plain").toLowerCase();
  if (type.startsWith("multipart/")) {
    const boundary = /boundary="?([^";]+)"?/i.exec(headers["content-type"] ?? "")?.[1];
    if (!boundary) return;
    const sections = body.split(new RegExp(`\\r?\\n?--${escapeRegExp(boundary)}(?:--)?[ \\t]*\\r?\\n?`));
    for (const section of sections.slice(1)) {
      if (!section.trim()) continue;
      const part = splitEntity(section);
      collectParts(part.headers, part.body, found);
    }
    return;
  }
  const charset = /charset="?([^";]+)"?/i.exec(headers["content-type"] ?? "")?.[1] ?? "utf-8";
  const decoded = decodeBody(body, (headers["content-transfer-encoding"] ?? "7bit").toLowerCase(), charset);
  if (type.startsWith("text/plain") && found.text === null) found.text = decoded.replace(/\r\n/g, "\n").replace(/\n+$/, "");
  if (type.startsWith("text/html") && found.html === null) found.html = decoded.replace(/\r\n/g, "\n").replace(/\n+$/, "");
}

/** @param {string} body @param {string} encoding @param {string} charset */
function decodeBody(body, encoding, charset) {
  let bytes;
  if (encoding === "quoted-printable") {
    const soft = body.replace(/=\r?\n/g, "");
    const out = [];
    for (let i = 0; i < soft.length; i++) {
      if (soft[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
        out.push(parseInt(soft.slice(i + 1, i + 3), 16));
        i += 2;
      } else out.push(...Buffer.from(soft[i], "utf8"));
    }
    bytes = Buffer.from(out);
  } else if (encoding === "base64") bytes = Buffer.from(body.replace(/\s+/g, ""), "base64");
  else bytes = Buffer.from(body, "utf8");
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString("utf8");
  }
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=). @param {string} value */
function decodeWords(value) {
  return value.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=\s*/g, (_, charset, kind, text) => {
    const bytes =
      kind.toUpperCase() === "B"
        ? Buffer.from(text, "base64")
        : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (/** @type {string} */ _m, /** @type {string} */ hex) => String.fromCharCode(parseInt(hex, 16))), "latin1");
    try {
      return new TextDecoder(charset).decode(bytes);
    } catch {
      return bytes.toString("utf8");
    }
  });
}

/** @param {string} text */
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** @type {import("./index.mjs").StandInDefinition} */
export const smtpStandIn = {
  name: "smtp",
  realKeyVariable: "SMTP_HOST",
  start: ({ port, dataDir } = {}) => startSmtpStandIn({ port, dataDir }),
  bindings: (running) => {
    const smtp = /** @type {Awaited<ReturnType<typeof startSmtpStandIn>>} */ (/** @type {unknown} */ (running));
    return {
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(smtp.smtpPort),
      SMTP_USER: smtp.username,
      SMTP_PASS: smtp.password,
      SMTP_FROM: "Agentline <no-reply@agentline.local>",
      SMTP_SECURE: "false",
      SMTP_STARTTLS: "false",
    };
  },
};
