import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FERRY, GIT_ENV, git, makeRepo } from "./helpers.js";
import { api, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";

// Job-level `concurrency:` across runs: `ferry server` and one `ferry runner` that could run
// several jobs at once, so that only the group keeps them apart. Each job waits for a gate file
// named after its commit message, which the test opens when it wants the job to finish.

type Job = { id: number; jobId: string; name: string; status: string; conclusion: string | null; reason: string | null; startedAt: string | null; completedAt: string | null };
type Run = { id: number; status: string; conclusion: string | null; sha: string; jobs: Job[] };

let up: Up;
let scratch: string;
let gates: string;
let runner: ChildProcess | undefined;
let runnerOut = "";
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "ferry-job-concurrency-"));
  gates = join(scratch, "gates");
  mkdirSync(gates);
  up = await startFerry("server", { FERRY_LOG_LEVEL: "info" });
  runner = spawn(process.execPath, [FERRY, "runner", "--server", up.url, "--token", up.runnerToken, "--name", "wide", "--capacity", "4", "--work-dir", join(scratch, "work")], {
    env: { ...process.env, ...GIT_ENV, FERRY_LOG_LEVEL: "warn", GATES: gates }, stdio: ["ignore", "pipe", "pipe"],
  });
  runner.stdout?.on("data", (d: Buffer) => { runnerOut += d.toString(); });
  runner.stderr?.on("data", (d: Buffer) => { runnerOut += d.toString(); });
});

afterAll(async () => {
  // Open every gate, so that nothing a test left waiting keeps running.
  for (const name of ["one", "two", "three", "a", "b"]) writeFileSync(join(gates, name), "");
  const proc = runner;
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    const t = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(t);
  }
  await up?.stop();
  if (up) removeDir(up.dataDir);
  removeDir(scratch);
  for (const c of cleanups) c();
});

const workflow = (cancelInProgress: boolean): string => [
  "on: push",
  "jobs:",
  "  lint:",
  "    runs-on: ubuntu-latest",
  "    steps:",
  "      - run: echo lint",
  "  deploy:",
  "    runs-on: ubuntu-latest",
  "    concurrency:",
  "      group: prod-${{ github.ref_name }}",
  `      cancel-in-progress: ${cancelInProgress}`,
  "    steps:",
  "      - run: |",
  "          while [ ! -f \"$GATES/${{ github.event.head_commit.message }}\" ]; do sleep 0.1; done",
  "          echo \"deployed ${{ github.event.head_commit.message }}\"",
  "",
].join("\n");

async function watch(name: string, files: Record<string, string>): Promise<string> {
  const repo = makeRepo(files);
  cleanups.push(repo.cleanup);
  const yaml = `apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: ${name}\nspec:\n  url: ${repo.dir}\n  pollInterval: 1s\n`;
  expect((await api(up, "POST", "/api/v1/apply", { documents: [{ file: `${name}.yaml`, text: yaml }] })).status).toBe(200);
  await waitFor(async () => (await api<{ status?: { ready?: boolean } }>(up, "GET", `/api/v1/resources/repository/${name}`)).body.status?.ready, 10_000, () => `repository ${name} never became ready`);
  return repo.dir;
}

function commit(dir: string, message: string): string {
  writeFileSync(join(dir, "CHANGES"), `${message}\n`);
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", message);
  return git(dir, "rev-parse", "HEAD").trim();
}

async function runOf(repo: string, sha: string): Promise<Run> {
  const id = await waitFor(async () => (await api<{ items: Array<{ id: number; sha: string }> }>(up, "GET", `/api/v1/runs?repository=${repo}`)).body.items.find((r) => r.sha === sha)?.id, 20_000, () => `no run for ${sha}`);
  return (await api<Run>(up, "GET", `/api/v1/runs/${id}`)).body;
}

/** Waits until the run's job `jobId` satisfies `check`. */
async function jobWhen(repo: string, sha: string, jobId: string, check: (j: Job) => boolean, what: string): Promise<Job> {
  return waitFor(async () => (await runOf(repo, sha)).jobs.find((j) => j.jobId === jobId && check(j)), 30_000, () => `${jobId} of ${sha.slice(0, 7)} never ${what}\n${runnerOut}\n${up.output()}`);
}

async function finished(repo: string, sha: string): Promise<Run> {
  return waitFor(async () => {
    const r = await runOf(repo, sha);
    return r.status === "completed" ? r : undefined;
  }, 30_000, () => `the run of ${sha.slice(0, 7)} did not complete\n${runnerOut}`);
}

describe("job-level concurrency across runs", () => {
  it("runs one job of a group at a time; a newer waiting job replaces an older one, which is cancelled", async () => {
    const dir = await watch("queued-deploys", { ".github/workflows/deploy.yml": workflow(false) });
    const one = commit(dir, "one");
    await jobWhen("queued-deploys", one, "deploy", (j) => j.status === "in_progress", "started");

    const two = commit(dir, "two");
    const waiting = await jobWhen("queued-deploys", two, "deploy", (j) => j.status === "waiting", "waited");
    expect(waiting.reason).toContain("prod-main");
    // Jobs outside the group are not held back.
    await jobWhen("queued-deploys", two, "lint", (j) => j.conclusion === "success", "linted");

    const three = commit(dir, "three");
    writeFileSync(join(gates, "three"), "");
    await jobWhen("queued-deploys", three, "deploy", (j) => j.status === "waiting", "waited");
    const replaced = await finished("queued-deploys", two);
    expect(replaced.conclusion).toBe("cancelled");
    expect(replaced.jobs.find((j) => j.jobId === "deploy")).toMatchObject({ conclusion: "cancelled", startedAt: null });
    expect(replaced.jobs.find((j) => j.jobId === "deploy")?.reason).toContain("higher priority waiting request for 'prod-main'");
    // The running one is left alone; the newest waits for it.
    expect((await runOf("queued-deploys", one)).jobs.find((j) => j.jobId === "deploy")?.status).toBe("in_progress");

    writeFileSync(join(gates, "one"), "");
    const first = await finished("queued-deploys", one);
    const last = await finished("queued-deploys", three);
    expect(first.conclusion).toBe("success");
    expect(last.conclusion).toBe("success");
    const firstDeploy = first.jobs.find((j) => j.jobId === "deploy");
    const lastDeploy = last.jobs.find((j) => j.jobId === "deploy");
    // One at a time: the newest started only after the running one had finished.
    expect(Date.parse(lastDeploy?.startedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(firstDeploy?.completedAt ?? ""));
  }, 120_000);

  it("with cancel-in-progress, a newer job cancels the running one of its group and runs", async () => {
    const dir = await watch("urgent-deploys", { ".github/workflows/deploy.yml": workflow(true) });
    const a = commit(dir, "a");
    await jobWhen("urgent-deploys", a, "deploy", (j) => j.status === "in_progress", "started");
    writeFileSync(join(gates, "b"), "");
    const b = commit(dir, "b");
    const cancelled = await finished("urgent-deploys", a);
    expect(cancelled.conclusion).toBe("cancelled");
    expect(cancelled.jobs.find((j) => j.jobId === "deploy")?.conclusion).toBe("cancelled");
    expect(cancelled.jobs.find((j) => j.jobId === "lint")?.conclusion).toBe("success");
    const newer = await finished("urgent-deploys", b);
    expect(newer.conclusion).toBe("success");
  }, 120_000);
});
