import { z } from "zod";
import type { Store } from "./open-store.js";

/** One sync of an Application, as its agent reported it. */
export const appSyncSchema = z.object({
  id: z.number(),
  app: z.string(),
  agent: z.string(),
  /** The commit synced to. */
  revision: z.string(),
  /** What started it: "automated" (a new commit or drift), "manual" (ferry app sync), "rollback". */
  trigger: z.string(),
  /** Who: the user who asked, or the agent. */
  actor: z.string(),
  result: z.enum(["Succeeded", "Failed"]),
  message: z.string().nullable(),
  /** What changed: added, changed (field by field) and removed Services. */
  changes: z.unknown(),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type AppSync = z.infer<typeof appSyncSchema>;

/** What an agent sends; `agentSyncId` makes a retried report count once. */
export const newAppSyncSchema = z.object({
  agentSyncId: z.string().min(1).max(100),
  revision: z.string().min(1).max(200),
  trigger: z.string().min(1).max(50),
  actor: z.string().min(1).max(200),
  result: z.enum(["Succeeded", "Failed"]),
  message: z.string().max(4000).optional(),
  changes: z.unknown(),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type NewAppSync = z.infer<typeof newAppSyncSchema>;

const syncColumns = `id, app, agent, revision, trigger, actor, result, message, changes, started_at AS startedAt, finished_at AS finishedAt`;
type SyncRow = Omit<AppSync, "changes"> & { changes: string };
const fromRow = (r: SyncRow): AppSync => ({ ...r, changes: JSON.parse(r.changes) as unknown });

/** Records a sync once per (agent, agentSyncId); returns the stored entry. */
export function recordAppSync(store: Store, app: string, agent: string, s: NewAppSync): AppSync {
  store.sqlite
    .prepare(`INSERT INTO app_syncs (app, agent, revision, trigger, actor, result, message, changes, started_at, finished_at, agent_sync_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (agent, agent_sync_id) DO NOTHING`)
    .run(app, agent, s.revision, s.trigger, s.actor, s.result, s.message ?? null, JSON.stringify(s.changes ?? null), s.startedAt, s.finishedAt, s.agentSyncId);
  const row = store.sqlite.prepare(`SELECT ${syncColumns} FROM app_syncs WHERE agent = ? AND agent_sync_id = ?`).get(agent, s.agentSyncId) as SyncRow;
  return fromRow(row);
}

/** An Application's syncs, newest first. */
export function listAppSyncs(store: Store, app: string, limit = 100): AppSync[] {
  return (store.sqlite.prepare(`SELECT ${syncColumns} FROM app_syncs WHERE app = ? ORDER BY id DESC LIMIT ?`).all(app, limit) as SyncRow[]).map(fromRow);
}

export function getAppSync(store: Store, app: string, id: number): AppSync | undefined {
  const row = store.sqlite.prepare(`SELECT ${syncColumns} FROM app_syncs WHERE app = ? AND id = ?`).get(app, id) as SyncRow | undefined;
  return row === undefined ? undefined : fromRow(row);
}

/** A request for an agent: sync now (to the source revision, or to `revision` for a rollback). */
export type AppOperation = { id: number; app: string; type: "sync" | "rollback"; revision: string | null; actor: string; createdAt: string };

export function requestAppOperation(store: Store, op: { app: string; type: AppOperation["type"]; revision?: string; actor: string }): AppOperation {
  const createdAt = new Date().toISOString();
  const info = store.sqlite.prepare("INSERT INTO app_operations (app, type, revision, actor, created_at) VALUES (?, ?, ?, ?, ?)")
    .run(op.app, op.type, op.revision ?? null, op.actor, createdAt);
  return { id: Number(info.lastInsertRowid), app: op.app, type: op.type, revision: op.revision ?? null, actor: op.actor, createdAt };
}

/** Operations not yet done for these Applications, oldest first. */
export function pendingAppOperations(store: Store, apps: readonly string[]): AppOperation[] {
  if (apps.length === 0) return [];
  return store.sqlite
    .prepare(`SELECT id, app, type, revision, actor, created_at AS createdAt FROM app_operations WHERE done_at IS NULL AND app IN (${apps.map(() => "?").join(", ")}) ORDER BY id`)
    .all(...apps) as AppOperation[];
}

/** Marks an operation done; false when it was done already or does not exist. */
export function completeAppOperation(store: Store, app: string, id: number, result: string): boolean {
  return store.sqlite.prepare("UPDATE app_operations SET done_at = ?, result = ? WHERE id = ? AND app = ? AND done_at IS NULL")
    .run(new Date().toISOString(), result, id, app).changes > 0;
}
