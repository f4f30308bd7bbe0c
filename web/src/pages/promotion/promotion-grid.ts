import { freightCell } from "./freight-cell.js";
import type { FreightCell } from "./freight-cell.js";
import type { Freight, Promotion, StageView } from "./promotion-types.js";
import { orderStages } from "./stage-order.js";

export type GridRow = { readonly freight: Freight; readonly cells: readonly FreightCell[] };
export type PromotionGrid = { readonly stages: readonly StageView[]; readonly rows: readonly GridRow[] };

const timeOf = (f: Freight): number => {
  const t = Date.parse(f.createdAt);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
};

/** Newest first by creation time, then by name, as the server orders freight. */
export function compareFreightNewestFirst(a: Freight, b: Freight): number {
  const byTime = timeOf(b) - timeOf(a);
  if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The newest promotion of each (stage, freight), keyed `stage\u0000freight`. */
export function latestPromotions(promotions: readonly Promotion[]): Map<string, Promotion> {
  const latest = new Map<string, Promotion>();
  for (const p of promotions) {
    const key = `${p.stage}\u0000${p.freight}`;
    const seen = latest.get(key);
    if (seen === undefined || p.id > seen.id) latest.set(key, p);
  }
  return latest;
}

/**
 * The freight × stage grid: stages in pipeline order as columns, freight newest first as rows, and in
 * each cell where that freight is in that stage and why.
 */
export function buildPromotionGrid(input: { stages: readonly StageView[]; freight: readonly Freight[]; promotions: readonly Promotion[]; now: Date }): PromotionGrid {
  const stages = orderStages(input.stages);
  const latest = latestPromotions([...input.promotions, ...input.stages.flatMap((s) => s.inFlight)]);
  const rows = [...input.freight].sort(compareFreightNewestFirst).map((freight) => ({
    freight,
    cells: stages.map((stage) => freightCell({ stage, freight, latest: latest.get(`${stage.name}\u0000${freight.name}`), now: input.now })),
  }));
  return { stages, rows };
}
