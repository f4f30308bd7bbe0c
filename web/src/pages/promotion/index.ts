// The promotion pages and what other pages use of them: the API shapes and how freight is shown.
export { PromotionGridPage } from "./promotion-grid-page.js";
export { PromotionPage } from "./promotion-page.js";
export { FreightHeading } from "./freight-heading.js";
export { freightLabel, shortDigest } from "./describe-action.js";
export { isPromotionEvent } from "./promotion-events.js";
export type { AutoPromotionDecision, Freight, FreightArtifact, FreightCommit, Promotion, PromotionPhase, StageView } from "./promotion-types.js";
