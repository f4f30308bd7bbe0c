import type { Store } from "./open-store.js";

/** Freight as stored: the immutable part (JSON) and the marks that grow (verified in, approved for). */
export type FreightRecord = {
  name: string;
  warehouse: string;
  alias: string;
  createdAt: string;
  /** artifacts, images, commits, origin: exactly as the warehouse made them. */
  data: Record<string, unknown>;
  verifiedIn: Record<string, { at: string; promotionId: number | null }>;
  approvedFor: Record<string, { at: string; by: string }>;
};

export type PromotionRecord = {
  id: number;
  stage: string;
  freight: string;
  trigger: "auto" | "manual";
  phase: "Pending" | "Running" | "Succeeded" | "Failed" | "Errored" | "Aborted";
  message: string | null;
  steps: unknown[];
  commit: string | null;
  requestedBy: string;
  verification: { phase: string; reasons?: string[]; at: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

type FreightRow = { name: string; warehouse: string; alias: string; data: string; created_at: string };
type MarkRow = { freight: string; stage: string; kind: string; at: string; actor: string | null; promotion_id: number | null };
type PromotionRow = { id: number; stage: string; freight: string; trigger: string; phase: string; message: string | null; steps: string; commit_sha: string | null; requested_by: string; verification: string | null; created_at: string; started_at: string | null; finished_at: string | null };

function withMarks(rows: FreightRow[], marks: MarkRow[]): FreightRecord[] {
  return rows.map((r) => {
    const mine = marks.filter((m) => m.freight === r.name);
    return {
      name: r.name, warehouse: r.warehouse, alias: r.alias, createdAt: r.created_at, data: JSON.parse(r.data) as Record<string, unknown>,
      verifiedIn: Object.fromEntries(mine.filter((m) => m.kind === "verified").map((m) => [m.stage, { at: m.at, promotionId: m.promotion_id }])),
      approvedFor: Object.fromEntries(mine.filter((m) => m.kind === "approved").map((m) => [m.stage, { at: m.at, by: m.actor ?? "" }])),
    };
  });
}

/** Inserts freight once (its name is its content hash); false when it existed. */
export function insertFreight(store: Store, f: { name: string; warehouse: string; alias: string; createdAt: string; data: Record<string, unknown> }): boolean {
  return store.sqlite.prepare("INSERT OR IGNORE INTO freight (name, warehouse, alias, data, created_at) VALUES (?, ?, ?, ?, ?)")
    .run(f.name, f.warehouse, f.alias, JSON.stringify(f.data), f.createdAt).changes > 0;
}

/** Newest first; `limit` reads only the newest N rows and their marks. */
export function listFreight(store: Store, q: { warehouse?: string; limit?: number } = {}): FreightRecord[] {
  const where = q.warehouse ? "WHERE warehouse = ?" : "";
  const limit = q.limit === undefined ? "" : "LIMIT ?";
  const params: unknown[] = [...(q.warehouse ? [q.warehouse] : []), ...(q.limit === undefined ? [] : [q.limit])];
  const rows = store.sqlite.prepare(`SELECT * FROM freight ${where} ORDER BY created_at DESC, name ${limit}`).all(...params) as FreightRow[];
  const marks = q.limit === undefined
    ? store.sqlite.prepare("SELECT * FROM freight_marks").all() as MarkRow[]
    : rows.length === 0 ? [] : store.sqlite.prepare(`SELECT * FROM freight_marks WHERE freight IN (${rows.map(() => "?").join(",")})`).all(...rows.map((r) => r.name)) as MarkRow[];
  return withMarks(rows, marks);
}

/** How much freight there is (of one warehouse). */
export function countFreight(store: Store, q: { warehouse?: string } = {}): number {
  const row = (q.warehouse
    ? store.sqlite.prepare("SELECT COUNT(*) AS n FROM freight WHERE warehouse = ?").get(q.warehouse)
    : store.sqlite.prepare("SELECT COUNT(*) AS n FROM freight").get()) as { n: number };
  return row.n;
}

/** By name or alias. */
export function getFreight(store: Store, nameOrAlias: string): FreightRecord | undefined {
  const rows = store.sqlite.prepare("SELECT * FROM freight WHERE name = ? OR alias = ? ORDER BY created_at DESC LIMIT 1").all(nameOrAlias, nameOrAlias) as FreightRow[];
  if (rows.length === 0) return undefined;
  const marks = store.sqlite.prepare("SELECT * FROM freight_marks WHERE freight = ?").all(rows[0]?.name) as MarkRow[];
  return withMarks(rows, marks)[0];
}

export function markFreight(store: Store, m: { freight: string; stage: string; kind: "verified" | "approved"; actor?: string; promotionId?: number }): void {
  store.sqlite.prepare(`INSERT INTO freight_marks (freight, stage, kind, at, actor, promotion_id) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (freight, stage, kind) DO UPDATE SET at = excluded.at, actor = excluded.actor, promotion_id = excluded.promotion_id`)
    .run(m.freight, m.stage, m.kind, new Date().toISOString(), m.actor ?? null, m.promotionId ?? null);
}

function toPromotion(r: PromotionRow): PromotionRecord {
  return {
    id: r.id, stage: r.stage, freight: r.freight, trigger: r.trigger as PromotionRecord["trigger"], phase: r.phase as PromotionRecord["phase"],
    message: r.message, steps: JSON.parse(r.steps) as unknown[], commit: r.commit_sha, requestedBy: r.requested_by,
    verification: r.verification ? JSON.parse(r.verification) as PromotionRecord["verification"] : null,
    createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at,
  };
}

export function createPromotion(store: Store, p: { stage: string; freight: string; trigger: "auto" | "manual"; requestedBy: string; message?: string }): PromotionRecord {
  const info = store.sqlite.prepare("INSERT INTO promotions (stage, freight, trigger, phase, message, requested_by, created_at) VALUES (?, ?, ?, 'Pending', ?, ?, ?)")
    .run(p.stage, p.freight, p.trigger, p.message ?? null, p.requestedBy, new Date().toISOString());
  return getPromotion(store, Number(info.lastInsertRowid)) as PromotionRecord;
}

export function getPromotion(store: Store, id: number): PromotionRecord | undefined {
  const r = store.sqlite.prepare("SELECT * FROM promotions WHERE id = ?").get(id) as PromotionRow | undefined;
  return r ? toPromotion(r) : undefined;
}

export function listPromotions(store: Store, q: { stage?: string; limit?: number } = {}): PromotionRecord[] {
  const limit = Math.min(q.limit ?? 100, 1000);
  const rows = (q.stage
    ? store.sqlite.prepare("SELECT * FROM promotions WHERE stage = ? ORDER BY id DESC LIMIT ?").all(q.stage, limit)
    : store.sqlite.prepare("SELECT * FROM promotions ORDER BY id DESC LIMIT ?").all(limit)) as PromotionRow[];
  return rows.map(toPromotion);
}

/** Moves a promotion on; only from a phase in `from` (so an abort and a finish cannot both win). */
export function updatePromotion(store: Store, id: number, from: readonly PromotionRecord["phase"][], set: Partial<Pick<PromotionRecord, "phase" | "message" | "steps" | "commit" | "verification">>): boolean {
  const now = new Date().toISOString();
  const fields: string[] = [];
  const args: Array<string | number | null> = [];
  if (set.phase !== undefined) {
    fields.push("phase = ?");
    args.push(set.phase);
    if (set.phase === "Running") fields.push(`started_at = '${now}'`);
    if (["Succeeded", "Failed", "Errored", "Aborted"].includes(set.phase)) fields.push(`finished_at = '${now}'`);
  }
  const more: Array<[string, string | null | undefined]> = [
    ["message", set.message], ["steps", set.steps === undefined ? undefined : JSON.stringify(set.steps)], ["commit_sha", set.commit],
    ["verification", set.verification === undefined ? undefined : JSON.stringify(set.verification)],
  ];
  for (const [column, value] of more) {
    if (value === undefined) continue;
    fields.push(`${column} = ?`);
    args.push(value);
  }
  if (fields.length === 0) return false;
  return store.sqlite.prepare(`UPDATE promotions SET ${fields.join(", ")} WHERE id = ? AND phase IN (${from.map(() => "?").join(", ")})`)
    .run(...args, id, ...from).changes > 0;
}

/** Promotions a crash left Running end Errored with the reason; Pending ones stay to be picked up again. */
export function endInterruptedPromotions(store: Store): number {
  return store.sqlite.prepare(`UPDATE promotions SET phase = 'Errored', message = 'interrupted: the server stopped while it ran', finished_at = ? WHERE phase = 'Running'`)
    .run(new Date().toISOString()).changes;
}
