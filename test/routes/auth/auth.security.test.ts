import { describe, expect, it } from "vitest";
import { signUp } from "../../support/accounts";
import { uniqueEmail } from "../../support/factories";
import { call, errorOf } from "../../support/http";

describe("origin check (CSRF)", () => {
  it("refuses a state-changing request from a foreign origin, and changes nothing", async () => {
    const account = await signUp();
    const response = await call("/api/me", {
      method: "PATCH",
      cookie: account.cookie,
      headers: { origin: "https://evil.example" },
      json: { name: "Hacked" },
    });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe("bad_origin");
    const me = (await (await call("/api/me", { cookie: account.cookie })).json()) as { user: { name: string } };
    expect(me.user.name).toBe("Dana Owner");
  });

  it("refuses a POST with no Origin at all", async () => {
    const response = await call("/api/auth/signup", {
      method: "POST",
      headers: { origin: "" },
      json: { email: uniqueEmail(), password: "long enough password" },
    });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe("bad_origin");
  });

  it("lets GET through without an Origin", async () => {
    const account = await signUp();
    expect((await call("/api/me", { cookie: account.cookie })).status).toBe(200);
  });
});

describe("authentication", () => {
  it("no cookie, a garbage cookie, or a forged token: 401 unauthenticated", async () => {
    for (const cookie of [undefined, "session=", "session=abc", `session=${"a".repeat(40)}`]) {
      const response = await call("/api/me", { cookie });
      expect(response.status).toBe(401);
      expect((await errorOf(response)).code).toBe("unauthenticated");
    }
  });
});
