import type BetterSqlite3 from "better-sqlite3";

/** Versioned schema changes; each runs once, in order, inside a transaction. Never edit a released one. */
export const migrations: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: "control plane",
    sql: `
CREATE TABLE resources (kind TEXT NOT NULL, name TEXT NOT NULL, metadata TEXT NOT NULL, spec TEXT NOT NULL, status TEXT,
  generation INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (kind, name));
CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  kind TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX events_kind_name ON events (kind, name);
CREATE TABLE repo_refs (repo TEXT NOT NULL, ref TEXT NOT NULL, sha TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (repo, ref));
CREATE TABLE webhook_deliveries (delivery_id TEXT PRIMARY KEY, repo TEXT NOT NULL, received_at TEXT NOT NULL);
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, repo TEXT NOT NULL, run_number INTEGER NOT NULL, workflow_file TEXT NOT NULL,
  workflow_name TEXT NOT NULL, workflow_text TEXT NOT NULL, event TEXT NOT NULL, ref TEXT NOT NULL, sha TEXT NOT NULL, actor TEXT NOT NULL,
  status TEXT NOT NULL, conclusion TEXT, reason TEXT, payload TEXT NOT NULL, inputs TEXT NOT NULL, created_at TEXT NOT NULL,
  started_at TEXT, completed_at TEXT);
CREATE INDEX runs_repo ON runs (repo, id);
CREATE INDEX runs_status ON runs (status);
CREATE TABLE workflow_jobs (run_id INTEGER NOT NULL REFERENCES runs (id), job_id TEXT NOT NULL, status TEXT NOT NULL, result TEXT,
  outputs TEXT, PRIMARY KEY (run_id, job_id));
CREATE TABLE jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL REFERENCES runs (id), job_id TEXT NOT NULL,
  name TEXT NOT NULL, status TEXT NOT NULL, conclusion TEXT, reason TEXT, labels TEXT NOT NULL, payload TEXT NOT NULL, outputs TEXT,
  runner_id TEXT, lease_token TEXT, lease_expires_at INTEGER, log_seq INTEGER NOT NULL DEFAULT 0, cancel_requested INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL, started_at TEXT, completed_at TEXT);
CREATE INDEX jobs_status ON jobs (status, id);
CREATE INDEX jobs_run ON jobs (run_id);
CREATE TABLE steps (job_id INTEGER NOT NULL REFERENCES jobs (id), number INTEGER NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
  conclusion TEXT, started_at TEXT, completed_at TEXT, PRIMARY KEY (job_id, number));
CREATE TABLE runners (id TEXT PRIMARY KEY, name TEXT NOT NULL, labels TEXT NOT NULL, capacity INTEGER NOT NULL, last_seen INTEGER NOT NULL);
CREATE TABLE tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE secrets (repo TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (repo, name));
CREATE TABLE variables (repo TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (repo, name));
`,
  },
  {
    version: 2,
    name: "concurrency groups of runs",
    sql: `
ALTER TABLE runs ADD COLUMN concurrency_group TEXT;
ALTER TABLE runs ADD COLUMN concurrency_cancel INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN concurrency_checked INTEGER NOT NULL DEFAULT 0;
CREATE INDEX runs_concurrency ON runs (concurrency_group, status);
`,
  },
  {
    version: 3,
    name: "job tokens and artifacts made by runs",
    sql: `
CREATE TABLE job_tokens (hash TEXT PRIMARY KEY, job_id INTEGER NOT NULL REFERENCES jobs (id), lease_token TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX job_tokens_job ON job_tokens (job_id);
CREATE TABLE run_artifacts (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL REFERENCES runs (id), job_id INTEGER REFERENCES jobs (id),
  kind TEXT NOT NULL, name TEXT NOT NULL, repository TEXT NOT NULL, reference TEXT NOT NULL, digest TEXT NOT NULL, media_type TEXT NOT NULL,
  artifact_type TEXT, created_at TEXT NOT NULL);
CREATE INDEX run_artifacts_run ON run_artifacts (run_id);
CREATE INDEX run_artifacts_repository ON run_artifacts (repository, digest);
`,
  },
  {
    version: 4,
    name: "application sync history and operations",
    sql: `
CREATE TABLE app_syncs (id INTEGER PRIMARY KEY AUTOINCREMENT, app TEXT NOT NULL, agent TEXT NOT NULL, revision TEXT NOT NULL,
  trigger TEXT NOT NULL, actor TEXT NOT NULL, result TEXT NOT NULL, message TEXT, changes TEXT NOT NULL,
  started_at TEXT NOT NULL, finished_at TEXT NOT NULL, agent_sync_id TEXT NOT NULL, UNIQUE (agent, agent_sync_id));
CREATE INDEX app_syncs_app ON app_syncs (app, id);
CREATE TABLE app_operations (id INTEGER PRIMARY KEY AUTOINCREMENT, app TEXT NOT NULL, type TEXT NOT NULL, revision TEXT,
  actor TEXT NOT NULL, created_at TEXT NOT NULL, done_at TEXT, result TEXT);
CREATE INDEX app_operations_pending ON app_operations (app, done_at);
`,
  },
  {
    version: 5,
    name: "freight and promotions",
    sql: `
CREATE TABLE freight (name TEXT PRIMARY KEY, warehouse TEXT NOT NULL, alias TEXT NOT NULL, data TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX freight_warehouse ON freight (warehouse, created_at);
CREATE TABLE freight_marks (freight TEXT NOT NULL REFERENCES freight (name), stage TEXT NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL,
  actor TEXT, promotion_id INTEGER, PRIMARY KEY (freight, stage, kind));
CREATE TABLE promotions (id INTEGER PRIMARY KEY AUTOINCREMENT, stage TEXT NOT NULL, freight TEXT NOT NULL, trigger TEXT NOT NULL,
  phase TEXT NOT NULL, message TEXT, steps TEXT NOT NULL DEFAULT '[]', commit_sha TEXT, requested_by TEXT NOT NULL,
  verification TEXT, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT);
CREATE INDEX promotions_stage ON promotions (stage, id);
`,
  },
];

/** Brings the database to the newest schema version; returns the versions applied. */
export function migrate(db: BetterSqlite3.Database): number[] {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
  const done = new Set((db.prepare("SELECT version FROM schema_migrations").all() as Array<{ version: number }>).map((r) => r.version));
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(m.version, m.name, new Date().toISOString());
    })();
    applied.push(m.version);
  }
  return applied;
}
