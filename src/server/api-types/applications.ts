// What the HTTP API answers: the one definition the server is checked against and the CLI and the
// dashboard read (the dashboard imports these as types only). Plain types, no imports.

// The delivery API: `/api/v1/applications`, `/api/v1/resources/application/:name`, its history.

export type SyncStatus = "Synced" | "OutOfSync" | "Unknown";
export type HealthStatus = "Healthy" | "Progressing" | "Degraded" | "Missing" | "Unknown";

export type ApplicationSource = { repoURL: string; path?: string; targetRevision?: string };

/** One item of `GET /api/v1/applications`. */
export type ApplicationSummary = {
  name: string;
  agent: string;
  runtime: string;
  source: ApplicationSource | null;
  sync: { status: SyncStatus; revision: string | null; appliedRevision: string | null; message?: string };
  health: { status: HealthStatus; message: string };
  services: Array<{ name: string; health: HealthStatus; replicas: number }>;
  lastSync: { result?: string; revision?: string; finishedAt?: string } | null;
  reportedAt: string | null;
};

export type EnvironmentTotals = { agent: string; total: number; synced: number; healthy: number };

export type ApplicationList = { items: ApplicationSummary[]; next: string | null; environments: EnvironmentTotals[] };

export type ReplicaView = { id: string; index: number; version: string; port?: number; pid?: number; health: string; message: string; startedAt: string };
export type ServiceView = { name: string; version: string | undefined; health: HealthStatus; message: string; replicas: ReplicaView[]; restarts: number };

export type FieldChange = { path: string; from?: unknown; to?: unknown };
export type ServiceDiff = { added: string[]; removed: string[]; changed: Array<{ name: string; fields: FieldChange[] }>; unchanged: string[] };

/** What the Application's agent last reported (`PUT /api/v1/applications/:name/status`). */
export type ApplicationStatus = {
  sync?: { status: SyncStatus; revision: string | null; appliedRevision: string | null; message?: string };
  health?: { status: HealthStatus; message: string };
  services?: ServiceView[];
  diff?: ServiceDiff;
  pinnedRevision?: string | null;
  lastSync?: { result: string; revision: string; trigger: string; actor: string; finishedAt: string; message?: string };
  conditions?: Array<{ type: string; status: boolean; reason: string; message: string }>;
  agent?: string;
  reportedAt?: string;
};

/** `GET /api/v1/resources/application/:name`. */
export type ApplicationResource = {
  kind: "Application";
  metadata: { name: string; generation: number; createdAt: string; updatedAt: string };
  spec: { source: ApplicationSource; destination?: { agent?: string; runtime?: string }; syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean } }; dependsOn?: string[] };
  status?: ApplicationStatus;
};

/** One entry of `GET /api/v1/applications/:name/history`. */
export type AppSync = {
  id: number;
  app: string;
  agent: string;
  revision: string;
  trigger: string;
  actor: string;
  result: "Succeeded" | "Failed";
  message: string | null;
  changes: unknown;
  startedAt: string;
  finishedAt: string;
};
