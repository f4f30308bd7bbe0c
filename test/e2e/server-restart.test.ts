import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FERRY, GIT_ENV, git, makeRepo } from "./helpers.js";
import { api, removeDir, waitFor } from "./server-helpers.js";

// The crash test: `ferry server` is killed with SIGKILL while jobs are queued and one is running
// on a separate `ferry runner`, then started again on the same data dir and port.

type Job = { id: number; name: string; status: string; conclusion: string | null; reason: string | null; runner: string | null; startedAt: string | null };
type Run = { id: number; status: string; conclusion: string | null; sha: string; workflow: { file: string }; jobs: Job[] };
type Proc = { proc: ChildProcess; output(): string; stop(signal?: NodeJS.Signals): Promise<void> };

const procs: Proc[] = [];
const dirs: string[] = [];
const cleanups: Array<() => void> = [];

function track(proc: ChildProcess): Proc {
  let out = "";
  proc.stdout?.on("data", (d: Buffer) => { out += d.toString(); });
  proc.stderr?.on("data", (d: Buffer) => { out += d.toString(); });
  const p: Proc = {
    proc, output: () => out,
    async stop(signal = "SIGTERM") {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill(signal);
      const t = setTimeout(() => proc.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
  procs.push(p);
  return p;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const LEASE_MS = "3000";

/** `ferry server` on a fixed port; resolves once it answers health checks. */
async function startServer(dataDir: string, port: number): Promise<Proc> {
  const p = track(spawn(process.execPath, [FERRY, "server", "--port", String(port), "--data-dir", dataDir], {
    env: { ...process.env, ...GIT_ENV, FERRY_LOG_LEVEL: "warn", FERRY_LEASE_MS: LEASE_MS }, stdio: ["ignore", "pipe", "pipe"],
  }));
  await waitFor(async () => {
    if (p.proc.exitCode !== null) throw new Error(`ferry server exited ${p.proc.exitCode}:\n${p.output()}`);
    return (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok;
  }, 20_000, () => `ferry server did not start:\n${p.output()}`);
  return p;
}

function startRunner(url: string, token: string, workDir: string, marks: string): Proc {
  return track(spawn(process.execPath, [FERRY, "runner", "--server", url, "--token", token, "--name", "steady", "--capacity", "1", "--work-dir", workDir], {
    env: { ...process.env, ...GIT_ENV, FERRY_LOG_LEVEL: "warn", MARK_DIR: marks }, stdio: ["ignore", "pipe", "pipe"],
  }));
}

/** A job whose only step leaves one marker file per execution (and a line in the log). */
const job = (id: string, sleep: number, needs?: string): string => `  ${id}:
    runs-on: ubuntu-latest${needs ? `\n    needs: ${needs}` : ""}
    steps:
      - run: |
          mktemp "$MARK_DIR/${id}-XXXXXX" >/dev/null
          echo "${id} ran"${sleep ? `\n          sleep ${sleep}` : ""}
`;

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop("SIGKILL")));
  for (const d of dirs) removeDir(d);
  for (const c of cleanups) c();
});

describe("ferry server killed with SIGKILL and started again", () => {
  it("loses no queued job, runs none twice, lets the live runner finish its job and completes every run", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ferry-data-"));
    const scratch = mkdtempSync(join(tmpdir(), "ferry-restart-"));
    dirs.push(dataDir, scratch);
    const marks = join(scratch, "marks");
    mkdirSync(marks);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;

    let server = await startServer(dataDir, port);
    const up = { url, token: readFileSync(join(dataDir, "admin.token"), "utf8").trim() };
    const runner = startRunner(url, readFileSync(join(dataDir, "runner.token"), "utf8").trim(), join(scratch, "work"), marks);
    const diagnostics = (): string => `--- server\n${server.output()}\n--- runner\n${runner.output()}`;

    const repo = makeRepo({ "README.md": "crash\n" });
    cleanups.push(repo.cleanup);
    const yaml = `apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: crash\nspec:\n  url: ${repo.dir}\n  pollInterval: 1s\n`;
    expect((await api(up, "POST", "/api/v1/apply", { documents: [{ file: "crash.yaml", text: yaml }] })).status).toBe(200);
    await waitFor(async () => (await api<{ status?: { ready?: boolean } }>(up, "GET", "/api/v1/resources/repository/crash")).body.status?.ready, 15_000, () => `never ready\n${diagnostics()}`);
    mkdirSync(join(repo.dir, ".github/workflows"), { recursive: true });
    writeFileSync(join(repo.dir, ".github/workflows/a.yml"), `name: a\non: push\njobs:\n${job("a1", 2)}${job("a2", 2)}${job("a3", 0)}`);
    writeFileSync(join(repo.dir, ".github/workflows/b.yml"), `name: b\non: push\njobs:\n${job("b1", 2)}${job("b2", 0, "b1")}`);
    git(repo.dir, "add", "-A");
    git(repo.dir, "commit", "-q", "-m", "two workflows");
    const sha = git(repo.dir, "rev-parse", "HEAD").trim();

    const runsOfCommit = async (): Promise<Run[]> => {
      const items = (await api<{ items: Array<{ id: number; sha: string }> }>(up, "GET", "/api/v1/runs?repository=crash")).body.items.filter((r) => r.sha === sha);
      return Promise.all(items.map(async (r) => (await api<Run>(up, "GET", `/api/v1/runs/${r.id}`)).body));
    };

    // Wait until one job's step is running on the runner while others wait in the queue.
    const survivor = await waitFor(async () => {
      const runs = await runsOfCommit();
      const jobs = runs.flatMap((r) => r.jobs);
      const running = jobs.filter((j) => j.status === "in_progress");
      if (runs.length !== 2 || running.length !== 1 || jobs.filter((j) => j.status === "queued").length < 2) return undefined;
      const r = running[0];
      // Its step has started: the marker file exists.
      return r && readdirSync(marks).some((f) => f.startsWith(`${r.name}-`)) ? r : undefined;
    }, 30_000, () => `never had one job running and others queued\n${diagnostics()}`);
    expect(["a1", "a2", "b1"]).toContain(survivor.name);

    const exited = new Promise((r) => server.proc.once("exit", r));
    server.proc.kill("SIGKILL");
    await exited;
    server = await startServer(dataDir, port);

    const runs = await waitFor(async () => {
      const rs = await runsOfCommit();
      return rs.length === 2 && rs.every((r) => r.status === "completed") ? rs : undefined;
    }, 90_000, () => `the runs did not all complete after the restart\n${diagnostics()}`);

    // Every run completed successfully, with every job completed once.
    expect(runs.map((r) => [r.workflow.file, r.conclusion]).sort()).toEqual([[".github/workflows/a.yml", "success"], [".github/workflows/b.yml", "success"]]);
    const jobs = runs.flatMap((r) => r.jobs);
    expect(jobs.map((j) => j.name).sort()).toEqual(["a1", "a2", "a3", "b1", "b2"]);
    for (const j of jobs) expect(j, j.name).toMatchObject({ status: "completed", conclusion: "success" });
    // Each job's step ran exactly once: one marker per job, one start of its first step in its log.
    expect(readdirSync(marks).map((f) => f.split("-")[0]).sort()).toEqual(["a1", "a2", "a3", "b1", "b2"]);
    for (const j of jobs) {
      const records = (await api<{ records: Array<{ type: string; index?: number; text?: string }> }>(up, "GET", `/api/v1/jobs/${j.id}/logs`)).body.records;
      expect(records.filter((r) => r.type === "step-start" && r.index === 1), `step-start records of ${j.name}`).toHaveLength(1);
      expect(records.filter((r) => r.type === "line" && r.text === `${j.name} ran`), `log of ${j.name}`).toHaveLength(1);
    }
    // The job that was running during the crash was finished by the same runner, under the same lease.
    const after = jobs.find((j) => j.id === survivor.id);
    expect(after).toMatchObject({ name: survivor.name, status: "completed", conclusion: "success", runner: survivor.runner, startedAt: survivor.startedAt });
    expect(after?.reason ?? null).toBeNull();
    // Nothing is left queued or in progress.
    for (const status of ["queued", "in_progress"]) {
      expect((await api<{ items: unknown[] }>(up, "GET", `/api/v1/runs?status=${status}`)).body.items, status).toEqual([]);
    }
    await runner.stop();
    await server.stop();
  }, 180_000);
});
