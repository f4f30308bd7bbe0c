export { checkApproval, APPROVAL_REFUSALS, type ApprovalCheck, type ApprovalRefusal, type ApprovalRequest } from "./check-approval.js";
export { commitChangesCount } from "./commit-changes-count.js";
export { discoverVersions, type DiscoveredVersion, type VersionCandidate } from "./discover-versions.js";
export { eligibleFreight } from "./eligible-freight.js";
export { freightAlias } from "./freight-alias.js";
export { compareFreightNewestFirst, isNewerFreight } from "./freight-order.js";
export {
  AUTO_PROMOTION_IDLE_REASONS,
  planAutoPromotion,
  type AutoPromotionIdleReason,
  type AutoPromotionInput,
  type AutoPromotionPlan,
  type PromotionTrigger,
  type StagePromotion,
} from "./plan-auto-promotion.js";
export {
  freightName,
  planFreight,
  type DiscoveredCommit,
  type DiscoveredPiece,
  type FreightPlan,
  type PlanFreightInput,
} from "./plan-freight.js";
export {
  approvedForSchema,
  COMMIT_ID_PATTERN,
  DIGEST_PATTERN,
  digestSchema,
  FREIGHT_NAME_PATTERN,
  freightArtifactSchema,
  freightCommitSchema,
  freightOriginSchema,
  freightSchema,
  IN_FLIGHT_PHASES,
  PROMOTION_PHASES,
  promotionPhaseSchema,
  verifiedInSchema,
  type Freight,
  type FreightArtifact,
  type FreightCommit,
  type FreightOrigin,
  type PromotionPhase,
} from "./schema.js";
export { describeCheck, verificationResult, type CheckOutcome, type VerificationResult } from "./verification-result.js";
