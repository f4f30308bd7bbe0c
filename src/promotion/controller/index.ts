export { createPromotionController, PromotionError, type PromotionController, type PromotionControllerDeps } from "./promotion-controller.js";
export type { RegistryAccess } from "./discover-warehouse.js";
