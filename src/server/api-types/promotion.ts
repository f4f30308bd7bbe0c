// What the HTTP API answers: the one definition the server is checked against and the CLI and the
// dashboard read (the dashboard imports these as types only). Plain types, no imports.

// The promotion API: `/api/v1/freight`, `/api/v1/stages`, `/api/v1/promotions`.

export type PromotionPhase = "Pending" | "Running" | "Succeeded" | "Failed" | "Errored" | "Aborted";

export type FreightArtifact = { repoURL: string; tag?: string; digest: string };
export type FreightCommit = { repoURL: string; branch: string; id: string };

export type Freight = {
  name: string;
  alias: string;
  warehouse: string;
  createdAt: string;
  data: {
    artifacts?: FreightArtifact[];
    images?: FreightArtifact[];
    commits?: FreightCommit[];
    origin?: { runId?: string; repository?: string; commit?: string };
  };
  verifiedIn: Record<string, { at: string; promotionId: number | null }>;
  approvedFor: Record<string, { at: string; by: string }>;
};

export type PromotionStepRecord = {
  uses: string;
  as: string;
  status: "Succeeded" | "Failed" | "Errored";
  message: string;
  startedAt: string;
  finishedAt: string;
  outputs: Record<string, unknown>;
};

export type Promotion = {
  id: number;
  stage: string;
  freight: string;
  trigger: "auto" | "manual";
  phase: PromotionPhase;
  message: string | null;
  steps: PromotionStepRecord[];
  commit: string | null;
  requestedBy: string;
  verification: { phase: string; reasons?: string[]; at: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export type StepEntry = { uses: string; as?: string; config?: unknown; timeout?: string };

export type FreightRequest = {
  origin: { warehouse: string };
  sources: { direct?: boolean; stages?: string[]; requiredSoakTime?: string };
};

export type StageSpec = {
  requestedFreight: FreightRequest[];
  promotionTemplate: { steps: StepEntry[] };
  autoPromotion?: boolean;
  approval?: { required?: boolean; approvers?: string[]; allowSelfApproval?: boolean };
  verification?: { checks: unknown[]; timeout?: string };
  application?: string;
};

/** What the stage's auto-promotion decided on its last pass, e.g. `{ action: "wait", reason: "awaiting-approval", freight }`. */
export type AutoPromotionDecision = { action: string; reason?: string; freight?: string };

/** One item of `GET /api/v1/stages`. */
export type StageView = {
  name: string;
  spec: StageSpec;
  currentFreight: string | null;
  currentPromotion: number | null;
  verification: Promotion["verification"];
  inFlight: Promotion[];
  lastPromotion: Promotion | null;
  autoPromotion: AutoPromotionDecision | null;
};
