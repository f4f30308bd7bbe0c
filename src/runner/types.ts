import type { Value } from "../workflow/index.js";
import type { RunDefaults, StepDef } from "../workflow/index.js";
import type { Masker } from "./masker.js";
import type { LocalStores } from "./builtin/types.js";
import type { ContainerEngine, ContainerSpec } from "./containers/types.js";

/** A Ferry server as a job sees it: its URL and the job's own short-lived token. */
export type JobServer = { url: string; token: string };

export type Conclusion = "success" | "failure" | "cancelled" | "skipped";
export type JobResult = "success" | "failure" | "cancelled" | "skipped";

/** What the engine reports while it runs a job; every text in it is already masked. */
export type JobEvent =
  | { type: "job-start"; job: string }
  | { type: "step-start"; job: string; step: string; index: number; post?: boolean }
  | { type: "line"; job: string; step: string; text: string; stream: "stdout" | "stderr" }
  | { type: "group"; job: string; step: string; title: string }
  | { type: "endgroup"; job: string; step: string }
  | { type: "annotation"; job: string; step: string; level: "error" | "warning" | "notice" | "debug"; message: string; file?: string | undefined; line?: number | undefined; col?: number | undefined }
  | { type: "step-end"; job: string; step: string; index: number; outcome: Conclusion; conclusion: Conclusion; durationMs: number }
  | { type: "job-end"; job: string; result: JobResult; durationMs: number; outputs: Record<string, string>; summary?: string | undefined };

export type JobSink = (event: JobEvent) => void;

export type StepRecord = { id: string; name: string; outcome: Conclusion; conclusion: Conclusion; outputs: Record<string, string> };

/** Everything the engine needs to run one job; the caller has already evaluated job-level expressions. */
export type JobRequest = {
  /** Display name, e.g. `build (ubuntu, 20)`. */
  name: string;
  jobId: string;
  steps: StepDef[];
  defaults: RunDefaults;
  /** Workflow env and job env, evaluated and merged (job wins). */
  env: Record<string, string>;
  outputs?: Record<string, unknown> | undefined;
  timeoutMinutes?: number | undefined;
  contexts: {
    github: Record<string, Value>;
    vars: Record<string, Value>;
    secrets: Record<string, Value>;
    needs: Record<string, Value>;
    matrix: Record<string, Value> | null;
    strategy: Record<string, Value>;
    inputs: Record<string, Value>;
  };
  /** The host environment steps inherit (PATH, HOME, ...). */
  hostEnv: Record<string, string>;
  workspace: string;
  /** A directory of this job's own, for RUNNER_TEMP, env files and scripts. */
  tempDir: string;
  /** Where actions/checkout gets the repository: a local path (ferry run) or the server's Git URL. */
  sourceRepo?: string | undefined;
  /** False when the workspace starts empty and checkout must fetch (server runners). */
  workspacePrepared?: boolean | undefined;
  /** Authorization header for fetching from a server `sourceRepo`. */
  sourceAuthHeader?: string | undefined;
  runId: string;
  runNumber: number;
  stores: LocalStores;
  /** The server this job runs for, with the job's token: artifacts then go to its registry. Absent under ferry run. */
  server?: JobServer | undefined;
  /** Where remote actions are fetched from, e.g. https://github.com. */
  actionsBaseUrl: string;
  actionsCacheDir: string;
  masker: Masker;
  sink: JobSink;
  signal?: AbortSignal | undefined;
  /** The job's `container:`, evaluated: its steps run in it. */
  container?: ContainerSpec | undefined;
  /** The job's `services:` that have an image, evaluated, by id. */
  services?: Record<string, ContainerSpec> | undefined;
  /** Finds the container engine, when a job or a step needs one; absent or undefined: none. */
  containerEngine?: (() => Promise<ContainerEngine | undefined>) | undefined;
};

export type JobOutcome = { result: "success" | "failure" | "cancelled"; outputs: Record<string, string>; steps: StepRecord[]; durationMs: number };
