import type { Value } from "../../workflow/index.js";

/** Where built-in actions keep what outlives a job when there is no server (ferry run). */
export type LocalStores = { artifactsDir: string; cacheDir: string };

/** What a built-in action gets to do its work; it reports through the callbacks, never by printing. */
export type BuiltinContext = {
  /** Inputs after defaults were applied and expressions evaluated. */
  inputs: Readonly<Record<string, string>>;
  workspace: string;
  tempDir: string;
  /** The `github` context of the job (sha, ref, repository, run_id, run_attempt, workflow, job, ...). */
  github: Readonly<Record<string, Value>>;
  /** The environment the step would see (PATH included). */
  env: Readonly<Record<string, string>>;
  /** Where actions/checkout gets the job's own repository: a local path (ferry run) or a server's Git URL (runners). */
  sourceRepo?: string | undefined;
  /** False when the workspace starts empty (server runners): checkout must fetch the event commit. */
  workspacePrepared?: boolean | undefined;
  /** An HTTP Authorization header for fetching from `sourceRepo`; never put in a step's environment. */
  sourceAuthHeader?: string | undefined;
  /** A unique id for this workflow run (artifacts are scoped to it). */
  runId: string;
  stores: LocalStores;
  /** The server a runner works for, with the job's token; upload/download-artifact then use its registry. */
  server?: { url: string; token: string } | undefined;
  /** State saved by this action's main step, for its post step. */
  state: Readonly<Record<string, string>>;
  signal: AbortSignal;
  log(line: string): void;
  setOutput(name: string, value: string): void;
  exportVariable(name: string, value: string): void;
  addPath(dir: string): void;
  saveState(name: string, value: string): void;
  warning(message: string): void;
};

/** A network-free implementation of a well-known action. Throwing fails the step with the error's message. */
export type BuiltinAction = {
  /** `owner/repo` as written in `uses:` (the ref is ignored). */
  id: string;
  inputs: Readonly<Record<string, { default?: string; required?: boolean }>>;
  main(ctx: BuiltinContext): Promise<void>;
  post?(ctx: BuiltinContext): Promise<void>;
  /** When the post step runs, as an expression (default `always()`); actions/cache saves only on success. */
  postIf?: string;
};

export class ActionFailure extends Error {
  readonly code = "action-failure";
  constructor(message: string) {
    super(message);
    this.name = "ActionFailure";
  }
}
