export { detectDrift, settingsDifferences, type Drift, type KnownService } from "./detect-drift.js";
export { diffServices, type FieldChange, type ServiceChange, type ServiceDiff } from "./diff-services.js";
export { formatDiff } from "./format-diff.js";
export { applicationHealth, syncStatus } from "./health-summary.js";
export {
  planSync,
  type ApplyReason,
  type BlockedService,
  type PlanSyncInput,
  type SyncPlan,
  type SyncStep,
} from "./plan-sync.js";
export { renderServices, type RenderServicesResult } from "./render-services.js";
export { healthStatusSchema, syncStatusSchema, type HealthStatus, type SyncStatus } from "./schema.js";
export { serviceVersion } from "./service-version.js";
