/**
 * Just enough MIME for the SMTP stand-in's inbox: headers, the subject, and the first text and
 * HTML parts of a received message.
 */

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
  return { headers, subject: decodeWords(headers.subject ?? ""), ...found };
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
