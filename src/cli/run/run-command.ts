import { cpus, homedir, tmpdir } from "node:os";
import { realpathSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { createGit, headSha, isRepo, repositoryName, synthesizeEvent } from "../../git/index.js";
import type { Git } from "../../git/index.js";
import { InputError } from "../../workflow/index.js";
import { loadWorkflow } from "../../workflow/index.js";
import type { WorkflowDef } from "../../workflow/index.js";
import { matchTrigger } from "../../workflow/index.js";
import type { Value } from "../../workflow/index.js";
import { createMasker } from "../../runner/masker.js";
import { discoverWorkflows } from "./discover.js";
import { parsePairs, readDotenv } from "./dotenv.js";
import { resolveInputs, runWorkflow } from "./orchestrate.js";
import { createJsonPrinter, createTextPrinter } from "./printer.js";
import { createSemaphore } from "./semaphore.js";
import { createConcurrencyGroups } from "./concurrency.js";
import { prepareWorkspace } from "./workspace.js";

export type RunOptions = {
  workflows?: string;
  event: string;
  eventPath?: string;
  job: string[];
  list: boolean;
  dryRun: boolean;
  input: string[];
  secret: string[];
  secretFile?: string;
  env: string[];
  envFile?: string;
  var: string[];
  actor: string;
  repository?: string;
  matrix: string[];
  json: boolean;
  parallel?: string;
  actionsUrl?: string;
  keep: boolean;
  directory?: string;
};

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);

async function readEventFile(path: string): Promise<Rec> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error: unknown) {
    throw new InputError([{ file: path, message: `cannot read event payload: ${(error as Error).message}` }]);
  }
  try {
    const v: unknown = JSON.parse(text);
    if (!isRec(v)) throw new Error("the payload must be a JSON object");
    return v;
  } catch (error: unknown) {
    const m = /position (\d+)/.exec((error as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split("\n").length : 1;
    throw new InputError([{ file: path, line, column: 1, message: `invalid JSON: ${(error as Error).message}` }]);
  }
}

type RepoInfo = { atTop: boolean; sha0: string | undefined; repository: string; synthesized: { payload: Rec; sha: string; ref: string; changedFiles: string[] | undefined } };

/** What Git says about `cwd`: the commit, the repository's name, and the event payload. */
async function inspectRepository(git: Git, cwd: string, o: RunOptions, inputs: Map<string, string>): Promise<RepoInfo> {
  const repo = await isRepo(git, cwd);
  if (!repo) {
    const repository = o.repository ?? `local/${cwd.split("/").pop() ?? "repo"}`;
    checkRepositoryName(repository);
    return { atTop: false, sha0: undefined, repository, synthesized: { payload: {}, sha: "0".repeat(40), ref: "refs/heads/main", changedFiles: undefined } };
  }
  // The workspace is a Git clone only when `cwd` is the top of its repository; a project in a
  // subdirectory of a larger repository is copied as a plain directory.
  const [top, sha0, repository] = await Promise.all([
    git.run(cwd, ["rev-parse", "--show-toplevel"]).then((r) => r.stdout.trim()),
    headSha(git, cwd),
    o.repository ?? repositoryName(git, cwd),
  ]);
  checkRepositoryName(repository);
  const synthesized = await synthesizeEvent(git, cwd, { eventName: o.event, actor: o.actor, repository, inputs: Object.fromEntries(inputs) });
  return { atTop: realpathSync(top) === realpathSync(cwd), sha0, repository, synthesized };
}

function checkRepositoryName(repository: string): void {
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository)) throw new InputError([{ file: "--repository", message: `expected owner/name, got "${repository}"` }]);
}

/** `ferry run`: runs the workflows of the repository in `cwd` that the event triggers. Returns the exit code. */
export async function runCommand(cwd: string, o: RunOptions, out: (s: string) => void): Promise<number> {
  const printer = o.json ? createJsonPrinter(out) : createTextPrinter(out);
  const git = createGit();
  const inputs = parsePairs(o.input, "--input");
  // Git is asked while the workflows are parsed: both take tens of milliseconds.
  const repoInfo = o.list ? undefined : inspectRepository(git, cwd, o, inputs);
  repoInfo?.catch(() => undefined);
  const files = await discoverWorkflows(cwd, o.workflows);
  const workflows: WorkflowDef[] = [];
  const problems: InputError["problems"] = [];
  for (const f of files) {
    try {
      workflows.push(await loadWorkflow(f, relative(cwd, f) || f));
    } catch (error: unknown) {
      if (error instanceof InputError) problems.push(...error.problems);
      else throw error;
    }
  }
  if (problems.length > 0) throw new InputError(problems);

  if (o.list) {
    for (const wf of workflows) {
      out(`${wf.file}  ${wf.name ?? ""}  on: ${Object.keys(wf.on).join(", ")}\n`);
      for (const j of wf.jobs) out(`  ${j.id}${j.needs.length ? `  needs: ${j.needs.join(", ")}` : ""}${j.uses ? `  uses: ${j.uses}` : ""}\n`);
    }
    return 0;
  }

  const { atTop, sha0, synthesized, repository } = await (repoInfo ?? inspectRepository(git, cwd, o, inputs));
  // A first workspace is prepared while the rest is set up; the first job takes it.
  const runDir = await mkdtemp(join(tmpdir(), "ferry-run-"));
  const makeWorkspace = async (key: string): Promise<string> => {
    const dest = join(runDir, "workspaces", key);
    await prepareWorkspace(cwd, dest, atTop ? sha0 : undefined);
    return dest;
  };
  let warm: Promise<string> | undefined = o.dryRun ? undefined : makeWorkspace("first");
  warm?.catch(() => undefined);
  try {
    return await execute();
  } finally {
    await warm?.catch(() => undefined);
    if (!o.keep) await rm(runDir, { recursive: true, force: true }).catch(() => undefined);
  }

  async function execute(): Promise<number> {
    const secrets = new Map<string, string>();
    if (o.secretFile) for (const [k, v] of await readDotenv(join(cwd, o.secretFile))) secrets.set(k, v);
    for (const [k, v] of parsePairs(o.secret, "--secret")) secrets.set(k, v);
    const cliEnv = new Map<string, string>();
    if (o.envFile) for (const [k, v] of await readDotenv(join(cwd, o.envFile))) cliEnv.set(k, v);
    for (const [k, v] of parsePairs(o.env, "--env")) cliEnv.set(k, v);
    const vars = parsePairs(o.var, "--var");
    const matrixFilters = new Map<string, Set<string>>();
    for (const m of o.matrix) {
      const i = m.indexOf(":");
      if (i <= 0) throw new InputError([{ file: "--matrix", message: `expected key:value, got "${m}"` }]);
      const set = matrixFilters.get(m.slice(0, i)) ?? new Set<string>();
      set.add(m.slice(i + 1));
      matrixFilters.set(m.slice(0, i), set);
    }
    const payload: Rec = o.eventPath ? await readEventFile(join(cwd, o.eventPath)) : synthesized.payload;
    if (o.eventPath && inputs.size > 0) payload.inputs = { ...(isRec(payload.inputs) ? payload.inputs : {}), ...Object.fromEntries(inputs) };
    if (!o.eventPath && o.event === "workflow_dispatch") payload.inputs = Object.fromEntries(inputs);

    const triggered = workflows.filter((wf) => {
      const d = matchTrigger(wf.on, { name: o.event, payload, changedFiles: o.eventPath ? undefined : synthesized.changedFiles });
      if (!d.triggered && files.length === 1) printer.note(`${wf.file} is not triggered by ${o.event}: ${d.reason}`);
      return d.triggered;
    });
    if (triggered.length === 0) {
      printer.note(`no workflow is triggered by the ${o.event} event`);
      return 0;
    }

    const pr = isRec(payload.pull_request) ? payload.pull_request : undefined;
    const prRef = (side: "head" | "base"): string => {
      const s = pr && isRec(pr[side]) ? pr[side] : undefined;
      return s && typeof s.ref === "string" ? s.ref : "";
    };
    const ref = typeof payload.ref === "string" && payload.ref.startsWith("refs/") ? payload.ref
      : pr ? `refs/pull/${typeof payload.number === "number" ? payload.number : typeof pr.number === "number" ? pr.number : 1}/merge` : synthesized.ref;
    const sha = pr && isRec(pr.head) && typeof pr.head.sha === "string" ? pr.head.sha : typeof payload.after === "string" ? payload.after : synthesized.sha;
    const runId = String(Date.now() % 1_000_000_000);
    const github: Record<string, Value> = {
      event_name: o.event, event: payload as Value, sha, ref, ref_name: ref.replace(/^refs\/(heads|tags)\//, ""),
      ref_type: ref.startsWith("refs/tags/") ? "tag" : "branch", ref_protected: false,
      head_ref: prRef("head"), base_ref: prRef("base"), repository, repository_owner: repository.split("/")[0] ?? "",
      actor: o.actor, triggering_actor: o.actor, run_id: runId, run_number: "1", run_attempt: "1",
      server_url: "https://github.com", api_url: "https://api.github.com", graphql_url: "https://api.github.com/graphql",
      token: secrets.get("GITHUB_TOKEN") ?? "", retention_days: "90", secret_source: "None", action: "", workspace: cwd,
    };

    if (o.dryRun) {
      for (const wf of triggered) {
        out(`${wf.file}: would run ${wf.jobs.filter((j) => o.job.length === 0 || o.job.includes(j.id)).map((j) => j.id).join(", ")}\n`);
      }
      return 0;
    }

    const parallel = o.parallel ? Number(o.parallel) : cpus().length;
    if (!Number.isInteger(parallel) || parallel < 1) throw new InputError([{ file: "--parallel", message: `expected a positive whole number, got "${o.parallel}"` }]);
    const dataHome = process.env.FERRY_HOME ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "ferry");
    const stores = { artifactsDir: join(runDir, "artifacts"), cacheDir: join(dataHome, "cache") };
    await mkdir(stores.artifactsDir, { recursive: true });
    const masker = createMasker([...secrets.values()].filter((v) => v !== ""));
    const abort = new AbortController();
    const onSignal = (): void => abort.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    const hostEnv = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
    let exit = 0;
    const groups = createConcurrencyGroups();
    try {
      for (const wf of triggered) {
        const t0 = Date.now();
        const dispatchInputs = wf.dispatchInputs
          ? resolveInputs(wf.dispatchInputs, isRec(payload.inputs) ? (payload.inputs as Record<string, Value>) : {}, { github }, wf.file, (m) => printer.note(`warning: ${m}`))
          : {};
        const result = await runWorkflow(wf, {
          repoDir: cwd, github, secrets: Object.fromEntries(secrets), vars: Object.fromEntries(vars), cliEnv: Object.fromEntries(cliEnv),
          matrixFilters, hostEnv, runDir, runId, stores,
          actionsBaseUrl: o.actionsUrl ?? process.env.FERRY_ACTIONS_URL ?? "https://github.com",
          actionsCacheDir: join(dataHome, "actions"), masker, sink: (e) => printer.event(e),
          prepareWorkspace: (key) => {
            const w = warm;
            warm = undefined;
            return w ?? makeWorkspace(key);
          },
          limit: createSemaphore(parallel), signal: abort.signal, concurrency: groups,
        }, { inputs: dispatchInputs, secrets: Object.fromEntries(secrets), onlyJobs: new Set(o.job) });
        printer.summary(wf.name ?? wf.file, result.result, result.jobs, Date.now() - t0);
        if (result.result !== "success") exit = 1;
      }
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    if (abort.signal.aborted) exit = 1;
    return exit;
  }
}
