import { describe, expect, it } from "vitest";
import { agents } from "../../src/db/schema";
import { assertId, foundOr404, ownedBy } from "../../src/db/scope";
import { AppError } from "../../src/errors";
import { db } from "../support/db";
import { createUser } from "../support/factories";

describe("per-business scoping", () => {
  it("finds a row by id only together with its business", async () => {
    const owner = await createUser();
    const stranger = await createUser();
    const [agent] = await db.insert(agents).values({ businessId: owner.business.id, vapiAssistantId: `asst-${crypto.randomUUID()}`, name: "Desk", greeting: "Hi" }).returning();
    const id = agent?.id ?? "";
    expect(await db.select().from(agents).where(ownedBy(agents, owner.business.id, id))).toHaveLength(1);
    expect(await db.select().from(agents).where(ownedBy(agents, stranger.business.id, id))).toHaveLength(0);
    expect(await db.select().from(agents).where(ownedBy(agents, stranger.business.id))).toHaveLength(0);
  });

  it("answers 404 for ids that cannot exist instead of letting Postgres fail", () => {
    expect(() => assertId("not-a-uuid", "agent")).toThrowError(AppError);
    expect(() => assertId("'; drop table users; --", "agent")).toThrowError(/No such agent/);
    expect(assertId("0F8FAD5B-D9CB-469F-A165-70867728950E", "agent")).toBe("0f8fad5b-d9cb-469f-a165-70867728950e");
  });

  it("turns a missing row into 404 not_found", () => {
    expect(() => foundOr404(undefined, "phone number")).toThrowError(expect.objectContaining({ code: "not_found", status: 404 }));
    expect(foundOr404({ id: 1 }, "phone number")).toEqual({ id: 1 });
  });
});
