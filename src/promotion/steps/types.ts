import type { z } from "zod";
import type { CreateGitOptions, Git } from "../../git/index.js";

/** Credentials for a Git remote, looked up by URL; never logged. */
export type GitCredentials = { username: string; password: string };

/** What a step may use while it runs. The controller builds one per promotion. */
export type StepContext = {
  /** A fresh directory for this promotion; steps clone into it and never write outside it. */
  workDir: string;
  /** Expression context: `{ freight, stage, outputs: { <alias>: {...} }, vars }`, plain JSON. */
  vars: Record<string, unknown>;
  /** Aborted when the promotion is aborted or the step times out. */
  signal: AbortSignal;
  log(line: string): void;
  secrets?: { gitCredentials?(url: string): GitCredentials | undefined };
  /** Provided by the promotion controller: waits until the agent has synced `application` to `revision`. */
  waitForSync?(args: { application: string; revision: string; signal: AbortSignal }): Promise<{ ok: boolean; message: string }>;
  /** Told about every commit a step pushed, so agents delivering from that repository look at once. */
  pushed?(args: { repoURL: string; branch: string; commit: string }): void;
};

export type StepStatus = "Succeeded" | "Failed" | "Errored";

export type StepResult = { status: StepStatus; message?: string; outputs?: Record<string, unknown> };

/** One promotion step: a name, a schema for its config, and what it does. */
export type PromotionStep<C> = {
  name: string;
  configSchema: z.ZodType<C>;
  run(config: C, ctx: StepContext): Promise<StepResult>;
};

/** Any step, whatever its config type (method parameters are bivariant, so every step fits). */
export type AnyPromotionStep = PromotionStep<unknown>;

/** Steps by name. */
export type StepRegistry = ReadonlyMap<string, AnyPromotionStep>;

/** Makes the Git runner a step uses; `env` carries per-remote settings such as credentials. */
export type GitFactory = (opts?: CreateGitOptions) => Git;

/** What the built-in steps depend on. */
export type StepDeps = {
  /** Defaults to `createGit` from src/git. Tests pass one with an isolated Git configuration. */
  createGit?: GitFactory;
};
