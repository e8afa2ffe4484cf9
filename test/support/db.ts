/** The test database, through the same driver and endpoint the worker uses. */
import { createDatabase, type Database, loadDatabaseDriver } from "../../src/db/client";
import { loadConfig } from "../../src/env";
import { testEnv } from "./env";

await loadDatabaseDriver();
export const db: Database = createDatabase(loadConfig(testEnv));
