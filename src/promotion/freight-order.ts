import type { Freight } from "./schema.js";

type Dated = Pick<Freight, "name" | "createdAt">;

function timeOf(freight: Dated): number {
  const time = Date.parse(freight.createdAt);
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}

/**
 * Orders freight newest first by `createdAt`; freight created at the same instant is ordered by
 * name, so the order never depends on how the list came in.
 */
export function compareFreightNewestFirst(a: Dated, b: Dated): number {
  const byTime = timeOf(b) - timeOf(a);
  if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Whether `a` is newer than `b` in the order of {@link compareFreightNewestFirst}. */
export function isNewerFreight(a: Dated, b: Dated): boolean {
  return compareFreightNewestFirst(a, b) < 0;
}
