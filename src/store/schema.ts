import type { Generated } from "kysely";

/** Row shapes of the store's tables; JSON columns hold serialized text. */
export type ResourcesTable = {
  kind: string; name: string; metadata: string; spec: string; status: string | null;
  generation: number; created_at: string; updated_at: string;
};
export type EventsTable = { id: Generated<number>; time: string; actor: string; action: string; kind: string; name: string; data: string };
export type RepoRefsTable = { repo: string; ref: string; sha: string; updated_at: string };
export type WebhookDeliveriesTable = { delivery_id: string; repo: string; received_at: string };
export type RunsTable = {
  id: Generated<number>; repo: string; run_number: number; workflow_file: string; workflow_name: string; workflow_text: string;
  event: string; ref: string; sha: string; actor: string; status: string; conclusion: string | null; reason: string | null;
  payload: string; inputs: string; created_at: string; started_at: string | null; completed_at: string | null;
  concurrency_group: string | null; concurrency_cancel: number; concurrency_checked: number;
};
export type WorkflowJobsTable = { run_id: number; job_id: string; status: string; result: string | null; outputs: string | null };
export type JobsTable = {
  id: Generated<number>; run_id: number; job_id: string; name: string; status: string; conclusion: string | null; reason: string | null;
  labels: string; payload: string; outputs: string | null; runner_id: string | null; lease_token: string | null;
  lease_expires_at: number | null; log_seq: number; cancel_requested: number; created_at: string; started_at: string | null; completed_at: string | null;
};
export type StepsTable = { job_id: number; number: number; name: string; status: string; conclusion: string | null; started_at: string | null; completed_at: string | null };
export type RunnersTable = { id: string; name: string; labels: string; capacity: number; last_seen: number };
export type TokensTable = { id: string; name: string; role: string; hash: string; created_at: string };
export type SecretsTable = { repo: string; name: string; value: string; updated_at: string };
export type VariablesTable = { repo: string; name: string; value: string; updated_at: string };

export type Database = {
  resources: ResourcesTable;
  events: EventsTable;
  repo_refs: RepoRefsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  runs: RunsTable;
  workflow_jobs: WorkflowJobsTable;
  jobs: JobsTable;
  steps: StepsTable;
  runners: RunnersTable;
  tokens: TokensTable;
  secrets: SecretsTable;
  variables: VariablesTable;
};
