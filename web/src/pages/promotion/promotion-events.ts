import type { LiveEvent } from "../../api/index.js";

/** Kinds whose events change what the promotion views show: promotions (logged on their Stage), freight, warehouses. */
const PROMOTION_KINDS: readonly string[] = ["Stage", "Freight", "Warehouse"];

/**
 * Whether a live event may change the freight × stage grid: anything about a stage, a freight or a
 * warehouse (promotions are logged on their Stage), or a lost stream that came back.
 */
export function isPromotionEvent(e: LiveEvent): boolean {
  return e.action === "reconnected" || PROMOTION_KINDS.includes(e.kind ?? "");
}
