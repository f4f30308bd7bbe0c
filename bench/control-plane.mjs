#!/usr/bin/env node
// Control-plane figures, measured against real `ferry server` and `ferry runner` processes.
//
//   npm run build && node bench/control-plane.mjs [--runs 10] [--claimers 20]
//
// (a) Webhook to first step: a signed GitHub push webhook is delivered for a new commit and the
//     job's first `step-start` record is awaited in GET /api/v1/jobs/:id/logs (polled every 5 ms),
//     with one idle `ferry runner` waiting. Median and p90 over --runs deliveries (target < 100 ms).
// (b) Claims per second: a run with a 20x20 matrix (400 queued jobs) is drained by --claimers
//     concurrent HTTP loops that claim (POST /api/v1/runner/claim, waitMs 0) and complete each
//     job at once (POST /api/v1/runner/jobs/:id/complete).
//
// Prints figures only; everything it starts or creates is removed at the end.
import { spawn, execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { clearTimeout, setTimeout } from "node:timers";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ferry = join(root, "bin/ferry.js");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg("--runs", 10);
const claimers = arg("--claimers", 20);

const gitEnv = {
  GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@example.com",
  GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@example.com",
};
const scratch = mkdtempSync(join(tmpdir(), "ferry-bench-cp-"));
const dataDir = join(scratch, "data");
const children = [];
const fetch = globalThis.fetch;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const git = (cwd, ...args) => execFileSync("git", args, { cwd, env: { ...process.env, ...gitEnv }, encoding: "utf8" }).trim();

function start(args, env = {}) {
  const child = spawn(process.execPath, [ferry, ...args], { env: { ...process.env, ...gitEnv, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => { out += d.toString(); });
  child.stderr.on("data", (d) => { out += d.toString(); });
  const c = {
    child, output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    },
  };
  children.push(c);
  return c;
}

async function until(check, ms, why) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > deadline) throw new Error(why());
    await sleep(5);
  }
}

let url = "";
let adminToken = "";
let runnerToken = "";

async function api(method, path, body, token = adminToken) {
  const res = await fetch(`${url}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return json;
}

/** A Repository `name` over a new local repo, found only by webhooks (pollInterval 1h). */
async function webhookRepository(name, files) {
  const dir = join(scratch, name);
  mkdirSync(dir);
  git(dir, "init", "-q", "-b", "main");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "initial");
  const text = `apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: ${name}\nspec:\n  url: ${dir}\n  pollInterval: 1h\n  webhook:\n    secretRef: HOOK_SECRET\n    provider: github\n`;
  await api("POST", "/api/v1/apply", { documents: [{ file: `${name}.yaml`, text }] });
  await api("PUT", `/api/v1/repositories/${name}/secrets/HOOK_SECRET`, { value: "bench-secret" });
  await until(async () => (await api("GET", `/api/v1/resources/repository/${name}`)).status?.ready, 20_000, () => `repository ${name} never became ready`);
  return dir;
}

let delivery = 0;
async function deliverPush(name, sha) {
  const body = JSON.stringify({ ref: "refs/heads/main", before: "0".repeat(40), after: sha, repository: { full_name: `bench/${name}` }, pusher: { name: "bench" } });
  const res = await fetch(`${url}/webhooks/${name}`, {
    method: "POST",
    headers: {
      "content-type": "application/json", "x-github-event": "push", "x-github-delivery": `bench-${process.pid}-${++delivery}`,
      "x-hub-signature-256": `sha256=${createHmac("sha256", "bench-secret").update(body).digest("hex")}`,
    },
    body,
  });
  if (res.status !== 202) throw new Error(`webhook: HTTP ${res.status} ${await res.text()}`);
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
const p90 = (xs) => sorted(xs)[Math.max(0, Math.ceil(xs.length * 0.9) - 1)];

async function webhookToFirstStep(runner) {
  const dir = await webhookRepository("latency", { ".github/workflows/ci.yml": 'on: push\njobs:\n  first:\n    runs-on: ubuntu-latest\n    steps:\n      - run: "true"\n' });
  // The runner must be connected and idle (long-polling) before each delivery.
  await until(async () => /^ferry_runners_online [1-9]/m.test(await (await fetch(`${url}/metrics`)).text()), 20_000, () => `the runner did not connect\n${runner.output()}`);
  const total = [];
  const phases = { run: [], claim: [], step: [] };
  for (let i = 0; i < runs; i++) {
    writeFileSync(join(dir, "CHANGE"), `${i}\n`);
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", `change ${i}`);
    const sha = git(dir, "rev-parse", "HEAD");
    const t0 = Date.now();
    await deliverPush("latency", sha);
    const runId = await until(async () => (await api("GET", "/api/v1/runs?repository=latency&limit=1")).items.find((r) => r.sha === sha)?.id, 30_000, () => `no run for ${sha}`);
    const jobId = await until(async () => (await api("GET", `/api/v1/runs/${runId}`)).jobs[0]?.id, 30_000, () => `run ${runId} has no job`);
    const stepStart = await until(async () => (await api("GET", `/api/v1/jobs/${jobId}/logs`)).records.find((r) => r.type === "step-start"), 30_000, () => `job ${jobId} never started a step\n${runner.output()}`);
    const t1 = Date.now();
    total.push(t1 - t0);
    const run = await api("GET", `/api/v1/runs/${runId}`);
    phases.run.push(Date.parse(run.createdAt) - t0);
    phases.claim.push(Date.parse(run.jobs[0].startedAt) - t0);
    phases.step.push(Date.parse(stepStart.time) - t0);
    // Let the job finish so that the runner is idle again for the next delivery.
    await until(async () => (await api("GET", `/api/v1/runs/${runId}`)).status === "completed", 30_000, () => `run ${runId} did not complete`);
    await until(async () => /^ferry_jobs_in_progress 0/m.test(await (await fetch(`${url}/metrics`)).text()), 30_000, () => "the runner stayed busy");
  }
  console.log(`(a) webhook -> first step-start visible in the job log, ${runs} deliveries: median ${median(total)} ms, p90 ${p90(total)} ms   (target < 100 ms)`);
  console.log(`    medians after the delivery: run created ${median(phases.run)} ms, job claimed ${median(phases.claim)} ms, step started on the runner ${median(phases.step)} ms`);
}

async function claimsPerSecond() {
  const dir = await webhookRepository("claims", { "README.md": "claims\n" });
  mkdirSync(join(dir, ".github/workflows"), { recursive: true });
  writeFileSync(join(dir, ".github/workflows/matrix.yml"),
    `on: push\njobs:\n  m:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        a: [${Array.from({ length: 20 }, (_, i) => i).join(", ")}]\n        b: [${Array.from({ length: 20 }, (_, i) => i).join(", ")}]\n    steps:\n      - run: "true"\n`);
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "matrix");
  const sha = git(dir, "rev-parse", "HEAD");
  await deliverPush("claims", sha);
  const runId = await until(async () => (await api("GET", "/api/v1/runs?repository=claims&limit=1")).items.find((r) => r.sha === sha)?.id, 30_000, () => "no matrix run");
  const queued = await until(async () => {
    const jobs = (await api("GET", `/api/v1/runs/${runId}`)).jobs;
    return jobs.length === 400 && jobs.every((j) => j.status === "queued") ? jobs.length : undefined;
  }, 30_000, () => "the 400 jobs were not queued");

  let claimed = 0;
  const loop = async (i) => {
    for (;;) {
      const { job } = await api("POST", "/api/v1/runner/claim", { runnerId: `bench-claimer-${i}`, name: `bench-${i}`, labels: ["ubuntu-latest"], waitMs: 0 }, runnerToken);
      if (!job) return;
      claimed++;
      await api("POST", `/api/v1/runner/jobs/${job.id}/complete`, { leaseToken: job.leaseToken, conclusion: "success", outputs: {} }, runnerToken);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: claimers }, (_, i) => loop(i)));
  const seconds = (performance.now() - t0) / 1000;
  const run = await until(async () => {
    const r = await api("GET", `/api/v1/runs/${runId}`);
    return r.status === "completed" ? r : undefined;
  }, 30_000, () => "the matrix run did not complete");
  if (claimed !== queued) throw new Error(`claimed ${claimed} of ${queued} jobs`);
  console.log(`(b) claim + complete, ${claimers} concurrent HTTP claimers, ${claimed} queued jobs: ${(claimed / seconds).toFixed(0)} jobs/s (${(seconds * 1000).toFixed(0)} ms in all; run ${run.conclusion})`);
}

async function main() {
  const server = start(["server", "--port", "0", "--data-dir", dataDir], { FERRY_LOG_LEVEL: "info" });
  url = await until(() => /"url":"([^"]+)"/.exec(server.output())?.[1], 20_000, () => `ferry server did not start:\n${server.output()}`);
  adminToken = readFileSync(join(dataDir, "admin.token"), "utf8").trim();
  runnerToken = readFileSync(join(dataDir, "runner.token"), "utf8").trim();
  const runner = start(["runner", "--server", url, "--token", runnerToken, "--name", "bench", "--capacity", "1", "--work-dir", join(scratch, "runner")], { FERRY_LOG_LEVEL: "warn" });
  await webhookToFirstStep(runner);
  // (b) measures the server alone: the runner would take jobs from the claimers.
  await runner.stop();
  await claimsPerSecond();
}

const cleanup = async () => {
  await Promise.all(children.map((c) => c.stop()));
  rmSync(scratch, { recursive: true, force: true });
};
process.once("SIGINT", () => { void cleanup().then(() => process.exit(130)); });
try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await cleanup();
}
