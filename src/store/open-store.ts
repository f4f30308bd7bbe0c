import { mkdirSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { migrate } from "./migrations.js";
import type { Database } from "./schema.js";

export type Store = {
  /** Typed queries. */
  db: Kysely<Database>;
  /** The raw connection, for synchronous transactions that must not interleave (claims). */
  sqlite: BetterSqlite3.Database;
  dataDir: string;
  close(): Promise<void>;
};

/** Opens (creating and migrating) the embedded store in `dataDir`. */
export function openStore(dataDir: string): Store {
  mkdirSync(dataDir, { recursive: true });
  const sqlite = new BetterSqlite3(join(dataDir, "ferry.db"));
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  migrate(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    db, sqlite, dataDir,
    async close() {
      await db.destroy();
    },
  };
}
