/**
 * A self-signed certificate for a loopback stand-in (the SMTP stand-in's STARTTLS and implicit
 * TLS), made with node:crypto alone so `npm test` needs no openssl: an EC P-256 key and an
 * X.509 v3 certificate, DER-encoded by hand, valid for `localhost` and 127.0.0.1, marked as its
 * own CA so a client can trust it directly (workerd: miniflare's `trustedCertificates`).
 */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";

/** @param {number} tag @param {Buffer} content */
function tlv(tag, content) {
  const length = content.length;
  const head = length < 0x80 ? Buffer.from([length]) : lengthBytes(length);
  return Buffer.concat([Buffer.from([tag]), head, content]);
}
function lengthBytes(length) {
  const bytes = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const sequence = (...items) => tlv(0x30, Buffer.concat(items));
const set = (...items) => tlv(0x31, Buffer.concat(items));
const integer = (bytes) => tlv(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const boolean = (value) => tlv(0x01, Buffer.from([value ? 0xff : 0]));
const octets = (bytes) => tlv(0x04, bytes);
const bits = (bytes, unused = 0) => tlv(0x03, Buffer.concat([Buffer.from([unused]), bytes]));
const utf8 = (text) => tlv(0x0c, Buffer.from(text, "utf8"));
const explicit = (index, content) => tlv(0xa0 + index, content);

/** @param {string} dotted */
function oid(dotted) {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const out = [40 * first + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) chunk.unshift(0x80 | (value & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** @param {Date} date */
function utcTime(date) {
  const text = `${date.toISOString().replace(/[-:T]/g, "").slice(2, 14)}Z`;
  return tlv(0x17, Buffer.from(text, "ascii"));
}

const ECDSA_WITH_SHA256 = sequence(oid("1.2.840.10045.4.3.2"));

/**
 * @param {{ commonName?: string, days?: number }} [options]
 * @returns {{ key: string, cert: string }} PEM private key and certificate
 */
export function selfSignedCertificate({ commonName = "Agentline sandbox", days = 365 } = {}) {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const name = sequence(set(sequence(oid("2.5.4.3"), utf8(commonName))));
  const now = Date.now();
  const serial = randomBytes(16);
  // Positive, and with a non-zero first byte: DER forbids a leading zero byte that is not needed
  // for the sign, and OpenSSL refuses the whole certificate ("illegal padding") for it.
  serial[0] = (serial[0] & 0x7f) | 0x01;
  const extension = (id, critical, value) => sequence(oid(id), ...(critical ? [boolean(true)] : []), octets(value));
  const extensions = sequence(
    extension("2.5.29.19", true, sequence(boolean(true))), // basicConstraints: CA (its own trust anchor)
    extension("2.5.29.15", true, bits(Buffer.from([0x84]), 2)), // keyUsage: digitalSignature, keyCertSign
    extension("2.5.29.37", false, sequence(oid("1.3.6.1.5.5.7.3.1"))), // extendedKeyUsage: serverAuth
    // subjectAltName: DNS localhost, IP 127.0.0.1
    extension("2.5.29.17", false, sequence(tlv(0x82, Buffer.from("localhost")), tlv(0x87, Buffer.from([127, 0, 0, 1])))),
  );
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ECDSA_WITH_SHA256,
    name,
    sequence(utcTime(new Date(now - 24 * 60 * 60 * 1000)), utcTime(new Date(now + days * 24 * 60 * 60 * 1000))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    explicit(3, extensions),
  );
  const signature = sign("sha256", tbs, privateKey);
  const der = sequence(tbs, ECDSA_WITH_SHA256, bits(signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString("base64").match(/.{1,64}/g)?.join("\n")}\n-----END CERTIFICATE-----\n`;
  return { key: /** @type {string} */ (privateKey.export({ type: "pkcs8", format: "pem" })), cert: pem };
}
