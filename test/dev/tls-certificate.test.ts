import { X509Certificate } from "node:crypto";
import tls from "node:tls";
import { describe, expect, it } from "vitest";
import { selfSignedCertificate } from "../../dev/stand-ins/tls-certificate.mjs";

describe("the stand-ins' self-signed certificate", () => {
  // A random serial with a needless leading zero byte is not DER, and OpenSSL refuses the whole
  // certificate ("illegal padding"): about 1 certificate in 256 did, so try enough of them.
  it("is always valid DER that OpenSSL loads, for localhost and 127.0.0.1", () => {
    for (let attempt = 0; attempt < 1500; attempt++) {
      const { key, cert } = selfSignedCertificate({ commonName: "Agentline test" });
      expect(() => tls.createSecureContext({ key, cert })).not.toThrow();
      if (attempt === 0) {
        const parsed = new X509Certificate(cert);
        expect(parsed.checkHost("localhost")).toBe("localhost");
        expect(parsed.checkIP("127.0.0.1")).toBe("127.0.0.1");
        expect(parsed.ca).toBe(true);
      }
    }
  });
});
