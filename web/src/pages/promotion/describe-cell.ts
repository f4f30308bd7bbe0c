import type { Blocker, FreightCell } from "./freight-cell.js";

/** What a blocker means, for people. */
export function describeBlocker(b: Blocker): string {
  switch (b.reason) {
    case "not-requested": return "the stage does not take freight of this warehouse";
    case "not-verified-upstream": return `not verified in ${b.stages.join(", ")}`;
    case "soaking": return `soak time: eligible from ${b.until}`;
    case "awaiting-approval": return "awaiting approval";
  }
}

/** The words of a grid cell: a short label, and a line saying why or what happened. */
export function describeCell(cell: FreightCell): { label: string; detail?: string } {
  const p = cell.promotion;
  switch (cell.state) {
    case "promoting": {
      const waiting = p?.phase === "Pending" && cell.approvalRequired && cell.approved === undefined;
      return { label: p?.phase === "Running" ? "promoting" : "pending", ...(waiting ? { detail: "awaiting approval" } : p?.message ? { detail: p.message } : {}) };
    }
    case "current": return { label: "current", ...(p?.verification?.phase === "Failed" ? { detail: "verification failed" } : {}) };
    case "failed": return { label: (p?.phase ?? "failed").toLowerCase(), ...(p?.message ? { detail: p.message } : {}) };
    case "verified": return { label: "verified" };
    case "approved": return { label: "approved", ...(cell.approved ? { detail: `by ${cell.approved.by}` } : {}) };
    case "eligible": return { label: "eligible" };
    case "not-requested": return { label: "—" };
    case "blocked": {
      const first = cell.blockers[0];
      return { label: first?.reason === "awaiting-approval" ? "awaiting approval" : "blocked", ...(first && first.reason !== "awaiting-approval" ? { detail: describeBlocker(first) } : {}) };
    }
  }
}
