import type { Store } from "./open-store.js";

export type StoredResource = {
  apiVersion: "ferry/v1alpha1";
  kind: string;
  metadata: { name: string; generation: number; createdAt: string; updatedAt: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
};

type Row = { kind: string; name: string; metadata: string; spec: string; status: string | null; generation: number; created_at: string; updated_at: string };

function toResource(r: Row): StoredResource {
  const meta = JSON.parse(r.metadata) as { labels?: Record<string, string>; annotations?: Record<string, string> };
  return {
    apiVersion: "ferry/v1alpha1", kind: r.kind,
    metadata: { ...meta, name: r.name, generation: r.generation, createdAt: r.created_at, updatedAt: r.updated_at },
    spec: JSON.parse(r.spec) as Record<string, unknown>,
    ...(r.status ? { status: JSON.parse(r.status) as Record<string, unknown> } : {}),
  };
}

export type ApplyOutcome = "created" | "configured" | "unchanged";

/**
 * Creates or updates resources in one transaction: all of them, or none. The generation goes up
 * only when the spec or metadata changed, so re-applying the same file is a no-op.
 */
export function applyResources(
  store: Store,
  items: ReadonlyArray<{ kind: string; name: string; metadata: Record<string, unknown>; spec: Record<string, unknown> }>,
): Array<{ kind: string; name: string; outcome: ApplyOutcome; generation: number }> {
  const now = new Date().toISOString();
  const get = store.sqlite.prepare("SELECT * FROM resources WHERE kind = ? AND name = ?");
  const insert = store.sqlite.prepare("INSERT INTO resources (kind, name, metadata, spec, status, generation, created_at, updated_at) VALUES (?, ?, ?, ?, NULL, 1, ?, ?)");
  const update = store.sqlite.prepare("UPDATE resources SET metadata = ?, spec = ?, generation = generation + 1, updated_at = ? WHERE kind = ? AND name = ?");
  return store.sqlite.transaction(() => items.map((item) => {
    const metadata = JSON.stringify(item.metadata);
    const spec = JSON.stringify(item.spec);
    const existing = get.get(item.kind, item.name) as Row | undefined;
    if (!existing) {
      insert.run(item.kind, item.name, metadata, spec, now, now);
      return { kind: item.kind, name: item.name, outcome: "created" as const, generation: 1 };
    }
    if (existing.spec === spec && existing.metadata === metadata) return { kind: item.kind, name: item.name, outcome: "unchanged" as const, generation: existing.generation };
    update.run(metadata, spec, now, item.kind, item.name);
    return { kind: item.kind, name: item.name, outcome: "configured" as const, generation: existing.generation + 1 };
  }))();
}

export async function getResource(store: Store, kind: string, name: string): Promise<StoredResource | undefined> {
  const r = await store.db.selectFrom("resources").selectAll().where("kind", "=", kind).where("name", "=", name).executeTakeFirst();
  return r ? toResource(r) : undefined;
}

export async function listResources(store: Store, kind: string): Promise<StoredResource[]> {
  const rows = await store.db.selectFrom("resources").selectAll().where("kind", "=", kind).orderBy("name").execute();
  return rows.map(toResource);
}

export async function deleteResource(store: Store, kind: string, name: string): Promise<boolean> {
  const r = await store.db.deleteFrom("resources").where("kind", "=", kind).where("name", "=", name).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function setResourceStatus(store: Store, kind: string, name: string, status: Record<string, unknown>): Promise<void> {
  await store.db.updateTable("resources").set({ status: JSON.stringify(status) }).where("kind", "=", kind).where("name", "=", name).execute();
}
