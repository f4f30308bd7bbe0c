import type { ServiceDiff } from "./application-types.js";

/** One line of the Git-vs-live diff: a Service to add or remove, or one field that changes. */
export type DiffRow =
  | { readonly service: string; readonly change: "added" | "removed" }
  | { readonly service: string; readonly change: "changed"; readonly path: string; readonly live: string; readonly git: string };

/** A value as the diff shows it: strings bare, everything else as JSON, absent as `(none)`. */
export function formatValue(v: unknown): string {
  if (v === undefined) return "(none)";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** The agent's diff (desired from Git against what it last applied) as rows, Services by name. */
export function diffRows(diff: ServiceDiff | undefined): DiffRow[] {
  if (diff === undefined) return [];
  const rows: DiffRow[] = [
    ...diff.added.map((service): DiffRow => ({ service, change: "added" })),
    ...diff.removed.map((service): DiffRow => ({ service, change: "removed" })),
    ...diff.changed.flatMap((c) => c.fields.map((f): DiffRow => ({ service: c.name, change: "changed", path: f.path, live: formatValue(f.from), git: formatValue(f.to) }))),
  ];
  return rows.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
}

/** `1 to add, 2 to change, 0 to remove` — what a sync would do. */
export function diffSummary(diff: ServiceDiff | undefined): string {
  if (diff === undefined) return "the agent has not reported a diff yet";
  const parts = [`${diff.added.length} to add`, `${diff.changed.length} to change`, `${diff.removed.length} to remove`];
  return diff.added.length + diff.changed.length + diff.removed.length === 0 ? "no Service changes" : parts.join(", ");
}
