import type { Freight, FreightRequest, Promotion, StageSpec, StageView } from "./promotion-types.js";

/** Test builders for the promotion API's shapes; only tests import this file. */

export function aStage(name: string, opts: { upstream?: string[]; soak?: string; approval?: boolean; approvers?: string[]; warehouse?: string; current?: string; inFlight?: Promotion[]; steps?: StageSpec["promotionTemplate"]["steps"] } = {}): StageView {
  const sources: FreightRequest["sources"] = opts.upstream ? { stages: opts.upstream, ...(opts.soak ? { requiredSoakTime: opts.soak } : {}) } : { direct: true };
  return {
    name,
    spec: {
      requestedFreight: [{ origin: { warehouse: opts.warehouse ?? "web" }, sources }],
      promotionTemplate: { steps: opts.steps ?? [] },
      autoPromotion: true,
      approval: { required: opts.approval ?? false, ...(opts.approvers ? { approvers: opts.approvers } : {}), allowSelfApproval: false },
    },
    currentFreight: opts.current ?? null, currentPromotion: null, verification: null, inFlight: opts.inFlight ?? [], lastPromotion: null, autoPromotion: null,
  };
}

export function aFreight(name: string, opts: { createdAt?: string; verifiedIn?: Record<string, string>; approvedFor?: Record<string, string>; warehouse?: string; digest?: string } = {}): Freight {
  return {
    name, alias: `alias-${name}`, warehouse: opts.warehouse ?? "web", createdAt: opts.createdAt ?? "2025-01-01T00:00:00.000Z",
    data: { artifacts: [{ repoURL: "localhost/team/web", digest: opts.digest ?? `sha256:${"ab".repeat(32)}` }], images: [], commits: [], origin: {} },
    verifiedIn: Object.fromEntries(Object.entries(opts.verifiedIn ?? {}).map(([stage, at]) => [stage, { at, promotionId: 1 }])),
    approvedFor: Object.fromEntries(Object.entries(opts.approvedFor ?? {}).map(([stage, by]) => [stage, { at: "2025-01-01T00:00:00.000Z", by }])),
  };
}

export function aPromotion(id: number, stage: string, freight: string, phase: Promotion["phase"], extra: Partial<Promotion> = {}): Promotion {
  return {
    id, stage, freight, phase, trigger: "auto", message: null, steps: [], commit: null, requestedBy: "auto-promotion", verification: null,
    createdAt: "2025-01-01T00:00:00.000Z", startedAt: null, finishedAt: null, ...extra,
  };
}
