#!/usr/bin/env node
// Lead time of the quickstart, against a real `ferry up --demo` (server, runner and agent in one process):
// from `git commit` in the app repository to staging serving the new version (its Service Healthy behind
// the stage's port), split into the time CI takes and Ferry's own time.
//
//   npm run build && node bench/lead-time.mjs [--runs 5]
//
// Each run changes message.txt and commits. The clock stops when staging's port answers with the new
// version, which needs: the commit seen (the Repository is polled every second), a run queued and
// claimed, the workflow (checkout, `node --test`, package, ferry/publish), freight made from the pushed
// artifact, dev's promotion (clone, yaml-update, commit, push, wait for the agent to sync and the new
// replica to be healthy) and verification, then the same for staging.
//   CI time      = the job's own time on the runner (claimed to completed): what the workflow's steps take.
//   Ferry's time = the rest. Target: under 5 s. Its parts are printed too (medians).
//
// Prints figures only; removes everything it created.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ferryBin = join(root, "bin/ferry.js");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg("--runs", 5);
const gitEnv = {
  GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@example.com",
  GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@example.com",
};
const scratch = mkdtempSync(join(tmpdir(), "ferry-bench-lead-time-"));
const fetch = globalThis.fetch;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const at = (iso) => Date.parse(iso);

async function until(check, ms, why) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > deadline) throw new Error(why());
    await sleep(10);
  }
}

const up = spawn(process.execPath, [ferryBin, "up", "--demo", "--port", "0", "--data-dir", join(scratch, "data")], {
  cwd: scratch, env: { ...process.env, ...gitEnv, FERRY_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "pipe"],
});
let output = "";
up.stdout.on("data", (d) => { output += d; });
up.stderr.on("data", (d) => { output += d; });

function cleanup() {
  up.kill("SIGKILL");
  // Replicas the agent started outlive it by design; they run below the data directory.
  for (const pid of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`).startsWith(scratch)) process.kill(Number(pid), "SIGKILL");
    } catch { /* gone */ }
  }
  rmSync(scratch, { recursive: true, force: true });
}

try {
  const url = await until(async () => /Ferry is up at (\S+)/.exec(output)?.[1], 30_000, () => `ferry up did not start:\n${output}`);
  const dataDir = join(scratch, "data");
  const stateFile = join(dataDir, "demo", "quickstart.json");
  const state = await until(async () => existsSync(stateFile) && JSON.parse(readFileSync(stateFile, "utf8")), 60_000, () => `not seeded:\n${output}`);
  const token = readFileSync(join(dataDir, "admin.token"), "utf8").trim();
  const api = async (path) => {
    const res = await fetch(new URL(path, url), { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return res.json();
  };
  const staging = () => fetch(`http://127.0.0.1:${state.ports.staging}/`).then((r) => (r.ok ? r.text() : ""));
  // Warm-up: the first version, dispatched by the seed, reaches staging.
  await until(async () => (await staging()).includes("version 0.1.1"), 180_000, () => "the first version never reached staging");

  const totals = [];
  const ci = [];
  const parts = { detect: [], queue: [], freight: [], dev: [], staging: [] };
  for (let i = 0; i < runs; i++) {
    const version = `0.1.${i + 2}`;
    writeFileSync(join(state.appRepo, "message.txt"), `Hello, run ${i + 1}!\n`);
    execFileSync("git", ["commit", "-q", "-am", `bench ${i + 1}`], { cwd: state.appRepo, env: { ...process.env, ...gitEnv } });
    const t0 = Date.now();
    await until(async () => (await staging()).includes(`version ${version}`), 120_000, () => `${version} never reached staging`);
    const total = Date.now() - t0;

    const run = (await api("/api/v1/runs?limit=1")).items[0];
    const detail = await api(`/api/v1/runs/${run.id}`);
    const job = detail.jobs[0];
    const freight = (await api("/api/v1/freight")).items.find((f) => f.data.artifacts[0]?.tag === version);
    const promotions = (await api("/api/v1/promotions")).items.filter((p) => p.freight === freight.name);
    const stg = promotions.find((p) => p.stage === "staging");
    const ciTime = at(job.completedAt) - at(job.startedAt);
    totals.push(total);
    ci.push(ciTime);
    parts.detect.push(at(detail.createdAt) - t0);
    parts.queue.push(at(job.startedAt) - at(detail.createdAt));
    parts.freight.push(at(freight.createdAt) - at(job.completedAt));
    parts.dev.push(at(stg.startedAt) - at(freight.createdAt));
    parts.staging.push(t0 + total - at(stg.startedAt));
    console.log(`run ${i + 1}: ${version} in staging after ${fmt(total)} (CI ${fmt(ciTime)}, Ferry ${fmt(total - ciTime)})`);
  }
  const own = totals.map((t, i) => t - ci[i]);
  console.log(`\ncommit -> staging serving the new version, ${runs} commits (medians):`);
  console.log(`  lead time       ${fmt(median(totals))}`);
  console.log(`  CI (the job)    ${fmt(median(ci))}`);
  console.log(`  Ferry's own     ${fmt(median(own))}   (target < 5 s; max ${fmt(Math.max(...own))})`);
  console.log(`    commit seen (1 s polling) ${fmt(median(parts.detect))}, queued to claimed ${fmt(median(parts.queue))},`);
  console.log(`    job end to freight ${fmt(median(parts.freight))} (negative: freight made while the job still ran),`);
  console.log(`    freight to staging's promotion start (dev promoted, synced, healthy, verified) ${fmt(median(parts.dev))},`);
  console.log(`    staging's promotion start to staging serving it ${fmt(median(parts.staging))}`);
} finally {
  cleanup();
}
