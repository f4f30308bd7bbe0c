#!/usr/bin/env node
// Dashboard at scale: how long until the runs page and the Applications page show their first rows,
// in Debian's chromium (or FERRY_CHROMIUM), against a real `ferry server` whose store holds
// --runs workflow runs (default 10,000) and --apps Applications (default 1,000) over 10 environments.
//
//   npm run build && node bench/dashboard.mjs [--runs 10000] [--apps 1000] [--repeat 5]
//
// The store is seeded straight through SQLite (the server's own schema, created by starting it once),
// then the server is started again on it. Each page is loaded --repeat times in a fresh tab, signed in,
// from navigation to the first row on screen; the first load (cold) is reported apart from the median
// of the rest. For reference, the time of the API call each page makes is measured with fetch alone.
// Prints figures only; everything it starts or creates is removed at the end.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout } from "node:timers";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ferry = join(root, "bin/ferry.js");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg("--runs", 10_000);
const APPS = arg("--apps", 1_000);
const REPEAT = Math.max(2, arg("--repeat", 5));
const scratch = mkdtempSync(join(tmpdir(), "ferry-bench-dash-"));
const dataDir = join(scratch, "data");
const fetch = globalThis.fetch;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;

/** Starts `ferry server` on the data dir; resolves with its URL and a stop function. */
async function startServer() {
  const child = spawn(process.execPath, [ferry, "server", "--port", "0", "--data-dir", dataDir], { env: { ...process.env, FERRY_LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => { out += d; });
  child.stderr.on("data", (d) => { out += d; });
  const deadline = Date.now() + 30_000;
  let url;
  while (!(url = /"url":"([^"]+)"|listening on (\S+)|up at (\S+)/.exec(out)?.slice(1).find(Boolean))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`ferry server did not start:\n${out}`);
    await sleep(50);
  }
  return {
    url,
    stop: () => new Promise((done) => {
      if (child.exitCode !== null) return done();
      child.once("exit", done);
      child.kill("SIGTERM");
    }),
  };
}

function seed() {
  const db = new Database(join(dataDir, "ferry.db"));
  db.pragma("journal_mode = WAL");
  const now = Date.now();
  const iso = (t) => new Date(t).toISOString();
  const addRun = db.prepare(`INSERT INTO runs (repo, run_number, workflow_file, workflow_name, workflow_text, event, ref, sha, actor, status, conclusion,
    payload, inputs, created_at, started_at, completed_at) VALUES (?, ?, '.github/workflows/ci.yml', 'CI', 'on: push', ?, ?, ?, 'bench', 'completed', ?, '{}', '{}', ?, ?, ?)`);
  const addApp = db.prepare(`INSERT INTO resources (kind, name, metadata, spec, status, generation, created_at, updated_at)
    VALUES ('Application', ?, '{}', ?, ?, 1, ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < RUNS; i++) {
      const t = now - (RUNS - i) * 60_000;
      const sha = (i * 2654435761 >>> 0).toString(16).padStart(8, "0").repeat(5);
      addRun.run(`repo-${i % 20}`, Math.floor(i / 20) + 1, i % 7 === 0 ? "pull_request" : "push", `refs/heads/${i % 5 === 0 ? "main" : `feature-${i % 13}`}`, sha,
        i % 11 === 0 ? "failure" : "success", iso(t), iso(t + 1000), iso(t + 1000 + (i % 90) * 1000));
    }
    for (let i = 0; i < APPS; i++) {
      const name = `app-${String(i).padStart(4, "0")}`;
      const spec = { source: { repoURL: "https://example.com/config.git", path: `apps/${name}`, revision: "main" }, destination: { agent: `env-${i % 10}`, runtime: "process" }, syncPolicy: { automated: true } };
      const status = { sync: { status: i % 17 === 0 ? "OutOfSync" : "Synced", revision: "abc", appliedRevision: "abc" }, health: { status: i % 23 === 0 ? "Degraded" : "Healthy", message: "" }, services: [{ name: "web", health: "Healthy", replicas: [{}, {}] }], reportedAt: iso(now) };
      addApp.run(name, JSON.stringify(spec), JSON.stringify(status), iso(now), iso(now));
    }
  })();
  db.close();
}

const children = [];
let browser;
try {
  // Once to create the schema and the admin token, then seeded while stopped.
  const first = await startServer();
  await first.stop();
  const t0 = performance.now();
  seed();
  console.log(`seeded ${RUNS} runs and ${APPS} Applications in ${ms(performance.now() - t0)}`);
  const server = await startServer();
  children.push(server);
  const token = readFileSync(join(dataDir, "admin.token"), "utf8").trim();
  const headers = { authorization: `Bearer ${token}` };

  const apiTime = async (path) => {
    const times = [];
    for (let i = 0; i < REPEAT; i++) {
      const s = performance.now();
      const res = await fetch(`${server.url}${path}`, { headers });
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      await res.json();
      times.push(performance.now() - s);
    }
    return median(times.slice(1));
  };

  browser = await chromium.launch({ executablePath: process.env.FERRY_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const warm = await context.newPage();
  await warm.goto(server.url);
  await warm.evaluate((t) => globalThis.localStorage.setItem("ferry.token", t), token);

  /** From navigation to `firstRow` on screen, in a fresh tab each time. */
  const pageTime = async (path, firstRow) => {
    const times = [];
    for (let i = 0; i < REPEAT; i++) {
      const page = await context.newPage();
      const s = performance.now();
      await page.goto(`${server.url}${path}`, { waitUntil: "commit" });
      await page.waitForFunction((text) => globalThis.document.body.innerText.includes(text), firstRow, { timeout: 30_000, polling: "raf" });
      times.push(performance.now() - s);
      await page.close();
    }
    return { cold: times[0], warm: median(times.slice(1)) };
  };

  const newestRun = `CI #${Math.floor((RUNS - 1) / 20) + 1}`;
  const runsPage = await pageTime("/runs", newestRun);
  const runsApi = await apiTime("/api/v1/runs?limit=50");
  const appsPage = await pageTime("/applications", "app-0000");
  const appsApi = await apiTime("/api/v1/applications?limit=100");
  console.log(`runs page (${RUNS} runs):         first row after ${ms(runsPage.warm)} (cold ${ms(runsPage.cold)}); its API call alone ${ms(runsApi)}`);
  console.log(`applications page (${APPS} apps): first row after ${ms(appsPage.warm)} (cold ${ms(appsPage.cold)}); its API call alone ${ms(appsApi)}`);
  console.log(`target: under 1000 ms each; ratio page/API: runs ${(runsPage.warm / runsApi).toFixed(1)}x, applications ${(appsPage.warm / appsApi).toFixed(1)}x`);
} finally {
  await browser?.close();
  for (const c of children) await c.stop();
  rmSync(scratch, { recursive: true, force: true });
}
