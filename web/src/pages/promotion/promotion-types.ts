/** The API's answers, defined once in src/server/api-types (shared with the server and the CLI). */
import type { PromotionPhase } from "../../../../src/server/api-types/index.js";

export type {
  AutoPromotionDecision, Freight, FreightArtifact, FreightCommit, FreightRequest, Promotion, PromotionPhase, PromotionStepRecord,
  StageSpec, StageView, StepEntry,
} from "../../../../src/server/api-types/index.js";

export const IN_FLIGHT: readonly PromotionPhase[] = ["Pending", "Running"];
export const ENDED_BADLY: readonly PromotionPhase[] = ["Failed", "Errored", "Aborted"];
