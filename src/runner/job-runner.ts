import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { evaluate, stringify, truthy, withImplicitSuccess } from "../workflow/index.js";
import type { Contexts, ExtraFunction, Value } from "../workflow/index.js";
import { conditionOf, interpolate, interpolateString } from "../workflow/index.js";
import type { StepDef } from "../workflow/index.js";
import { parseUses } from "../workflow/index.js";
import type { ActionDef } from "../workflow/index.js";
import { createCommandProcessor } from "./workflow-commands.js";
import { parseEnvFile, parsePathFile } from "./env-files.js";
import { hashFiles } from "./hash-files.js";
import { reapGroup, runInGroup } from "./process-group.js";
import { resolveShell, shellArgs, which } from "./shells.js";
import { createStepLauncher } from "./step-launcher.js";
import { composePath, inputEnvName } from "./step-env.js";
import { openReusableFile } from "./reusable-file.js";
import { createScratchDir } from "./scratch-dir.js";
import type { ReusableFile } from "./reusable-file.js";
import { fetchRemoteAction } from "./actions/fetch-remote.js";
import { loadActionDir } from "./actions/load-action.js";
import type { BuiltinAction, BuiltinContext } from "./builtin/types.js";
import type { JobContainers } from "./containers/job-containers.js";
import type { DockerRuns } from "./containers/docker-action.js";
import { INSTANCE_LABEL } from "./containers/types.js";
import type { ContainerEngine } from "./containers/types.js";
import type { Conclusion, JobOutcome, JobRequest, StepRecord } from "./types.js";

type Status = "success" | "failure" | "cancelled";

/** A level of step execution: the job itself, or the inside of a composite action. */
type Scope = {
  steps: Record<string, { outputs: Record<string, string>; outcome: Conclusion; conclusion: Conclusion }>;
  status: Status;
  /** `env:` of the steps that invoked this scope (composites); it wins over GITHUB_ENV, as on GitHub. */
  stepEnv: Record<string, string>;
  inputs: Record<string, Value> | undefined;
  actionPath: string | undefined;
  depth: number;
  prefix: string;
};

type PostStep = { name: string; run: () => Promise<boolean> };

type StepRun = { outcome: Conclusion; outputs: Record<string, string> };

/** Where a step's process runs: on the host, in the job container, or in a container of its own. */
type StepTarget =
  | { kind: "host"; command: string; args: string[]; cwd: string }
  | { kind: "exec"; command: string[]; workdir: string }
  | { kind: "run"; image: string; entrypoint?: string | undefined; args: string[] };

/** PATH in a container whose image sets none. */
const DEFAULT_CONTAINER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const NO_ENGINE = "this step needs a container engine (podman or docker), and none was found on this host's PATH";

const STATUS_FUNCS = (scope: Scope, cancelled: () => boolean): ExtraFunction[] => [
  { name: "success", minArgs: 0, maxArgs: 0, call: () => scope.status === "success" && !cancelled() },
  { name: "failure", minArgs: 0, maxArgs: 0, call: () => scope.status === "failure" },
  { name: "always", minArgs: 0, maxArgs: 0, call: () => true },
  { name: "cancelled", minArgs: 0, maxArgs: 0, call: () => cancelled() },
];

function toStringRecord(v: Value): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === "object" && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) out[k] = stringify(x);
  return out;
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/** Runs one job's steps on this host and reports through `req.sink`. */
export async function runJob(req: JobRequest): Promise<JobOutcome> {
  const started = Date.now();
  const job = req.name;
  const emit = req.sink;
  const mask = (s: string): string => req.masker.mask(s);
  /** Values written to GITHUB_ENV (or set-env); they win over the job's env. */
  const globalEnv = new Map<string, string>();
  const pathPrepends: string[] = [];
  const posts: PostStep[] = [];
  const stepState = new WeakMap<StepDef, Map<string, string>>();
  const records: StepRecord[] = [];
  const stepPids: number[] = [];
  const timeoutController = new AbortController();
  const jobSignal = req.signal ? AbortSignal.any([req.signal, timeoutController.signal]) : timeoutController.signal;
  const isCancelled = (): boolean => jobSignal.aborted;
  let timedOut = false;
  const jobTimer = req.timeoutMinutes !== undefined
    ? setTimeout(() => { timedOut = true; timeoutController.abort(); }, req.timeoutMinutes * 60_000)
    : undefined;
  let stepCounter = 0;
  const runnerTemp = join(req.tempDir, "temp");
  const scratch = await createScratchDir(req.tempDir);
  const fileCommandDir = scratch.path;
  const launcher = req.hostEnv.FERRY_NO_LAUNCHER ? undefined : createStepLauncher(which("perl", req.hostEnv.PATH), scratch.path);
  await mkdir(runnerTemp, { recursive: true });
  // One set of environment files per job, emptied after each step: creating files per step
  // costs more than the step itself on some filesystems (see bench/). Synchronous on purpose.
  const fileCommands = {
    GITHUB_ENV: openReusableFile(join(fileCommandDir, "set_env")), GITHUB_OUTPUT: openReusableFile(join(fileCommandDir, "set_output")),
    GITHUB_PATH: openReusableFile(join(fileCommandDir, "add_path")), GITHUB_STATE: openReusableFile(join(fileCommandDir, "save_state")),
    GITHUB_STEP_SUMMARY: openReusableFile(join(fileCommandDir, "step_summary")),
  };
  const files = Object.fromEntries(Object.entries(fileCommands).map(([k, f]) => [k, f.path])) as Record<keyof typeof fileCommands, string>;
  const scripts = new Map<string, ReusableFile>();
  const eventPath = join(req.tempDir, "event.json");
  await writeFile(eventPath, JSON.stringify(req.contexts.github.event ?? {}, null, 2));
  const toolCache = join(req.tempDir, "tool-cache");
  // Containers: the job's own (`container:`, `services:`) and those of Docker steps. Every
  // container and the network carry the instance label; all are removed when the job ends.
  const instance = randomBytes(6).toString("hex");
  const containerLabels = { ferry: "true", "ferry.run": req.runId, "ferry.job": req.jobId };
  const sameMounts = [req.workspace, req.tempDir, scratch.path];
  const readOnlyMounts = existsSync(req.actionsCacheDir) ? [req.actionsCacheDir] : [];
  let enginePromise: Promise<ContainerEngine | undefined> | undefined;
  const getEngine = (): Promise<ContainerEngine | undefined> => (enginePromise ??= req.containerEngine ? req.containerEngine() : Promise.resolve(undefined));
  let containers: JobContainers | undefined;
  let engineEnvFile: ReusableFile | undefined;
  let stepContainers = 0;
  // The container code is loaded on first use: most jobs run on the host (start-up is measured).
  const jobContainersFor = async (engine: ContainerEngine): Promise<JobContainers> => (containers ??= (await import("./containers/job-containers.js")).createJobContainers({
    engine, container: req.container, services: req.services ?? {}, instance, labels: containerLabels,
    mounts: sameMounts, readOnlyMounts, scratchDir: scratch.path,
    log: (line) => emit({ type: "line", job, step: "Initialize containers", text: mask(line), stream: "stdout" }),
  }));

  const runnerCtx: Record<string, Value> = {
    os: "Linux", arch: process.arch === "arm64" ? "ARM64" : "X64", name: "ferry", environment: "self-hosted",
    temp: runnerTemp, tool_cache: toolCache, debug: "",
  };

  emit({ type: "job-start", job });

  const contextsFor = (scope: Scope, env: Record<string, string>): Contexts => ({
    github: scope.actionPath ? githubWithActionPath(scope.actionPath) : req.contexts.github,
    env,
    vars: req.contexts.vars,
    secrets: req.contexts.secrets,
    needs: req.contexts.needs,
    matrix: req.contexts.matrix ?? {},
    strategy: req.contexts.strategy,
    inputs: scope.inputs ?? req.contexts.inputs,
    runner: runnerCtx,
    job: { status: scope.status, ...(containers?.context() ?? { container: {}, services: {} }) },
    // A copy: scope.steps grows as steps finish, and evaluated contexts are cached by identity.
    steps: { ...scope.steps },
  });
  const githubByActionPath = new Map<string, Record<string, Value>>();
  function githubWithActionPath(actionPath: string): Record<string, Value> {
    let g = githubByActionPath.get(actionPath);
    if (!g) {
      g = { ...req.contexts.github, action_path: actionPath };
      githubByActionPath.set(actionPath, g);
    }
    return g;
  }
  const functionsFor = (scope: Scope): ExtraFunction[] => [
    ...STATUS_FUNCS(scope, isCancelled),
    { name: "hashFiles", minArgs: 1, maxArgs: 255, call: (...args: Value[]) => hashFiles(req.workspace, args.map((a) => stringify(a))) },
  ];
  const envContext = (scope: Scope): Record<string, string> => ({ ...req.env, ...Object.fromEntries(globalEnv), ...scope.stepEnv });

  /** GitHub's default variables of a step, and the file-command files. */
  const githubEnv = (scope: Scope, files: Record<string, string>): Record<string, string> => {
    const g = req.contexts.github;
    const s = (k: string): string => stringify(g[k] ?? null);
    return {
      CI: "true", GITHUB_ACTIONS: "true", FERRY: "true",
      GITHUB_WORKSPACE: req.workspace, GITHUB_EVENT_PATH: eventPath, GITHUB_EVENT_NAME: s("event_name"),
      GITHUB_SHA: s("sha"), GITHUB_REF: s("ref"), GITHUB_REF_NAME: s("ref_name"), GITHUB_REF_TYPE: s("ref_type"),
      GITHUB_HEAD_REF: s("head_ref"), GITHUB_BASE_REF: s("base_ref"), GITHUB_REPOSITORY: s("repository"),
      GITHUB_REPOSITORY_OWNER: s("repository_owner"), GITHUB_ACTOR: s("actor"), GITHUB_TRIGGERING_ACTOR: s("triggering_actor"),
      GITHUB_WORKFLOW: s("workflow"), GITHUB_WORKFLOW_REF: s("workflow_ref"), GITHUB_RUN_ID: s("run_id"), GITHUB_RUN_NUMBER: s("run_number"),
      GITHUB_RUN_ATTEMPT: s("run_attempt"), GITHUB_JOB: req.jobId, GITHUB_SERVER_URL: s("server_url"),
      GITHUB_API_URL: s("api_url"), GITHUB_GRAPHQL_URL: s("graphql_url"), GITHUB_RETENTION_DAYS: "90",
      GITHUB_ACTION: s("action"), RUNNER_OS: "Linux", RUNNER_ARCH: stringify(runnerCtx.arch ?? "X64"), RUNNER_NAME: "ferry",
      RUNNER_ENVIRONMENT: "self-hosted", RUNNER_TEMP: runnerTemp, RUNNER_TOOL_CACHE: toolCache, RUNNER_WORKSPACE: resolve(req.workspace, ".."),
      ...files,
      ...(scope.actionPath ? { GITHUB_ACTION_PATH: scope.actionPath } : {}),
    };
  };

  /** The process environment of a step on the host: host env, GitHub's defaults, the env context. */
  const processEnv = (scope: Scope, env: Record<string, string>, files: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> => {
    const base: Record<string, string> = { ...req.hostEnv, ...githubEnv(scope, files), ...env, ...extra };
    base.PATH = composePath(pathPrepends, env.PATH ?? req.hostEnv.PATH);
    return base;
  };

  /**
   * The environment given to a step in a container: no host variables, the image's own PATH (with
   * GITHUB_PATH entries in front in the job container; Docker steps get the image's as on GitHub).
   */
  const containerEnv = (scope: Scope, env: Record<string, string>, extra: Record<string, string>, jobContainer: boolean): Record<string, string> => {
    const base: Record<string, string> = { ...githubEnv(scope, files), ...env, ...extra };
    if (jobContainer && (pathPrepends.length > 0 || env.PATH !== undefined)) {
      base.PATH = composePath(pathPrepends, env.PATH ?? containers?.job?.env.PATH ?? DEFAULT_CONTAINER_PATH);
    }
    return base;
  };

  type Launch = {
    command: string; args: string[]; cwd: string;
    /** The environment of the process started (the engine's, for a container step). */
    processEnv: Record<string, string>;
    /** The environment the step sees. */
    stepEnv: Record<string, string>;
    error?: string;
    stopInside?: () => void;
    stopInsideNow?: () => Promise<void>;
  };

  /** The process that runs a step's target, and how to stop what it starts inside a container. */
  const stepLaunch = async (scope: Scope, target: StepTarget, env: Record<string, string>, extra: Record<string, string>): Promise<Launch> => {
    if (target.kind === "host") {
      const penv = processEnv(scope, env, files, extra);
      return { command: target.command, args: target.args, cwd: target.cwd, processEnv: penv, stepEnv: penv };
    }
    const cenv = containerEnv(scope, env, extra, target.kind === "exec");
    const none: Launch = { command: "", args: [], cwd: req.workspace, processEnv: {}, stepEnv: cenv };
    const engine = await getEngine();
    if (!engine) return { ...none, error: NO_ENGINE };
    const jc = await jobContainersFor(engine);
    const jobContainer = jc.job?.id;
    if (target.kind === "exec" && !jobContainer) return { ...none, error: "the job container is not running" };
    // Values go through a file, never the command line: they may hold secrets.
    const { envFile } = await import("./containers/args.js");
    const f = envFile(cenv);
    engineEnvFile ??= openReusableFile(join(scratch.path, `engine-env-${randomUUID()}`));
    engineEnvFile.write(f.content);
    const base = { cwd: req.workspace, processEnv: { ...req.hostEnv, ...f.inherited }, stepEnv: cenv };
    let line: { command: string; args: string[] };
    let stop: () => Promise<void>;
    if (target.kind === "exec") {
      const id = jobContainer ?? "";
      line = engine.execCommand({ container: id, envFile: engineEnvFile.path, workdir: target.workdir, command: target.command });
      stop = () => engine.killProcesses(id);
    } else {
      const name = `ferry-${instance}-step-${++stepContainers}`;
      line = engine.runCommand({
        name, labels: { ...containerLabels, [INSTANCE_LABEL]: instance }, network: jc.network, mounts: sameMounts, readOnlyMounts,
        workdir: req.workspace, envFile: engineEnvFile.path, image: target.image, entrypoint: target.entrypoint, args: target.args,
      });
      stop = () => engine.remove([name]);
    }
    return { ...base, ...line, stopInside: () => void stop(), stopInsideNow: stop };
  };

  /** Runs a process for a step with env files, workflow commands and masking wired in. */
  const execStep = async (
    scope: Scope, display: string, target: StepTarget,
    env: Record<string, string>, extra: Record<string, string>, timeoutMs: number | undefined, statePrefix?: Map<string, string>,
  ): Promise<{ ok: boolean; outputs: Record<string, string> }> => {
    const outputs: Record<string, string> = {};
    const launch = await stepLaunch(scope, target, env, extra);
    const penv = launch.stepEnv;
    const processor = createCommandProcessor({ allowUnsecureCommands: () => (penv.ACTIONS_ALLOW_UNSECURE_COMMANDS ?? "").toLowerCase() === "true" });
    const onLine = (raw: string, stream: "stdout" | "stderr"): void => {
      const r = processor.processLine(raw);
      if (r.warning) emit({ type: "annotation", job, step: display, level: "warning", message: mask(r.warning) });
      const c = r.command;
      if (c) {
        switch (c.kind) {
          case "add-mask": req.masker.add(c.value); break;
          case "set-output": outputs[c.name] = c.value; break;
          case "set-env": globalEnv.set(c.name, c.value); break;
          case "add-path": pathPrepends.unshift(c.path); break;
          case "save-state": statePrefix?.set(c.name, c.value); break;
          case "group": emit({ type: "group", job, step: display, title: mask(c.title) }); break;
          case "endgroup": emit({ type: "endgroup", job, step: display }); break;
          case "annotation":
            emit({ type: "annotation", job, step: display, level: c.level, message: mask(c.message), file: c.file, line: c.line, col: c.col });
            break;
          case "echo": break;
        }
        return;
      }
      if (r.display !== null) emit({ type: "line", job, step: display, text: mask(r.display), stream });
    };
    let ok = false;
    const { command, args, cwd } = launch;
    if (launch.error !== undefined) {
      emit({ type: "annotation", job, step: display, level: "error", message: mask(launch.error) });
    } else if (!existsSync(cwd)) {
      emit({ type: "annotation", job, step: display, level: "error", message: mask(`working directory ${cwd} does not exist`) });
    } else {
      const spawnOpts = { cwd, env: launch.processEnv, onLine, timeoutMs, signal: jobSignal };
      // Stopping the engine's client does not stop what it started in a container: on
      // cancellation, and after a timeout, the processes inside are killed too.
      const stopInside = launch.stopInside;
      if (stopInside) jobSignal.addEventListener("abort", stopInside, { once: true });
      const res = launcher
        ? await launcher.run(command, args, spawnOpts).catch(() => runInGroup(command, args, spawnOpts))
        : await runInGroup(command, args, spawnOpts);
      if (stopInside) {
        jobSignal.removeEventListener("abort", stopInside);
        if (res.timedOut || res.cancelled) await launch.stopInsideNow?.();
      }
      if (res.pid) stepPids.push(res.pid);
      if (res.error) emit({ type: "annotation", job, step: display, level: "error", message: mask(`cannot start ${command}: ${res.error}`) });
      else if (res.timedOut) emit({ type: "annotation", job, step: display, level: "error", message: `The step exceeded its timeout of ${Math.round((timeoutMs ?? 0) / 60000)} minutes and was stopped` });
      else if (res.cancelled) emit({ type: "annotation", job, step: display, level: "error", message: timedOut ? `The job exceeded its timeout of ${req.timeoutMinutes} minutes and was stopped` : "The operation was cancelled" });
      else if (res.exitCode !== 0) emit({ type: "annotation", job, step: display, level: "error", message: `Process completed with exit code ${res.exitCode}.` });
      ok = !res.error && !res.timedOut && !res.cancelled && res.exitCode === 0;
    }
    // Environment files apply even when the step failed, as on GitHub.
    for (const [kind, file] of [["env", "GITHUB_ENV"], ["output", "GITHUB_OUTPUT"], ["state", "GITHUB_STATE"]] as const) {
      const parsed = parseEnvFile(fileCommands[file].take(), fileCommands[file].path);
      if (!parsed.ok) {
        emit({ type: "annotation", job, step: display, level: "error", message: mask(parsed.error) });
        ok = false;
        continue;
      }
      for (const [k, v] of parsed.values) {
        if (kind === "env") globalEnv.set(k, v);
        else if (kind === "output") outputs[k] = v;
        else statePrefix?.set(k, v);
      }
    }
    for (const dir of parsePathFile(fileCommands.GITHUB_PATH.take())) pathPrepends.unshift(dir);
    const summary = fileCommands.GITHUB_STEP_SUMMARY.take();
    if (summary.trim()) summaries.push(mask(summary));
    return { ok, outputs };
  };
  const summaries: string[] = [];

  const evalEnv = (scope: Scope, raw: unknown, baseEnv: Record<string, string>): Record<string, string> => {
    if (raw === undefined || raw === null) return {};
    return toStringRecord(interpolate(raw, contextsFor(scope, baseEnv), functionsFor(scope)));
  };

  const stepTimeout = (scope: Scope, step: StepDef, env: Record<string, string>): number | undefined => {
    if (step.timeoutMinutes === undefined || step.timeoutMinutes === null) return undefined;
    const n = Number(interpolate(step.timeoutMinutes, contextsFor(scope, env), functionsFor(scope)));
    return Number.isFinite(n) && n > 0 ? n * 60_000 : undefined;
  };

  const workingDir = (scope: Scope, step: StepDef, env: Record<string, string>): string => {
    const raw = step.workingDirectory ?? (scope.depth === 0 ? (req.defaults.workingDirectory) : undefined);
    if (raw === undefined || raw === null) return req.workspace;
    const dir = interpolateString(raw, contextsFor(scope, env), functionsFor(scope));
    return isAbsolute(dir) ? dir : join(req.workspace, dir);
  };

  const runScript = async (scope: Scope, step: StepDef, display: string, env: Record<string, string>): Promise<StepRun> => {
    const ctx = contextsFor(scope, env);
    const fns = functionsFor(scope);
    const script = interpolateString(step.run ?? "", ctx, fns);
    const shellRaw = step.shell ?? (scope.depth === 0 ? req.defaults.shell : undefined);
    const shellName = shellRaw === undefined || shellRaw === null ? undefined : interpolateString(shellRaw, ctx, fns);
    const penvPath = composePath(pathPrepends, env.PATH ?? req.hostEnv.PATH);
    // In the job container the default shell is `sh -e {0}`, as GitHub documents for container jobs.
    const inContainer = containers?.job !== undefined;
    const shell = inContainer && shellName === undefined ? { program: "sh", args: ["-e", "{0}"], extension: ".sh" } : resolveShell(shellName, inContainer ? undefined : penvPath);
    let scriptFile = scripts.get(shell.extension);
    if (!scriptFile) {
      scriptFile = openReusableFile(join(scratch.path, `script-${randomUUID()}${shell.extension}`));
      scripts.set(shell.extension, scriptFile);
    }
    const scriptPath = scriptFile.path;
    scriptFile.write(shell.extension === ".ps1" ? `$ErrorActionPreference = 'stop'\n${script}\nif ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }` : script);
    const cwd = workingDir(scope, step, env);
    const command = [shell.program, ...shellArgs(shell, scriptPath)];
    const target: StepTarget = inContainer
      ? { kind: "exec", command, workdir: cwd }
      : { kind: "host", command: shell.program, args: command.slice(1), cwd };
    const { ok, outputs } = await execStep(scope, display, target, env, {}, stepTimeout(scope, step, env));
    return { outcome: ok ? "success" : isCancelled() ? "cancelled" : "failure", outputs };
  };

  const resolveInputs = (scope: Scope, step: StepDef, env: Record<string, string>, defs: ActionDef["inputs"] | BuiltinAction["inputs"], display: string): Record<string, string> => {
    const ctx = contextsFor(scope, env);
    const fns = functionsFor(scope);
    const given = step.with ? toStringRecord(interpolate(step.with, ctx, fns)) : {};
    const inputs: Record<string, string> = {};
    for (const [name, def] of Object.entries(defs ?? {})) {
      const d = (def ?? {}) as { default?: unknown };
      if (d.default !== undefined && d.default !== null) inputs[name] = interpolateString(d.default, ctx, fns);
    }
    for (const [name, value] of Object.entries(given)) {
      const known = Object.keys(defs ?? {}).find((k) => k.toLowerCase() === name.toLowerCase());
      if (!known && defs && Object.keys(defs).length > 0) emit({ type: "annotation", job, step: display, level: "warning", message: mask(`Unexpected input '${name}', valid inputs are [${Object.keys(defs).join(", ")}]`) });
      inputs[known ?? name] = value;
    }
    return inputs;
  };

  const runNodeAction = async (
    scope: Scope, actionDir: string, def: ActionDef, inputs: Record<string, string>, step: StepDef, display: string, env: Record<string, string>,
  ): Promise<StepRun> => {
    const inputEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(inputs)) inputEnv[inputEnvName(k)] = v;
    // State saved by a pre step reaches main and post (GITHUB_STATE → STATE_*).
    let state = stepState.get(step);
    if (!state) {
      state = new Map<string, string>();
      stepState.set(step, state);
    }
    const stateEnv = (): Record<string, string> => Object.fromEntries([...(state ?? [])].map(([k, v]) => [`STATE_${k}`, v]));
    const main = def.runs.main ?? "";
    // JavaScript actions run on the host even in container jobs (GitHub runs them in the job
    // container with the runner's node); the workspace and temp paths are the same in both.
    const { ok, outputs } = await execStep(scope, display, { kind: "host", command: process.execPath, args: [join(actionDir, main)], cwd: workingDir(scope, step, env) }, env,
      { ...inputEnv, GITHUB_ACTION_PATH: actionDir, ...stateEnv() }, stepTimeout(scope, step, env), state);
    if (def.runs.post) {
      const post = def.runs.post;
      const postIf = def.runs["post-if"] ?? "always()";
      const postScope = scope;
      posts.push({
        name: `Post ${display}`,
        run: async () => {
          const cond = evaluate(withImplicitSuccess(conditionOf(postIf)), contextsFor(postScope, env), functionsFor(jobScope));
          if (!truthy(cond)) return true;
          const r = await execStep(postScope, `Post ${display}`, { kind: "host", command: process.execPath, args: [join(actionDir, post)], cwd: req.workspace }, env,
            { ...inputEnv, GITHUB_ACTION_PATH: actionDir, ...stateEnv() }, undefined, state);
          return r.ok;
        },
      });
    }
    return { outcome: ok ? "success" : isCancelled() ? "cancelled" : "failure", outputs };
  };

  const runBuiltin = async (scope: Scope, builtin: BuiltinAction, step: StepDef, display: string, env: Record<string, string>): Promise<StepRun> => {
    const inputs = resolveInputs(scope, step, env, builtin.inputs, display);
    const outputs: Record<string, string> = {};
    const state: Record<string, string> = {};
    const log = (line: string): void => emit({ type: "line", job, step: display, text: mask(line), stream: "stdout" });
    const makeCtx = (): BuiltinContext => ({
      inputs, workspace: req.workspace, tempDir: runnerTemp, github: req.contexts.github,
      env: processEnv(scope, env, {}), sourceRepo: req.sourceRepo, workspacePrepared: req.workspacePrepared,
      sourceAuthHeader: req.sourceAuthHeader, runId: req.runId, stores: req.stores, server: req.server, state, signal: jobSignal,
      log, setOutput: (k, v) => { outputs[k] = v; }, exportVariable: (k, v) => { globalEnv.set(k, v); },
      addPath: (d) => { pathPrepends.unshift(d); }, saveState: (k, v) => { state[k] = v; },
      warning: (m) => emit({ type: "annotation", job, step: display, level: "warning", message: mask(m) }),
    });
    try {
      await builtin.main(makeCtx());
    } catch (error: unknown) {
      emit({ type: "annotation", job, step: display, level: "error", message: mask(error instanceof Error ? error.message : String(error)) });
      return { outcome: "failure", outputs };
    }
    if (builtin.post) {
      const post = builtin.post.bind(builtin);
      const postIf = builtin.postIf ?? "always()";
      posts.push({
        name: `Post ${display}`,
        run: async () => {
          if (!truthy(evaluate(withImplicitSuccess(conditionOf(postIf)), contextsFor(scope, env), functionsFor(jobScope)))) return true;
          try {
            await post(makeCtx());
            return true;
          } catch (error: unknown) {
            emit({ type: "annotation", job, step: `Post ${display}`, level: "error", message: mask(error instanceof Error ? error.message : String(error)) });
            return false;
          }
        },
      });
    }
    return { outcome: "success", outputs };
  };

  const runAction = async (scope: Scope, step: StepDef, display: string, env: Record<string, string>, ownEnv: Record<string, string>): Promise<StepRun> => {
    const uses = step.uses ?? "";
    const ref = parseUses(uses);
    const fail = (message: string): StepRun => {
      emit({ type: "annotation", job, step: display, level: "error", message: mask(message) });
      return { outcome: "failure", outputs: {} };
    };
    if (!ref) return fail(`invalid action reference "${uses}"`);
    if (ref.kind === "docker") {
      if (!(await getEngine())) return fail(`"${uses}" needs a container engine (podman or docker), and none was found on this host's PATH`);
      return runDockerStep(scope, step, display, env, ref.image);
    }
    let actionDir: string;
    if (ref.kind === "local") {
      actionDir = resolve(req.workspace, ref.path);
    } else {
      // Loaded on first use: the built-ins carry dependencies most runs never need.
      const { findBuiltin } = await import("./builtin/index.js");
      const builtin = findBuiltin(uses);
      if (builtin) return runBuiltin(scope, builtin, step, display, env);
      try {
        const root = await fetchRemoteAction({ baseUrl: req.actionsBaseUrl, cacheDir: req.actionsCacheDir, owner: ref.owner, repo: ref.repo, ref: ref.ref });
        actionDir = ref.path ? join(root, ref.path) : root;
      } catch (error: unknown) {
        return fail(error instanceof Error ? error.message : String(error));
      }
    }
    let def: ActionDef;
    try {
      def = await loadActionDir(actionDir, req.workspace);
    } catch (error: unknown) {
      return fail(error instanceof Error ? error.message : String(error));
    }
    const inputs = resolveInputs(scope, step, env, def.inputs, display);
    const using = def.runs.using;
    if (/^node\d+$/.test(using)) return runNodeAction(scope, actionDir, def, inputs, step, display, env);
    if (using === "composite") return runComposite(scope, actionDir, def, inputs, display, env, ownEnv);
    if (using === "docker") {
      const engine = await getEngine();
      if (!engine) return fail(`the docker action ${uses} needs a container engine (podman or docker), and none was found on this host's PATH`);
      return runDockerAction(engine, scope, actionDir, def, inputs, step, display, env, uses);
    }
    return fail(`action ${uses} uses "${using}", which Ferry does not support`);
  };

  /** `uses: docker://image`: `with.args` and `with.entrypoint` as GitHub reads them, every `with` as INPUT_*. */
  const runDockerStep = async (scope: Scope, step: StepDef, display: string, env: Record<string, string>, image: string): Promise<StepRun> => {
    const given = step.with ? toStringRecord(interpolate(step.with, contextsFor(scope, env), functionsFor(scope))) : {};
    const inputEnv = Object.fromEntries(Object.entries(given).map(([k, v]) => [inputEnvName(k), v]));
    const { splitWords } = await import("./containers/args.js");
    const target: StepTarget = { kind: "run", image, entrypoint: given.entrypoint, args: given.args ? splitWords(given.args) : [] };
    const { ok, outputs } = await execStep(scope, display, target, env, inputEnv, stepTimeout(scope, step, env));
    return { outcome: ok ? "success" : isCancelled() ? "cancelled" : "failure", outputs };
  };

  /**
   * `using: docker`: the image (built from the action's Dockerfile when it names one) runs with
   * `runs.args`, `runs.entrypoint` and `runs.env`; `pre-entrypoint` runs just before the main
   * entrypoint (GitHub runs it when the job starts), `post-entrypoint` with the post steps.
   */
  const runDockerAction = async (
    engine: ContainerEngine, scope: Scope, actionDir: string, def: ActionDef, inputs: Record<string, string>, step: StepDef,
    display: string, env: Record<string, string>, uses: string,
  ): Promise<StepRun> => {
    const runs = def.runs as DockerRuns;
    const fail = (message: string): StepRun => {
      emit({ type: "annotation", job, step: display, level: "error", message: mask(message) });
      return { outcome: "failure", outputs: {} };
    };
    const { dockerActionImage } = await import("./containers/docker-action.js");
    const source = dockerActionImage(typeof runs.image === "string" ? runs.image : "", actionDir);
    let image: string;
    if (source.kind === "build") {
      if (!engine.capabilities.build) return fail(`the docker action ${uses} needs an image built from its Dockerfile, which ${engine.name} cannot build`);
      if (!existsSync(source.dockerfile)) return fail(`the docker action ${uses} names ${source.dockerfile}, which does not exist`);
      const build = engine.buildCommand({ dockerfile: source.dockerfile, contextDir: source.contextDir, tag: source.tag });
      const res = await runInGroup(build.command, build.args, {
        cwd: req.workspace, env: req.hostEnv, signal: jobSignal,
        onLine: (text, stream) => emit({ type: "line", job, step: display, text: mask(text), stream }),
      });
      if (res.pid) stepPids.push(res.pid);
      if (res.cancelled) return { outcome: "cancelled", outputs: {} };
      if (res.error || res.exitCode !== 0) return fail(`cannot build the image of ${uses}: ${res.error ?? `${engine.name} build exited with code ${res.exitCode}`}`);
      image = source.tag;
    } else image = source.image;
    const actionScope: Scope = { ...scope, inputs };
    const ctx = contextsFor(actionScope, env);
    const fns = functionsFor(actionScope);
    const args = Array.isArray(runs.args) ? runs.args.map((a) => interpolateString(a, ctx, fns)) : [];
    const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? interpolateString(v, ctx, fns) : undefined);
    const extra = {
      ...(runs.env ? toStringRecord(interpolate(runs.env, ctx, fns)) : {}),
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [inputEnvName(k), v])),
    };
    const timeout = stepTimeout(scope, step, env);
    const pre = text(runs["pre-entrypoint"]);
    if (pre !== undefined) {
      const r = await execStep(scope, display, { kind: "run", image, entrypoint: pre, args: [] }, env, extra, timeout);
      if (!r.ok) return { outcome: isCancelled() ? "cancelled" : "failure", outputs: r.outputs };
    }
    const { ok, outputs } = await execStep(scope, display, { kind: "run", image, entrypoint: text(runs.entrypoint), args }, env, extra, timeout);
    const post = text(runs["post-entrypoint"]);
    if (post !== undefined) {
      const postIf = typeof runs["post-if"] === "string" ? runs["post-if"] : "always()";
      posts.push({
        name: `Post ${display}`,
        run: async () => {
          if (!truthy(evaluate(withImplicitSuccess(conditionOf(postIf)), contextsFor(scope, env), functionsFor(jobScope)))) return true;
          return (await execStep(scope, `Post ${display}`, { kind: "run", image, entrypoint: post, args: [] }, env, extra, undefined)).ok;
        },
      });
    }
    return { outcome: ok ? "success" : isCancelled() ? "cancelled" : "failure", outputs };
  };

  const runComposite = async (
    scope: Scope, actionDir: string, def: ActionDef, inputs: Record<string, string>, display: string, env: Record<string, string>,
    ownEnv: Record<string, string>,
  ): Promise<StepRun> => {
    if (scope.depth > 9) {
      emit({ type: "annotation", job, step: display, level: "error", message: "composite actions are nested more than 10 deep" });
      return { outcome: "failure", outputs: {} };
    }
    const inner: Scope = {
      steps: {}, status: "success", stepEnv: { ...scope.stepEnv, ...ownEnv }, inputs, actionPath: actionDir, depth: scope.depth + 1, prefix: `${display} / `,
    };
    for (const [i, step] of (def.runs.steps ?? []).entries()) await runOneStep(inner, step, i);
    const outputs = toStringRecord(interpolate(
      Object.fromEntries(Object.entries(def.outputs ?? {}).map(([k, o]) => [k, (o ?? {}).value ?? ""])),
      contextsFor(inner, { ...env, ...envContext(inner) }), functionsFor(inner),
    ));
    return { outcome: inner.status === "success" ? "success" : inner.status === "cancelled" ? "cancelled" : "failure", outputs };
  };

  /**
   * `pre` of the remote JavaScript actions the job uses, in step order, before the first step
   * (local actions are not on disk until a step checks them out, so GitHub runs no pre for them).
   */
  async function runPreSteps(scope: Scope): Promise<void> {
    for (const step of req.steps) {
      const ref = step.uses ? parseUses(step.uses) : undefined;
      if (ref?.kind !== "remote") continue;
      const { findBuiltin } = await import("./builtin/index.js");
      if (findBuiltin(step.uses ?? "")) continue;
      let actionDir: string;
      let def: ActionDef;
      try {
        const root = await fetchRemoteAction({ baseUrl: req.actionsBaseUrl, cacheDir: req.actionsCacheDir, owner: ref.owner, repo: ref.repo, ref: ref.ref });
        actionDir = ref.path ? join(root, ref.path) : root;
        def = await loadActionDir(actionDir, req.workspace);
      } catch {
        continue; // the step itself reports why
      }
      const pre = def.runs.pre;
      if (!pre || !/^node\d+$/.test(def.runs.using)) continue;
      const parentEnv = envContext(scope);
      const display = `Pre ${stepName(scope, step, parentEnv)}`;
      const index = ++stepCounter;
      const t = Date.now();
      emit({ type: "step-start", job, step: display, index });
      let ok = true;
      try {
        const env = { ...parentEnv, ...evalEnv(scope, step.env, parentEnv) };
        if (truthy(evaluate(withImplicitSuccess(conditionOf(def.runs["pre-if"] ?? "always()")), contextsFor(scope, env), functionsFor(scope)))) {
          const inputs = resolveInputs(scope, step, env, def.inputs, display);
          const inputEnv = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [inputEnvName(k), v]));
          const state = new Map<string, string>();
          stepState.set(step, state);
          ok = (await execStep(scope, display, { kind: "host", command: process.execPath, args: [join(actionDir, pre)], cwd: req.workspace }, env, { ...inputEnv, GITHUB_ACTION_PATH: actionDir }, undefined, state)).ok;
        }
      } catch (error: unknown) {
        emit({ type: "annotation", job, step: display, level: "error", message: mask(error instanceof Error ? error.message : String(error)) });
        ok = false;
      }
      if (!ok) scope.status = "failure";
      const c: Conclusion = ok ? "success" : "failure";
      emit({ type: "step-end", job, step: display, index, outcome: c, conclusion: c, durationMs: Date.now() - t });
    }
  }

  const stepName = (scope: Scope, step: StepDef, env: Record<string, string>): string => {
    let name: string;
    if (step.name !== undefined && step.name !== null) {
      try {
        name = interpolateString(step.name, contextsFor(scope, env), functionsFor(scope));
      } catch {
        name = typeof step.name === "string" ? step.name : JSON.stringify(step.name);
      }
    } else if (step.run !== undefined) name = `Run ${firstLine(step.run)}`;
    else name = `Run ${step.uses ?? ""}`;
    return mask(scope.prefix + name);
  };

  const runOneStep = async (scope: Scope, step: StepDef, index: number): Promise<void> => {
    const index1 = ++stepCounter;
    const id = step.id ?? `__${index}`;
    const started = Date.now();
    const parentEnv = envContext(scope);
    const display = stepName(scope, step, parentEnv);
    let outcome: Conclusion;
    let outputs: Record<string, string> = {};
    let continueOnError = false;
    emit({ type: "step-start", job, step: display, index: index1 });
    try {
      const ctx = contextsFor(scope, parentEnv);
      const fns = functionsFor(scope);
      const condition = conditionOf(step.if);
      const run = condition === "" ? scope.status === "success" && !isCancelled() : truthy(evaluate(withImplicitSuccess(condition), ctx, fns));
      continueOnError = step.continueOnError !== undefined && truthy(interpolate(step.continueOnError, ctx, fns));
      if (!run) {
        outcome = "skipped";
      } else {
        const ownEnv = evalEnv(scope, step.env, parentEnv);
        const env = { ...parentEnv, ...ownEnv };
        const r = step.run !== undefined ? await runScript(scope, step, display, env) : await runAction(scope, step, display, env, ownEnv);
        outcome = r.outcome;
        outputs = r.outputs;
      }
    } catch (error: unknown) {
      emit({ type: "annotation", job, step: display, level: "error", message: mask(error instanceof Error ? error.message : String(error)) });
      outcome = "failure";
    }
    const conclusion: Conclusion = outcome === "failure" && continueOnError ? "success" : outcome;
    if (conclusion === "failure") scope.status = "failure";
    if (conclusion === "cancelled" || isCancelled()) scope.status = scope.status === "failure" ? "failure" : "cancelled";
    scope.steps[id] = { outputs, outcome, conclusion };
    if (scope.depth === 0) records.push({ id, name: display, outcome, conclusion, outputs });
    emit({ type: "step-end", job, step: display, index: index1, outcome, conclusion, durationMs: Date.now() - started });
  };

  /**
   * "Initialize containers": the network, services and job container, before the first step.
   * Resolves to false when the job cannot run (the failure is reported).
   */
  const initializeContainers = async (): Promise<boolean> => {
    const index = ++stepCounter;
    const t = Date.now();
    const step = "Initialize containers";
    emit({ type: "step-start", job, step, index });
    let ok = false;
    const engine = await getEngine();
    if (!engine) {
      emit({ type: "annotation", job, step, level: "error", message: `job "${req.jobId}" uses ${req.container ? "container:" : "services:"}, which needs a container engine (podman or docker), and none was found on this host's PATH` });
    } else {
      try {
        await (await jobContainersFor(engine)).start(jobSignal);
        ok = !isCancelled();
      } catch (error: unknown) {
        emit({ type: "annotation", job, step, level: "error", message: mask(error instanceof Error ? error.message : String(error)) });
      }
    }
    const c: Conclusion = ok ? "success" : isCancelled() ? "cancelled" : "failure";
    emit({ type: "step-end", job, step, index, outcome: c, conclusion: c, durationMs: Date.now() - t });
    return ok;
  };

  const jobScope: Scope = { steps: {}, status: "success", stepEnv: {}, inputs: undefined, actionPath: undefined, depth: 0, prefix: "" };
  /** Pre steps, the steps, then post steps in reverse order. */
  async function runJobSteps(): Promise<void> {
    await runPreSteps(jobScope);
    for (const [i, step] of req.steps.entries()) await runOneStep(jobScope, step, i);

    for (const post of posts.reverse()) {
      const index = ++stepCounter;
      const t = Date.now();
      emit({ type: "step-start", job, step: post.name, index, post: true });
      let ok: boolean;
      try {
        ok = await post.run();
      } catch (error: unknown) {
        emit({ type: "annotation", job, step: post.name, level: "error", message: mask(error instanceof Error ? error.message : String(error)) });
        ok = false;
      }
      if (!ok) jobScope.status = "failure";
      const c: Conclusion = ok ? "success" : "failure";
      emit({ type: "step-end", job, step: post.name, index, outcome: c, conclusion: c, durationMs: Date.now() - t });
    }
  }

  const usesContainers = req.container !== undefined || Object.keys(req.services ?? {}).length > 0;
  try {
    if (usesContainers && !(await initializeContainers())) {
      jobScope.status = isCancelled() ? "cancelled" : "failure";
    } else {
      await runJobSteps();
    }
  } finally {
    if (containers) {
      const index = ++stepCounter;
      const t = Date.now();
      if (usesContainers) emit({ type: "step-start", job, step: "Stop containers", index, post: true });
      await containers.teardown();
      if (usesContainers) emit({ type: "step-end", job, step: "Stop containers", index, outcome: "success", conclusion: "success", durationMs: Date.now() - t });
    }
  }

  if (jobTimer) clearTimeout(jobTimer);
  for (const f of [...Object.values(fileCommands), ...scripts.values(), ...(engineEnvFile ? [engineEnvFile] : [])]) f.close();
  launcher?.close();
  await scratch.remove();
  // Nothing a step started outlives the job.
  await Promise.all(stepPids.map((pid) => reapGroup(pid)));

  let outputs: Record<string, string> = {};
  if (req.outputs) {
    try {
      outputs = toStringRecord(interpolate(req.outputs, contextsFor(jobScope, envContext(jobScope)), functionsFor(jobScope)));
    } catch (error: unknown) {
      emit({ type: "annotation", job, step: "Complete job", level: "error", message: mask(error instanceof Error ? error.message : String(error)) });
      jobScope.status = "failure";
    }
  }
  const result: JobOutcome["result"] = isCancelled() && jobScope.status !== "failure" ? (timedOut ? "failure" : "cancelled") : jobScope.status;
  const durationMs = Date.now() - started;
  emit({ type: "job-end", job, result, durationMs, outputs, summary: summaries.length ? summaries.join("\n") : undefined });
  return { result, outputs, steps: records, durationMs };
}
