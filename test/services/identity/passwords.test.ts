import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, verifyPassword } from "../../../src/services/identity/passwords";

describe("passwords", () => {
  it("hashes with scrypt N=2^15 r=8 p=1, a 16-byte salt, parameters stored with the hash", async () => {
    const hash = await hashPassword("correct horse battery staple");
    const [scheme, N, r, p, salt] = hash.split("$");
    expect([scheme, N, r, p]).toEqual(["scrypt", "32768", "8", "1"]);
    expect(Buffer.from(salt!, "base64")).toHaveLength(16);
    expect(await verifyPassword("correct horse battery staple", hash)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", hash)).toBe(false);
  });

  it("salts every hash differently", async () => {
    expect(await hashPassword("same password")).not.toBe(await hashPassword("same password"));
  });

  it("treats a malformed stored hash as no match rather than an error", async () => {
    expect(await verifyPassword("anything at all", "none$unusable")).toBe(false);
    expect(await verifyPassword("anything at all", "scrypt$x$y$z$$")).toBe(false);
  });

  it("asks for a rehash when the stored parameters are weaker than today's", async () => {
    expect(needsRehash(await hashPassword("pw-pw-pw-pw", { N: 2 ** 14, r: 8, p: 1 }))).toBe(true);
    expect(needsRehash(await hashPassword("pw-pw-pw-pw"))).toBe(false);
  });
});
