/**
 * A real SMTP server (the smtp-server package) that keeps what it receives (kit.mjs "Kept state"), with an
 * HTTP inbox beside it for the tests and the sandbox. AUTH PLAIN/LOGIN, on three loopback ports
 * that share one inbox:
 *   smtpPort      plain SMTP, AUTH in clear (the sandbox's setting: SMTP_SECURE=false, SMTP_STARTTLS=false)
 *   startTlsPort  offers STARTTLS and, as a submission server (587) does, refuses AUTH before it
 *   tlsPort       TLS from the first byte (465, SMTP_SECURE=true)
 * The two TLS ports use a self-signed certificate for localhost/127.0.0.1 made at start
 * (tls-certificate.mjs); `certificate` is its PEM, for a client to trust.
 *
 * HTTP (the stand-in kit, so /__control/* works too):
 *   GET    /messages?to=addr   received messages, oldest first, each parsed into
 *                              {id, envelope: {from, to}, headers, subject, text, html, raw, receivedAt}
 *   DELETE /messages           empty the inbox
 *   POST   /faults             {times?: N (default 1, -1 = until cleared), code?: 451, message?, to?: addr, stage?}
 *                              stage "data" (default): refuse the next N messages (to one recipient,
 *                              when `to` is given) after DATA, with that reply code;
 *                              stage "connect": answer the next N connections with that code instead
 *                              of the greeting and close them (a server shutting down: 421)
 *   DELETE /faults             clear scripted refusals
 */
import { randomBytes } from "node:crypto";
import { SMTPServer } from "smtp-server";
import { openState, startStandIn } from "./kit.mjs";
import { parseMessage } from "./smtp-mime.mjs";
import { selfSignedCertificate } from "./tls-certificate.mjs";

const MAX_MESSAGES = 2000;

/**
 * @typedef {{ id: string, receivedAt: string, envelope: { from: string, to: string[] },
 *   headers: Record<string, string>, subject: string, text: string | null, html: string | null, raw: string }} ReceivedMessage
 * @typedef {{ times: number, code: number, message: string, to?: string, stage: "data" | "connect" }} SmtpFault
 */

/** @param {{ port?: number, smtpPort?: number, username?: string, password?: string, dataDir?: string | null }} [options] */
export async function startSmtpStandIn({ port = 0, smtpPort = 0, username = "sandbox", password, dataDir = null } = {}) {
  const credentials = { username, password: password ?? `sandbox-${randomBytes(8).toString("hex")}` };
  // The inbox outlives a restart of `npm run dev` (kit.mjs "Kept state"); faults do not.
  const inbox = openState({ dataDir, name: "smtp", initial: () => ({ messages: /** @type {ReceivedMessage[]} */ ([]) }) });
  /** @type {SmtpFault[]} */
  let faults = [];

  const tls = selfSignedCertificate({ commonName: "Agentline sandbox SMTP" });
  /** @param {{ secure: boolean, startTls: boolean }} mode */
  const createServer = ({ secure, startTls }) => new SMTPServer({
    secure,
    ...(secure || startTls ? { key: tls.key, cert: tls.cert } : {}),
    // The plain port (loopback only) offers no STARTTLS and takes AUTH in clear; the STARTTLS
    // port takes AUTH only once the connection is encrypted.
    ...(secure || startTls ? {} : { disabledCommands: ["STARTTLS"] }),
    allowInsecureAuth: !startTls,
    authOptional: false,
    authMethods: ["PLAIN", "LOGIN"],
    banner: "Agentline sandbox SMTP",
    size: 10 * 1024 * 1024,
    logger: false,
    onConnect(_session, callback) {
      const fault = takeFault([], "connect");
      if (fault) return callback(Object.assign(new Error(fault.message), { responseCode: fault.code }));
      callback();
    },
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
        const fault = takeFault(recipients, "data");
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

  /** @param {string[]} recipients @param {SmtpFault["stage"]} stage */
  function takeFault(recipients, stage) {
    const index = faults.findIndex((f) => f.stage === stage && (stage === "connect" || !f.to || recipients.includes(f.to)));
    if (index < 0) return undefined;
    const fault = /** @type {SmtpFault} */ (faults[index]);
    if (fault.times !== -1 && --fault.times <= 0) faults.splice(index, 1);
    return fault;
  }

  /** @param {SMTPServer} server @param {number} wanted @returns {Promise<number>} */
  const listen = (server, wanted) => {
    server.on("error", (error) => console.error(`[smtp stand-in] ${error.message}`));
    return new Promise((resolve, reject) => {
      server.server.once("error", reject);
      server.listen(wanted, "127.0.0.1", () => resolve(/** @type {import("node:net").AddressInfo} */ (server.server.address()).port));
    });
  };
  const servers = [createServer({ secure: false, startTls: false }), createServer({ secure: false, startTls: true }), createServer({ secure: true, startTls: false })];
  const [plainPort, startTlsPort, tlsPort] = await Promise.all(servers.map((server, index) => listen(server, index === 0 ? smtpPort : 0)));
  const ports = { smtpPort: /** @type {number} */ (plainPort), startTlsPort: /** @type {number} */ (startTlsPort), tlsPort: /** @type {number} */ (tlsPort) };

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
            stage: body.stage === "connect" ? "connect" : "data",
          });
          return { status: 201, json: { faults: faults.length } };
        },
      },
      { method: "DELETE", path: "/faults", handle: () => {
          faults = [];
          return { json: { ok: true } };
        } },
    ],
    state: () => ({ ...ports, certificate: tls.cert, messages: inbox.data.messages.length, faults }),
    onReset: () => {
      faults = [];
    },
  });

  return {
    ...http,
    ...ports,
    certificate: tls.cert,
    ...credentials,
    close: async () => {
      await Promise.all([http.close(), ...servers.map((server) => new Promise((resolve) => server.close(() => resolve(undefined))))]);
    },
  };
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
      // Read by the worker's /sandbox page.
      SANDBOX_INBOX_URL: `${smtp.url}/messages`,
      SMTP_SECURE: "false",
      SMTP_STARTTLS: "false",
    };
  },
};
