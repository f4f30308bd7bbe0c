import { parseDuration } from "./parse-duration.js";
import { ENDED_BADLY, IN_FLIGHT } from "./promotion-types.js";
import type { Freight, FreightRequest, Promotion, StageView } from "./promotion-types.js";

/** Why a stage may not take a freight now. */
export type Blocker =
  /** The stage takes no freight of the freight's warehouse. */
  | { readonly reason: "not-requested" }
  /** The stage takes freight only once it passed verification in these upstream stages, and it has not. */
  | { readonly reason: "not-verified-upstream"; readonly stages: readonly string[] }
  /** Verified upstream, but not long enough ago: eligible from `until`. */
  | { readonly reason: "soaking"; readonly until: string }
  /** Eligible, but the stage requires an approval the freight does not have. */
  | { readonly reason: "awaiting-approval" };

/**
 * Where a freight is in a stage, most telling first: being promoted there, running there, its last
 * promotion there failed, it passed verification there earlier, it may go there (approved or not
 * needing it), or it is blocked.
 */
export type CellState = "promoting" | "current" | "failed" | "verified" | "approved" | "eligible" | "blocked" | "not-requested";

export type FreightCell = {
  readonly stage: string;
  readonly freight: string;
  readonly state: CellState;
  /** The promotion the state is about: in flight, failed, or the one that made it current. */
  readonly promotion?: Promotion;
  readonly verified?: { readonly at: string };
  readonly approved?: { readonly at: string; readonly by: string };
  /** Whether the stage may take the freight now, by its requests (approval aside). */
  readonly eligible: boolean;
  readonly approvalRequired: boolean;
  /** Why it may not be promoted now; empty when it may. */
  readonly blockers: readonly Blocker[];
};

type Reach = { eligible: true } | { eligible: false; blocker: Blocker };

/** The server's eligibility rule for one request: direct, or verified in every upstream stage at least the soak time ago. */
function reach(request: FreightRequest, freight: Freight, now: Date): Reach {
  if (request.sources.direct === true) return { eligible: true };
  const upstream = request.sources.stages ?? [];
  if (upstream.length === 0) return { eligible: false, blocker: { reason: "not-requested" } };
  const missing = upstream.filter((s) => freight.verifiedIn[s] === undefined);
  if (missing.length > 0) return { eligible: false, blocker: { reason: "not-verified-upstream", stages: missing } };
  const soak = request.sources.requiredSoakTime === undefined ? 0 : parseDuration(request.sources.requiredSoakTime) ?? 0;
  const latest = Math.max(...upstream.map((s) => Date.parse(freight.verifiedIn[s]?.at ?? "")));
  if (Number.isNaN(latest)) return { eligible: false, blocker: { reason: "not-verified-upstream", stages: upstream } };
  if (latest + soak > now.getTime()) return { eligible: false, blocker: { reason: "soaking", until: new Date(latest + soak).toISOString() } };
  return { eligible: true };
}

/** Whether the stage may take the freight now and, if not, why (from the request that comes closest). */
export function stageReach(stage: Pick<StageView, "spec">, freight: Freight, now: Date): Reach {
  const requests = stage.spec.requestedFreight.filter((r) => r.origin.warehouse === freight.warehouse);
  if (requests.length === 0) return { eligible: false, blocker: { reason: "not-requested" } };
  const reaches = requests.map((r) => reach(r, freight, now));
  const rank = (r: Reach): number => (r.eligible ? 0 : r.blocker.reason === "soaking" ? 1 : r.blocker.reason === "not-verified-upstream" ? 2 : 3);
  return [...reaches].sort((a, b) => rank(a) - rank(b))[0] ?? { eligible: false, blocker: { reason: "not-requested" } };
}

export type CellInput = {
  readonly stage: StageView;
  readonly freight: Freight;
  /** The newest promotion of this freight to this stage, if there is one. */
  readonly latest?: Promotion | undefined;
  readonly now: Date;
};

/** What one cell of the freight × stage grid shows. */
export function freightCell({ stage, freight, latest, now }: CellInput): FreightCell {
  const verifiedMark = freight.verifiedIn[stage.name];
  const approvedMark = freight.approvedFor[stage.name];
  const approvalRequired = stage.spec.approval?.required === true;
  const r = stageReach(stage, freight, now);
  const blockers: Blocker[] = r.eligible ? [] : [r.blocker];
  if (r.eligible && approvalRequired && approvedMark === undefined) blockers.push({ reason: "awaiting-approval" });
  const base = {
    stage: stage.name, freight: freight.name, eligible: r.eligible, approvalRequired, blockers,
    ...(verifiedMark ? { verified: { at: verifiedMark.at } } : {}),
    ...(approvedMark ? { approved: { at: approvedMark.at, by: approvedMark.by } } : {}),
  };
  const inFlight = stage.inFlight.find((p) => p.freight === freight.name && IN_FLIGHT.includes(p.phase))
    ?? (latest && IN_FLIGHT.includes(latest.phase) ? latest : undefined);
  if (inFlight) return { ...base, state: "promoting", promotion: inFlight };
  if (stage.currentFreight === freight.name) {
    const current = latest?.phase === "Succeeded" ? latest : undefined;
    return { ...base, state: "current", ...(current ? { promotion: current } : {}) };
  }
  if (latest && ENDED_BADLY.includes(latest.phase)) return { ...base, state: "failed", promotion: latest };
  if (verifiedMark) return { ...base, state: "verified" };
  if (!r.eligible) return { ...base, state: r.blocker.reason === "not-requested" ? "not-requested" : "blocked" };
  if (approvalRequired) return { ...base, state: approvedMark ? "approved" : "blocked" };
  return { ...base, state: "eligible" };
}
