/** The test database, through the same driver and endpoint the worker uses. */

import { loadConfig } from "../../src/config/env";
import { createDatabase, type Database, loadDatabaseDriver } from "../../src/db/client";
import { testEnv } from "./env";

await loadDatabaseDriver();
export const db: Database = createDatabase(loadConfig(testEnv));
