/**
 * The local Neon-HTTP endpoint must not close an idle keep-alive connection on its own: workerd
 * reuses pooled connections, and one closed by the server at the moment of reuse fails the
 * query with "Network connection lost" (50 logins in flight did this under `npm run bench`,
 * when Node's default 5-second keep-alive timeout ran out while the isolate was busy).
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../dev/db/backend.mjs";
import { startNeonHttp } from "../../dev/db/neon-http.mjs";

// Node closes an idle connection about a second after its 5 s keepAliveTimeout.
const IDLE_LONGER_THAN_NODE_DEFAULT_MS = 7000;
let database: Awaited<ReturnType<typeof openDatabase>>;
let endpoint: Awaited<ReturnType<typeof startNeonHttp>>;

beforeAll(async () => {
  database = await openDatabase({ dataDir: null });
  endpoint = await startNeonHttp({ pool: database.pool, kind: database.kind });
});

afterAll(async () => {
  await endpoint?.close();
  await database?.close();
});

describe("local Neon-HTTP endpoint keep-alive", () => {
  it("answers a second query on a connection left idle longer than Node's default keep-alive", async () => {
    const socket = net.connect(endpoint.port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    let received = "";
    socket.on("data", (chunk) => (received += chunk));
    const closed = new Promise((resolve) => socket.once("close", () => resolve("closed")));

    socket.write(sqlRequest(1));
    await until(() => received.includes('"rowCount":1'));
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, IDLE_LONGER_THAN_NODE_DEFAULT_MS))]);
    expect(socket.destroyed).toBe(false);

    received = "";
    socket.write(sqlRequest(2));
    await until(() => received.includes('"rowCount":1'));
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    socket.destroy();
  }, 15_000);
});

function sqlRequest(value: number) {
  const body = JSON.stringify({ query: `select ${value} as n`, params: [] });
  const connectionString = endpoint.connectionString("db.agentline.local");
  return [
    "POST /sql HTTP/1.1",
    `Host: 127.0.0.1:${endpoint.port}`,
    "Connection: keep-alive",
    "Content-Type: application/json",
    `Neon-Connection-String: ${connectionString}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    "",
    body,
  ].join("\r\n");
}

async function until(check: () => boolean) {
  for (let attempt = 0; attempt < 200 && !check(); attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(check()).toBe(true);
}
