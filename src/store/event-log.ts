import type { Store } from "./open-store.js";

export type AuditEvent = { id: number; time: string; actor: string; action: string; kind: string; name: string; data: Record<string, unknown> };

/** Appends to the audit/event log: who did what to which object. Callers pass masked data only. */
export async function appendEvent(store: Store, e: { actor: string; action: string; kind: string; name: string; data?: Record<string, unknown> }): Promise<void> {
  await store.db.insertInto("events").values({
    time: new Date().toISOString(), actor: e.actor, action: e.action, kind: e.kind, name: e.name, data: JSON.stringify(e.data ?? {}),
  }).execute();
}

export async function listEvents(store: Store, opts: { kind?: string; name?: string; limit?: number; before?: number } = {}): Promise<AuditEvent[]> {
  let q = store.db.selectFrom("events").selectAll().orderBy("id", "desc").limit(Math.min(opts.limit ?? 100, 1000));
  if (opts.kind) q = q.where("kind", "=", opts.kind);
  if (opts.name) q = q.where("name", "=", opts.name);
  if (opts.before) q = q.where("id", "<", opts.before);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
}
