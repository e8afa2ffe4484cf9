/**
 * A throwaway database on a real PostgreSQL server, for the real-Postgres test pass: created
 * empty next to whatever DATABASE_URL names, dropped when the run ends.
 */
import pg from "pg";

/** @param {string} serverUrl any database URL on the server; the scratch one is made beside it */
export async function createScratchDatabase(serverUrl) {
  const name = `agentline_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
