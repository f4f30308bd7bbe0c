import type { AutoPromotionDecision } from "./promotion-types.js";

/**
 * What a stage's auto-promotion said on its last pass, for people; `aliasOf` turns a freight name
 * into its alias. Undefined when there is nothing worth saying (auto-promotion off, or no pass yet).
 */
export function describeDecision(d: AutoPromotionDecision | null, aliasOf: (name: string) => string): string | undefined {
  if (d === null) return undefined;
  const f = d.freight === undefined ? "" : aliasOf(d.freight);
  if (d.action === "promote") return `promoting ${f}`;
  if (d.action === "wait") return d.reason === "awaiting-approval" ? `waits for an approval of ${f}` : `waits (${d.reason ?? "no reason given"}) on ${f}`;
  switch (d.reason) {
    case "auto-promotion-off": return undefined;
    case "promotion-in-flight": return `a promotion of ${f} is in flight`;
    case "no-eligible-freight": return "no eligible freight";
    case "up-to-date": return "up to date";
    case "held-after-rollback": return `held after a rollback: waits for freight newer than ${f}`;
    case "previous-attempt-failed": return `a promotion of ${f} failed; promote it again by hand`;
    default: return d.reason;
  }
}
