import type { EventTriggers } from "./triggers.js";

/** A step as written in a workflow or composite action; expressions are still unevaluated strings. */
export type StepDef = {
  id?: string | undefined;
  name?: unknown;
  if?: string | undefined;
  uses?: string | undefined;
  run?: string | undefined;
  shell?: unknown;
  with?: Record<string, unknown> | undefined;
  env?: unknown;
  workingDirectory?: unknown;
  continueOnError?: unknown;
  timeoutMinutes?: unknown;
  line?: number | undefined;
};

export type RunDefaults = { shell?: unknown; workingDirectory?: unknown };

export type JobDef = {
  id: string;
  name?: unknown;
  needs: string[];
  if?: string | undefined;
  runsOn?: unknown;
  env?: unknown;
  defaults: RunDefaults;
  strategy?: unknown;
  outputs?: Record<string, unknown> | undefined;
  steps: StepDef[];
  timeoutMinutes?: unknown;
  continueOnError?: unknown;
  container?: unknown;
  services?: unknown;
  concurrency?: unknown;
  /** A reusable-workflow call (`jobs.<id>.uses`). */
  uses?: string | undefined;
  with?: Record<string, unknown> | undefined;
  secrets?: "inherit" | Record<string, unknown> | undefined;
  line?: number | undefined;
};

export type InputDef = { type?: string; required?: boolean; default?: unknown; options?: unknown[]; description?: string };

export type WorkflowDef = {
  /** The path as the user gave or as found, for messages. */
  file: string;
  absPath: string;
  name?: string | undefined;
  on: EventTriggers;
  env?: unknown;
  defaults: RunDefaults;
  concurrency?: unknown;
  jobs: JobDef[];
  /** `on.workflow_call` pieces, for reusable workflows. */
  call?: { inputs: Record<string, InputDef>; secrets: Record<string, { required?: boolean }>; outputs: Record<string, { value?: unknown }> } | undefined;
  dispatchInputs?: Record<string, InputDef> | undefined;
  /** `on.schedule[].cron` expressions. */
  schedules: string[];
};
