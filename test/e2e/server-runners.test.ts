import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FERRY, GIT_ENV, alive, git, makeRepo } from "./helpers.js";
import { api, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";

// `ferry server` and separate `ferry runner` processes, all real, talking HTTP.

type Job = { id: number; name: string; status: string; conclusion: string | null; reason: string | null; runner: string | null };
type Run = { id: number; status: string; conclusion: string | null; sha: string; jobs: Job[] };
type Runner = { name: string; proc: ChildProcess; output(): string; stop(): Promise<void> };

let up: Up;
let scratch: string;
const runners: Runner[] = [];
const cleanups: Array<() => void> = [];

/** Starts `ferry runner` as its own process, with its own work dir, capacity 1. */
function startRunner(name: string, labels?: string): Runner {
  const workDir = join(scratch, `work-${name}`);
  const proc = spawn(process.execPath, [
    FERRY, "runner", "--server", up.url, "--token", up.runnerToken, "--name", name, "--capacity", "1", "--work-dir", workDir,
    ...(labels ? ["--labels", labels] : []),
  ], {
    env: { ...process.env, ...GIT_ENV, FERRY_LOG_LEVEL: "warn", MARK_DIR: join(scratch, "marks"), PID_DIR: join(scratch, "pids") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout?.on("data", (d: Buffer) => { out += d.toString(); });
  proc.stderr?.on("data", (d: Buffer) => { out += d.toString(); });
  const r: Runner = {
    name, proc, output: () => out,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((res) => proc.once("exit", res));
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
  runners.push(r);
  return r;
}

async function runnersOnline(): Promise<number> {
  const text = await (await fetch(`${up.url}/metrics`)).text();
  return Number(/^ferry_runners_online (\d+)/m.exec(text)?.[1] ?? 0);
}

/** A watched repository whose next commit adds `workflow`; returns the commit. */
async function pushWorkflow(name: string, workflow: string): Promise<string> {
  const repo = makeRepo({ "README.md": `${name}\n` });
  cleanups.push(repo.cleanup);
  const yaml = `apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: ${name}\nspec:\n  url: ${repo.dir}\n  pollInterval: 1s\n`;
  expect((await api(up, "POST", "/api/v1/apply", { documents: [{ file: `${name}.yaml`, text: yaml }] })).status).toBe(200);
  await waitFor(async () => (await api<{ status?: { ready?: boolean } }>(up, "GET", `/api/v1/resources/repository/${name}`)).body.status?.ready, 15_000, () => `repository ${name} never became ready`);
  mkdirSync(join(repo.dir, ".github/workflows"), { recursive: true });
  writeFileSync(join(repo.dir, ".github/workflows/ci.yml"), workflow);
  git(repo.dir, "add", "-A");
  git(repo.dir, "commit", "-q", "-m", "add ci");
  return git(repo.dir, "rev-parse", "HEAD").trim();
}

async function runIdFor(repo: string, sha: string): Promise<number> {
  return waitFor(async () => (await api<{ items: Array<{ id: number; sha: string }> }>(up, "GET", `/api/v1/runs?repository=${repo}`)).body.items.find((r) => r.sha === sha)?.id,
    20_000, () => `no run for ${repo}@${sha}`);
}

async function getRun(id: number): Promise<Run> {
  return (await api<Run>(up, "GET", `/api/v1/runs/${id}`)).body;
}

async function completedRun(id: number, ms: number): Promise<Run> {
  return waitFor(async () => {
    const r = await getRun(id);
    return r.status === "completed" ? r : undefined;
  }, ms, () => `run ${id} did not complete in ${ms} ms\n${runners.map((r) => `--- runner ${r.name}\n${r.output()}`).join("\n")}\n--- server\n${up.output()}`);
}

async function logRecords(jobId: number): Promise<Array<{ type: string; index?: number; text?: string }>> {
  return (await api<{ records: Array<{ type: string; index?: number; text?: string }> }>(up, "GET", `/api/v1/jobs/${jobId}/logs`)).body.records;
}

const readPid = (file: string): number | undefined => (existsSync(file) ? Number(readFileSync(file, "utf8").trim()) || undefined : undefined);

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "ferry-runners-"));
  mkdirSync(join(scratch, "marks"));
  mkdirSync(join(scratch, "pids"));
  up = await startFerry("server", { FERRY_LEASE_MS: "1500", FERRY_LOG_LEVEL: "info" });
  startRunner("alpha");
  startRunner("beta");
  await waitFor(async () => (await runnersOnline()) >= 2, 20_000, () => `the runners did not connect\n${runners.map((r) => r.output()).join("\n")}`);
});

afterAll(async () => {
  // Anything a test left behind (the killed runner's step) is stopped here.
  for (const f of readdirSync(join(scratch, "pids"))) {
    const pid = readPid(join(scratch, "pids", f));
    if (pid && alive(pid)) process.kill(pid, "SIGKILL");
  }
  await Promise.all(runners.map((r) => r.stop()));
  await up.stop();
  removeDir(up.dataDir);
  removeDir(scratch);
  for (const c of cleanups) c();
});

describe("ferry server with separate ferry runner processes", () => {
  it("spreads a 6-job matrix over 2 runners of capacity 1; every job runs exactly once and the run succeeds", async () => {
    const sha = await pushWorkflow("fanout", `on: push
jobs:
  fan:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        n: [1, 2, 3, 4, 5, 6]
    steps:
      - run: |
          mktemp "$MARK_DIR/fan-\${{ matrix.n }}-XXXXXX" >/dev/null
          echo "fan \${{ matrix.n }} ran"
          sleep 1
`);
    const run = await completedRun(await runIdFor("fanout", sha), 60_000);
    expect(run.conclusion).toBe("success");
    expect(run.jobs).toHaveLength(6);
    for (const j of run.jobs) expect(j).toMatchObject({ status: "completed", conclusion: "success" });
    // Both runners took part (runner ids are "<name>-<random>").
    expect(new Set(run.jobs.map((j) => j.runner?.split("-")[0]))).toEqual(new Set(["alpha", "beta"]));
    // Each matrix entry's step ran exactly once: one marker file each, one start of step 1 in each log.
    const marks = readdirSync(join(scratch, "marks")).filter((f) => f.startsWith("fan-")).map((f) => f.split("-")[1]).sort();
    expect(marks).toEqual(["1", "2", "3", "4", "5", "6"]);
    for (const j of run.jobs) {
      const records = await logRecords(j.id);
      expect(records.filter((r) => r.type === "step-start" && r.index === 1)).toHaveLength(1);
      expect(records.some((r) => r.type === "line" && /^fan \d ran$/.test(r.text ?? ""))).toBe(true);
    }
  }, 120_000);

  it("cancels a running job: it ends cancelled within seconds and its sleep process is gone", async () => {
    const pidFile = join(scratch, "pids", "cancel-sleep.pid");
    const sha = await pushWorkflow("cancelme", `on: push
jobs:
  long:
    runs-on: ubuntu-latest
    steps:
      - run: |
          sleep 60 &
          echo $! > "$PID_DIR/cancel-sleep.pid"
          wait
`);
    const runId = await runIdFor("cancelme", sha);
    const pid = await waitFor(() => readPid(pidFile), 30_000, () => `the step never started\n${up.output()}`);
    expect(alive(pid)).toBe(true);
    const before = await getRun(runId);
    expect(before.jobs[0]?.status).toBe("in_progress");

    const r = await api<{ cancelled: boolean }>(up, "POST", `/api/v1/runs/${runId}/cancel`);
    expect(r).toEqual({ status: 200, body: { cancelled: true } });
    // A generous deadline, not a timing assertion: the test fails here instead of hanging.
    const run = await completedRun(runId, 20_000);
    expect(run.jobs).toHaveLength(1);
    expect(run.jobs[0]).toMatchObject({ status: "completed", conclusion: "cancelled" });
    expect(run.conclusion).toBe("cancelled");
    await waitFor(() => !alive(pid), 10_000, () => `the step's sleep (pid ${pid}) is still running`);
  }, 120_000);

  it("fails the job of a runner killed with SIGKILL once its lease expires, and completes the run as a failure", async () => {
    const pidFile = join(scratch, "pids", "victim-sleep.pid");
    const shellFile = join(scratch, "pids", "victim-shell.pid");
    const victim = startRunner("victim", "victim");
    const sha = await pushWorkflow("doomed", `on: push
jobs:
  doomed:
    runs-on: victim
    steps:
      - run: |
          echo $$ > "$PID_DIR/victim-shell.pid"
          sleep 30 &
          echo $! > "$PID_DIR/victim-sleep.pid"
          wait
  after:
    needs: doomed
    runs-on: ubuntu-latest
    steps:
      - run: echo "must not run"
`);
    const runId = await runIdFor("doomed", sha);
    await waitFor(() => readPid(pidFile) !== undefined && readPid(shellFile) !== undefined, 30_000, () => `the victim's step never started\n${victim.output()}`);
    const running = await getRun(runId);
    expect(running.jobs).toHaveLength(1);
    expect(running.jobs[0]).toMatchObject({ status: "in_progress" });
    const victimId = running.jobs[0]?.runner ?? "";
    expect(victimId).toMatch(/^victim-/);

    const exited = new Promise((r) => victim.proc.once("exit", r));
    victim.proc.kill("SIGKILL");
    await exited;

    const run = await completedRun(runId, 30_000);
    expect(run.conclusion).toBe("failure");
    const doomed = run.jobs.find((j) => j.name === "doomed");
    expect(doomed).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(doomed?.reason).toMatch(/stopped responding/);
    expect(doomed?.reason).toContain(victimId);
    expect(run.jobs.filter((j) => j.status !== "completed")).toEqual([]);
    expect(run.jobs.some((j) => j.name === "after" && j.conclusion === "success")).toBe(false);
    // Nothing of this run is left in progress on the server.
    const inProgress = await api<{ items: Array<{ id: number }> }>(up, "GET", "/api/v1/runs?status=in_progress");
    expect(inProgress.body.items.map((r) => r.id)).not.toContain(runId);
  }, 120_000);
});
