import { execFile } from "node:child_process";
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { onTestFinished } from "vitest";
import type { Value } from "../../workflow/index.js";
import type { BuiltinContext, LocalStores } from "./types.js";

/** Helpers for the built-in actions' tests: real temp directories, real git, collecting callbacks. */

const run = promisify(execFile);

/** A fresh directory removed when the current test finishes. */
export async function tempDir(prefix = "ferry-builtin-"): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The environment for git in tests: no user or system config, a fixed identity. */
export function gitTestEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
  return {
    ...env,
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Ferry Test",
    GIT_AUTHOR_EMAIL: "test@example.invalid",
    GIT_COMMITTER_NAME: "Ferry Test",
    GIT_COMMITTER_EMAIL: "test@example.invalid",
    ...extra,
  };
}

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", args, { cwd, env: gitTestEnv() });
  return stdout.trim();
}

/** Writes `files` (relative path → content) below `root`. */
export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
}

export type Recorder = {
  logs: string[];
  warnings: string[];
  outputs: Record<string, string>;
  state: Record<string, string>;
  paths: string[];
  exported: Record<string, string>;
};

export type ContextOptions = {
  workspace: string;
  stores: LocalStores;
  tempDir: string;
  inputs?: Record<string, string>;
  github?: Record<string, Value>;
  env?: Record<string, string>;
  state?: Record<string, string>;
  sourceRepo?: string;
  runId?: string;
};

/** A BuiltinContext whose callbacks record into the returned Recorder. */
export function makeContext(options: ContextOptions): { ctx: BuiltinContext; rec: Recorder } {
  const rec: Recorder = { logs: [], warnings: [], outputs: {}, state: {}, paths: [], exported: {} };
  const ctx: BuiltinContext = {
    inputs: options.inputs ?? {},
    workspace: options.workspace,
    tempDir: options.tempDir,
    github: options.github ?? { repository: "octo/proj", sha: "0".repeat(40), ref: "refs/heads/main", run_id: "1" },
    env: options.env ?? gitTestEnv(),
    sourceRepo: options.sourceRepo,
    runId: options.runId ?? "run-1",
    stores: options.stores,
    state: options.state ?? {},
    signal: new AbortController().signal,
    log: (line) => rec.logs.push(line),
    setOutput: (name, value) => {
      rec.outputs[name] = value;
    },
    exportVariable: (name, value) => {
      rec.exported[name] = value;
    },
    addPath: (dir) => rec.paths.push(dir),
    saveState: (name, value) => {
      rec.state[name] = value;
    },
    warning: (message) => rec.warnings.push(message),
  };
  return { ctx, rec };
}
