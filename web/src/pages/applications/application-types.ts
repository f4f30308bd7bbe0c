/** The API's answers, defined once in src/server/api-types (shared with the server and the CLI). */
export type {
  AppSync, ApplicationList, ApplicationResource, ApplicationSource, ApplicationStatus, ApplicationSummary, EnvironmentTotals, FieldChange,
  HealthStatus, ReplicaView, ServiceDiff, ServiceView, SyncStatus,
} from "../../../../src/server/api-types/index.js";
