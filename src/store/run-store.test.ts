import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./open-store.js";
import {
  claimJob, completeJob, createRun, expireLeases, extendAllLeases, getJob, getRun, LeaseLostError, renewLease, requestCancel, type JobRow,
} from "./run-store.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const LEASE_MS = 30_000;

const payload = {
  runId: 0, jobId: "build", name: "build", steps: [{ run: "true" }], defaults: {}, workflowEnv: null, jobEnv: null,
  timeoutMinutes: 360, continueOnError: false,
  contexts: { github: {}, vars: {}, needs: {}, matrix: null, strategy: {}, inputs: {} }, secretNames: [],
};

function newRun(store: Store, jobIds: string[] = ["build"]): number {
  return createRun(store, {
    repo: "acme", workflowFile: ".github/workflows/ci.yml", workflowName: "ci", workflowText: "on: push\n", event: "push",
    ref: "refs/heads/main", sha: "a".repeat(40), actor: "dev", payload: {}, inputs: {}, jobIds,
  });
}

/** Queues one job instance the way the scheduler's "expand" action does. */
function queueJob(store: Store, runId: number, labels: string[] = ["ubuntu-latest"], jobId = "build"): number {
  const now = new Date().toISOString();
  const info = store.sqlite.prepare("INSERT INTO jobs (run_id, job_id, name, status, labels, payload, created_at) VALUES (?, ?, ?, 'queued', ?, ?, ?)")
    .run(runId, jobId, jobId, JSON.stringify(labels), JSON.stringify({ ...payload, runId, jobId, name: jobId }), now);
  store.sqlite.prepare("UPDATE workflow_jobs SET status = 'running' WHERE run_id = ? AND job_id = ?").run(runId, jobId);
  return Number(info.lastInsertRowid);
}

function row(store: Store, id: number): JobRow {
  const j = store.sqlite.prepare("SELECT * FROM jobs WHERE id = ?").get(id) as JobRow | undefined;
  if (!j) throw new Error(`no job ${id}`);
  return j;
}

function leaseLost(f: () => unknown): LeaseLostError {
  try {
    f();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(LeaseLostError);
    expect((error as LeaseLostError).code).toBe("lease-lost");
    return error as LeaseLostError;
  }
  throw new Error("expected LeaseLostError, nothing was thrown");
}

const RUNNER = { id: "runner-1", labels: ["ubuntu-latest", "linux"] };

describe("run store: claims, leases, cancellation", () => {
  let dataDir: string;
  let store: Store;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "ferry-run-store-"));
    store = openStore(dataDir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe("claimJob", () => {
    it("gives one queued job to exactly one of 50 concurrent claimers, with a lease", async () => {
      const runId = newRun(store);
      const jobId = queueJob(store, runId);
      const claims = await Promise.all(Array.from({ length: 50 }, async (_, i) => {
        await Promise.resolve();
        return claimJob(store, { id: `runner-${i}`, labels: ["ubuntu-latest"] }, LEASE_MS);
      }));
      const won = claims.filter((c) => c !== undefined);
      expect(won).toHaveLength(1);
      const claim = won[0];
      if (!claim) throw new Error("unreachable");
      expect(claim.job.id).toBe(jobId);
      const j = row(store, jobId);
      expect(j).toMatchObject({ status: "in_progress", runner_id: claim.job.runner_id, lease_token: claim.leaseToken, lease_expires_at: claim.leaseExpiresAt });
      expect(claim.leaseExpiresAt).toBeGreaterThan(Date.now() + LEASE_MS - 5_000);
      expect((await getRun(store, runId))?.status).toBe("in_progress");
    });

    it("hands out the oldest job first and each job once", () => {
      const runId = newRun(store);
      const ids = [queueJob(store, runId), queueJob(store, runId), queueJob(store, runId)];
      const got = [1, 2, 3, 4].map((i) => claimJob(store, { id: `r${i}`, labels: ["ubuntu-latest"] }, LEASE_MS)?.job.id);
      expect(got).toEqual([...ids, undefined]);
    });

    it("gives a job only to a runner that has all its labels, ignoring case", () => {
      const runId = newRun(store);
      const gpu = queueJob(store, runId, ["gpu"]);
      expect(claimJob(store, { id: "cpu-only", labels: ["ubuntu-latest", "linux", "x64"] }, LEASE_MS)).toBeUndefined();
      expect(row(store, gpu).status).toBe("queued");
      expect(claimJob(store, { id: "gpu-box", labels: ["Linux", "GPU"] }, LEASE_MS)?.job.id).toBe(gpu);

      const mixed = queueJob(store, runId, ["Self-Hosted", "GPU"]);
      expect(claimJob(store, { id: "half", labels: ["self-hosted"] }, LEASE_MS)).toBeUndefined();
      expect(claimJob(store, { id: "both", labels: ["SELF-HOSTED", "gpu"] }, LEASE_MS)?.job.id).toBe(mixed);

      const any = queueJob(store, runId, []);
      expect(claimJob(store, { id: "bare", labels: [] }, LEASE_MS)?.job.id).toBe(any);
    });

    it("skips older jobs the runner cannot run, however many are queued", () => {
      const runId = newRun(store);
      for (let i = 0; i < 250; i++) queueJob(store, runId, ["gpu"]);
      const plain = queueJob(store, runId, ["ubuntu-latest"]);
      expect(claimJob(store, RUNNER, LEASE_MS)?.job.id).toBe(plain);
      expect((store.sqlite.prepare("SELECT COUNT(*) AS n FROM jobs WHERE status = 'queued'").get() as { n: number }).n).toBe(250);
    });
  });

  describe("claimJob from separate processes on the same database file", () => {
    let bundleDir: string;
    let claimer: string;

    beforeAll(async () => {
      // The real openStore and claimJob, bundled for plain Node (better-sqlite3 stays a native dependency).
      bundleDir = mkdtempSync(join(tmpdir(), "ferry-claimer-"));
      claimer = join(bundleDir, "claimer.cjs");
      await build({
        stdin: {
          resolveDir: HERE, sourcefile: "claimer.ts", loader: "ts",
          contents: `
            import { openStore } from "./open-store.js";
            import { claimJob } from "./run-store.js";
            import { createInterface } from "node:readline";
            const [dir, proc, mode, count] = process.argv.slice(2);
            const store = openStore(dir);
            const rl = createInterface({ input: process.stdin });
            process.stdout.write("ready\\n");
            rl.once("line", (line) => {
              // Everyone starts at the same instant, so that the claims really interleave.
              const at = Number(line);
              while (Date.now() < at) { /* spin */ }
              const claimed = [];
              const errors = [];
              const attempt = (runner) => {
                try {
                  const c = claimJob(store, { id: runner, labels: ["ubuntu-latest"] }, 30000);
                  if (c) claimed.push({ job: c.job.id, runner, token: c.leaseToken });
                  return c;
                } catch (e) {
                  errors.push(String(e && e.message || e));
                  return "error";
                }
              };
              if (mode === "single") {
                for (let i = 0; i < Number(count); i++) attempt(proc + "-runner-" + i);
              } else {
                // drain: claim until nothing is left (errors are recorded and retried).
                for (let i = 0; ; i++) {
                  const c = attempt(proc + "-runner-" + (i % 25));
                  if (c === undefined) break;
                  if (errors.length > 1000) break;
                }
              }
              process.stdout.write(JSON.stringify({ claimed, errors }) + "\\n");
              process.exit(0);
            });
          `,
        },
        outfile: claimer, bundle: true, platform: "node", format: "cjs", target: "node20", external: ["better-sqlite3"], logLevel: "error",
      });
    });
    afterAll(() => {
      rmSync(bundleDir, { recursive: true, force: true });
    });

    type Report = { claimed: Array<{ job: number; runner: string; token: string }>; errors: string[] };

    /** Starts `n` claimer processes, lets them all open the store, then has them all start claiming at the same instant. */
    async function race(n: number, mode: "single" | "drain", count = 25): Promise<Report[]> {
      const procs = Array.from({ length: n }, (_, i) => spawn(process.execPath, [claimer, dataDir, `p${i}`, mode, String(count)], {
        env: { ...process.env, NODE_PATH: join(ROOT, "node_modules") }, stdio: ["pipe", "pipe", "pipe"],
      }));
      const outputs = procs.map((p) => {
        let out = "";
        let err = "";
        p.stdout.on("data", (d: Buffer) => { out += d.toString(); });
        p.stderr.on("data", (d: Buffer) => { err += d.toString(); });
        const ready = new Promise<void>((ok, fail) => {
          const check = (): void => { if (out.startsWith("ready\n")) ok(); };
          p.stdout.on("data", check);
          p.once("exit", (code) => fail(new Error(`claimer exited ${code} before it was ready: ${err}`)));
        });
        const done = new Promise<Report>((ok, fail) => {
          p.once("exit", (code) => {
            if (code !== 0) fail(new Error(`claimer exited ${code}: ${err}`));
            else ok(JSON.parse(out.slice("ready\n".length)) as Report);
          });
        });
        done.catch(() => undefined);
        return { ready, done };
      });
      await Promise.all(outputs.map((o) => o.ready));
      const at = Date.now() + 200;
      for (const p of procs) p.stdin.end(`${at}\n`);
      return Promise.all(outputs.map((o) => o.done));
    }

    it("two processes with 25 claimers each: exactly one gets the only queued job", async () => {
      const runId = newRun(store);
      const jobId = queueJob(store, runId);
      const reports = await race(2, "single");
      expect(reports.flatMap((r) => r.errors)).toEqual([]);
      const claimed = reports.flatMap((r) => r.claimed);
      expect(claimed).toHaveLength(1);
      expect(claimed[0]?.job).toBe(jobId);
      expect(row(store, jobId)).toMatchObject({ status: "in_progress", runner_id: claimed[0]?.runner, lease_token: claimed[0]?.token });
    });

    it("two processes draining 1000 queued jobs at once claim every job exactly once, without errors", async () => {
      const runId = newRun(store);
      const ids = Array.from({ length: 1000 }, () => queueJob(store, runId));
      const reports = await race(2, "drain");
      expect(reports.flatMap((r) => r.errors)).toEqual([]);
      const claimed = reports.flatMap((r) => r.claimed);
      expect(claimed.map((c) => c.job).sort((a, b) => a - b)).toEqual(ids);
      for (const c of claimed) expect(row(store, c.job)).toMatchObject({ status: "in_progress", runner_id: c.runner, lease_token: c.token });
    });
  });

  describe("leases", () => {
    it("renews a lease only for its token; a wrong token, another job's token or an unknown job is refused", () => {
      const runId = newRun(store);
      const a = queueJob(store, runId);
      const b = queueJob(store, runId);
      const ca = claimJob(store, RUNNER, 1_000);
      const cb = claimJob(store, { ...RUNNER, id: "runner-2" }, 1_000);
      if (!ca || !cb) throw new Error("no claims");
      const r = renewLease(store, a, ca.leaseToken, 60_000);
      expect(r.cancel).toBe(false);
      expect(r.leaseExpiresAt).toBeGreaterThan(ca.leaseExpiresAt);
      expect(row(store, a).lease_expires_at).toBe(r.leaseExpiresAt);

      expect(leaseLost(() => renewLease(store, a, "0".repeat(32), 60_000)).message).toContain(`job ${a}`);
      leaseLost(() => renewLease(store, a, cb.leaseToken, 60_000));
      leaseLost(() => renewLease(store, b, ca.leaseToken, 60_000));
      leaseLost(() => renewLease(store, 99_999, ca.leaseToken, 60_000));
      expect(row(store, a).lease_expires_at).toBe(r.leaseExpiresAt);
    });

    it("records a result only from the lease holder; afterwards the token is dead", async () => {
      const runId = newRun(store);
      const id = queueJob(store, runId);
      const c = claimJob(store, RUNNER, LEASE_MS);
      if (!c) throw new Error("no claim");
      leaseLost(() => completeJob(store, id, "f".repeat(32), { conclusion: "success", outputs: {} }));
      expect(row(store, id).status).toBe("in_progress");

      const done = completeJob(store, id, c.leaseToken, { conclusion: "success", outputs: { v: "1" } });
      expect(done).toMatchObject({ id, status: "completed", conclusion: "success" });
      const j = await getJob(store, id);
      expect(j).toMatchObject({ status: "completed", conclusion: "success", outputs: JSON.stringify({ v: "1" }), lease_token: null });

      leaseLost(() => completeJob(store, id, c.leaseToken, { conclusion: "failure", outputs: {} }));
      leaseLost(() => renewLease(store, id, c.leaseToken, LEASE_MS));
      expect(row(store, id).conclusion).toBe("success");
    });

    it("expireLeases ends a job whose lease ran out with a reason naming its runner, and leaves the rest alone", () => {
      const runId = newRun(store);
      const lapsing = queueJob(store, runId);
      const healthy = queueJob(store, runId);
      const waiting = queueJob(store, runId);
      const c = claimJob(store, { id: "vanished-runner-7", labels: ["ubuntu-latest"] }, 1_000);
      const h = claimJob(store, RUNNER, 60_000);
      if (!c || !h) throw new Error("no claims");

      expect(expireLeases(store, c.leaseExpiresAt - 1)).toEqual([]);
      const lost = expireLeases(store, c.leaseExpiresAt + 1);
      expect(lost.map((j) => j.id)).toEqual([lapsing]);
      const j = row(store, lapsing);
      expect(j).toMatchObject({ status: "completed", conclusion: "failure", lease_token: null });
      expect(j.reason).toContain("vanished-runner-7");
      expect(j.reason).toMatch(/stopped responding/);
      expect(row(store, healthy)).toMatchObject({ status: "in_progress", lease_token: h.leaseToken });
      expect(row(store, waiting).status).toBe("queued");
      // Reaping twice ends nothing twice.
      expect(expireLeases(store, c.leaseExpiresAt + 1)).toEqual([]);
    });

    it("refuses a late result and a late heartbeat after the lease expired, keeping the failure", async () => {
      const runId = newRun(store);
      const id = queueJob(store, runId);
      const c = claimJob(store, RUNNER, 1);
      if (!c) throw new Error("no claim");
      await new Promise((r) => setTimeout(r, 20));
      expect(expireLeases(store).map((j) => j.id)).toEqual([id]);

      leaseLost(() => completeJob(store, id, c.leaseToken, { conclusion: "success", outputs: {} }));
      leaseLost(() => renewLease(store, id, c.leaseToken, LEASE_MS));
      expect(row(store, id)).toMatchObject({ status: "completed", conclusion: "failure" });
      expect(row(store, id).reason).toContain(RUNNER.id);
      // The ended job is not handed out again either.
      expect(claimJob(store, RUNNER, LEASE_MS)).toBeUndefined();
    });

    it("extendAllLeases gives running jobs a fresh window (after a restart) without shortening longer ones", () => {
      const runId = newRun(store);
      const short = queueJob(store, runId);
      const long = queueJob(store, runId);
      const cs = claimJob(store, RUNNER, 1);
      const cl = claimJob(store, RUNNER, 600_000);
      if (!cs || !cl) throw new Error("no claims");
      const until = Date.now() + 10_000;
      extendAllLeases(store, until);
      expect(row(store, short).lease_expires_at).toBe(until);
      expect(row(store, long).lease_expires_at).toBe(cl.leaseExpiresAt);
      expect(expireLeases(store, until - 1)).toEqual([]);
      expect(renewLease(store, short, cs.leaseToken, LEASE_MS).cancel).toBe(false);
    });
  });

  describe("requestCancel", () => {
    it("ends queued jobs at once and flags running ones, which learn it at their next heartbeat", async () => {
      const runId = newRun(store, ["build", "deploy"]);
      const running = queueJob(store, runId);
      const queued = queueJob(store, runId);
      const c = claimJob(store, RUNNER, LEASE_MS);
      if (!c || c.job.id !== running) throw new Error("unexpected claim");

      expect(requestCancel(store, runId)).toBe(true);
      expect(row(store, queued)).toMatchObject({ status: "completed", conclusion: "cancelled", reason: "The run was cancelled" });
      expect(row(store, running)).toMatchObject({ status: "in_progress", cancel_requested: 1, lease_token: c.leaseToken });
      expect(renewLease(store, running, c.leaseToken, LEASE_MS).cancel).toBe(true);
      const wjobs = store.sqlite.prepare("SELECT job_id, status, result FROM workflow_jobs WHERE run_id = ? ORDER BY job_id").all(runId);
      expect(wjobs).toEqual([{ job_id: "build", status: "running", result: null }, { job_id: "deploy", status: "completed", result: "cancelled" }]);
      expect((await getRun(store, runId))?.reason).toBe("cancelled");
      // A cancelled job is never claimed.
      expect(claimJob(store, RUNNER, LEASE_MS)).toBeUndefined();
      // The runner still reports how the job ended.
      expect(completeJob(store, running, c.leaseToken, { conclusion: "cancelled", outputs: {} }).conclusion).toBe("cancelled");
    });

    it("does nothing for a completed or unknown run", () => {
      const runId = newRun(store);
      store.sqlite.prepare("UPDATE runs SET status = 'completed', conclusion = 'success' WHERE id = ?").run(runId);
      expect(requestCancel(store, runId)).toBe(false);
      expect(requestCancel(store, 12_345)).toBe(false);
    });
  });
});
