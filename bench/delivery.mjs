#!/usr/bin/env node
// GitOps delivery figures, against a real `ferry up` (server, runner and agent in one process) and a real
// agent at scale.
//
//   npm run build && node bench/delivery.mjs [--runs 5] [--apps 100] [--services 10] [--converge-only | --scale-only]
//
// (a) Commit to converged: a config commit changes a Service's artifact version; a signed GitHub push
//     webhook tells the server at once; the clock stops when the Service's port (the agent's proxy)
//     answers with the new version, which happens only once a new replica is healthy. The app's own
//     start time (spawn of `node server.js` to its first answer, measured alone) is subtracted.
//     Target: under 1 s.
// (b) Drift to healed: a replica is killed with SIGKILL; the clock stops when a replacement process
//     runs (found in /proc), and again when the status API reports both replicas healthy.
// (c) Scale: one agent (in this process, bundled from src/ with esbuild, Applications from a file) with
//     --apps Applications of --services Services each (1 replica of `sleep`, no ports): CPU time of this
//     process for one steady-state refresh pass over every Application (fetch, render, resolve, diff;
//     nothing to change), and the process's resident memory. Targets: under 200 ms, under 300 MB. Also the
//     CPU the agent spends per second between passes (drift checks twice a second, exit polling).
//
// Prints figures only; removes everything it created (Applications are deleted so their replicas stop).
import { execFileSync, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ferryBin = join(root, "bin/ferry.js");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg("--runs", 5);
const appCount = arg("--apps", 100);
const serviceCount = arg("--services", 10);
const gitEnv = {
  GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@example.com",
  GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@example.com",
};
const scratch = mkdtempSync(join(tmpdir(), "ferry-bench-delivery-"));
const children = [];
const fetch = globalThis.fetch;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const git = (cwd, ...args) => execFileSync("git", args, { cwd, env: { ...process.env, ...gitEnv }, encoding: "utf8" }).trim();
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(0)} ms`;

async function until(check, ms, why) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > deadline) throw new Error(why());
    await sleep(2);
  }
}

function freePort() {
  return new Promise((r) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => r(p));
    });
  });
}

const APP = `const http = require("node:http");
const version = require("node:fs").readFileSync(__dirname + "/VERSION", "utf8").trim();
http.createServer((req, res) => res.end(req.url === "/healthz" ? "ok" : "version " + version)).listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
`;

let up;
let url = "";
let token = "";
async function api(method, path, body) {
  const res = await fetch(`${url}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}
const get = (port) => fetch(`http://127.0.0.1:${port}/`).then((r) => r.text(), () => "");

function ferry(args) {
  execFileSync(process.execPath, [ferryBin, ...args, "--server", url, "--token", token], { stdio: "ignore" });
}

function publish(version) {
  const dir = join(scratch, `app-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "server.js"), APP);
  writeFileSync(join(dir, "VERSION"), version);
  ferry(["artifact", "push", `bench/web:${version}`, "server.js", "VERSION", "-C", dir]);
  return dir;
}

/** Spawn to first answer of the app alone: what converging costs at least. */
async function appStartTime(dir) {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const port = await freePort();
    const t0 = performance.now();
    const child = spawn(process.execPath, ["server.js"], { cwd: dir, env: { ...process.env, PORT: String(port) }, stdio: "ignore" });
    await until(async () => (await get(port)).startsWith("version"), 10_000, () => "app did not start");
    times.push(performance.now() - t0);
    child.kill("SIGKILL");
  }
  return median(times);
}

let delivery = 0;
async function webhook(sha) {
  const body = JSON.stringify({ ref: "refs/heads/main", before: "0".repeat(40), after: sha, repository: { full_name: "bench/config" }, pusher: { name: "bench" } });
  const res = await fetch(`${url}/webhooks/config`, {
    method: "POST", body,
    headers: {
      "content-type": "application/json", "x-github-event": "push", "x-github-delivery": `bench-${process.pid}-${++delivery}`,
      "x-hub-signature-256": `sha256=${createHmac("sha256", "bench-secret").update(body).digest("hex")}`,
    },
  });
  if (res.status !== 202) throw new Error(`webhook: HTTP ${res.status}`);
}

function replicaPids() {
  const pids = [];
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, "utf8").includes("server.js") && readlinkSync(`/proc/${p}/cwd`).includes(join(up.dataDir, "agent"))) pids.push(Number(p));
    } catch { /* gone */ }
  }
  return pids;
}

async function partA() {
  const dataDir = join(scratch, "up");
  const child = spawn(process.execPath, [ferryBin, "up", "--port", "0", "--data-dir", dataDir], { env: { ...process.env, ...gitEnv, FERRY_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  child.stdout.on("data", (d) => { out += d; });
  child.stderr.on("data", (d) => { out += d; });
  up = { child, dataDir };
  url = await until(() => /Ferry is up at (\S+)/.exec(out)?.[1], 20_000, () => out);
  token = readFileSync(join(dataDir, "admin.token"), "utf8").trim();
  const host = new URL(url).host;
  const v1 = publish("1");
  for (let i = 2; i <= runs + 1; i++) publish(String(i));
  const startMs = await appStartTime(v1);

  const config = join(scratch, "config");
  mkdirSync(join(config, "web"), { recursive: true });
  const port = await freePort();
  const serviceYaml = (v) => `apiVersion: ferry/v1alpha1\nkind: Service\nmetadata: { name: web }\nspec:\n  artifact: ${host}/bench/web:${v}\n  command: [node, server.js]\n  replicas: 2\n  ports: [{ port: ${port} }]\n  health: { http: { path: /healthz }, period: 100ms }\n`;
  git(scratch, "init", "-q", "-b", "main", config);
  writeFileSync(join(config, "web", "web.yaml"), serviceYaml("1"));
  git(config, "add", "-A");
  git(config, "commit", "-q", "-m", "v1");
  await api("POST", "/api/v1/apply", { documents: [{ file: "bench.yaml", text: `apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata: { name: config }\nspec:\n  url: ${config}\n  pollInterval: 1h\n  webhook: { secretRef: HOOK_SECRET, provider: github }\n---\napiVersion: ferry/v1alpha1\nkind: Application\nmetadata: { name: web }\nspec:\n  source: { repoURL: ${config}, path: web, targetRevision: main }\n  refreshInterval: 1h\n  syncPolicy: { automated: { prune: true, selfHeal: true } }\n` }] });
  await api("PUT", "/api/v1/repositories/config/secrets/HOOK_SECRET", { value: "bench-secret" });
  await until(async () => (await get(port)) === "version 1", 30_000, () => `v1 never served\n${out}`);
  const status = async () => (await api("GET", "/api/v1/resources/application/web")).status ?? {};
  await until(async () => (await status()).health?.status === "Healthy", 20_000, () => "never healthy");

  const converge = [];
  for (let i = 2; i <= runs + 1; i++) {
    writeFileSync(join(config, "web", "web.yaml"), serviceYaml(String(i)));
    git(config, "add", "-A");
    git(config, "commit", "-q", "-m", `v${i}`);
    const t0 = performance.now();
    await webhook(git(config, "rev-parse", "HEAD"));
    await until(async () => (await get(port)) === `version ${i}`, 30_000, () => `v${i} never served`);
    converge.push(performance.now() - t0);
    await until(async () => { const s = await status(); return s.health?.status === "Healthy" && s.services?.[0]?.replicas.length === 2; }, 20_000, () => "rollout did not finish");
  }

  const healedProcess = [];
  const healedHealthy = [];
  for (let i = 0; i < runs; i++) {
    const before = replicaPids();
    const victim = before[0];
    const t0 = performance.now();
    process.kill(victim, "SIGKILL");
    await until(() => replicaPids().some((p) => !before.includes(p)), 10_000, () => "no replacement process");
    healedProcess.push(performance.now() - t0);
    await until(async () => { const s = await status(); const r = s.services?.[0]?.replicas ?? []; return r.length === 2 && r.every((x) => x.health === "Healthy" && x.pid !== victim); }, 10_000, () => "not healthy again");
    healedHealthy.push(performance.now() - t0);
  }
  await api("DELETE", "/api/v1/resources/application/web");
  await until(async () => (await get(port)) === "", 20_000, () => "web kept serving");
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));

  console.log(`(a) commit to converged (webhook → new version served through the proxy), ${runs} commits, 2 replicas:`);
  console.log(`    median ${fmt(median(converge))}, max ${fmt(Math.max(...converge))}; the app alone starts in ${fmt(startMs)}`);
  console.log(`    Ferry's own part: median ${fmt(median(converge) - startMs)}  (target < 1000 ms)`);
  console.log(`(b) drift to healed (kill -9 of a replica), ${runs} kills:`);
  console.log(`    replacement process running: median ${fmt(median(healedProcess))}; both replicas Healthy in the status API: median ${fmt(median(healedHealthy))}  (target < 1000 ms)`);
}

async function partB() {
  const outfile = join(scratch, "agent.mjs");
  await build({ entryPoints: [join(root, "src/delivery/agent/index.ts")], outfile, bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "error",
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
  const { createAgent } = await import(pathToFileURL(outfile).href);

  // The registry of a plain ferry server, with one artifact every Service runs.
  const dataDir = join(scratch, "server");
  const child = spawn(process.execPath, [ferryBin, "server", "--port", "0", "--data-dir", dataDir], { env: { ...process.env, ...gitEnv, FERRY_LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  child.stdout.on("data", (d) => { out += d; });
  child.stderr.on("data", (d) => { out += d; });
  url = await until(() => /"url":"([^"]+)"/.exec(out)?.[1], 20_000, () => out);
  token = readFileSync(join(dataDir, "admin.token"), "utf8").trim();
  const host = new URL(url).host;
  const sleeper = join(scratch, "sleeper");
  mkdirSync(sleeper);
  writeFileSync(join(sleeper, "README"), "runs sleep\n");
  ferry(["artifact", "push", "bench/sleeper:1", "README", "-C", sleeper]);

  const config = join(scratch, "scale-config");
  git(scratch, "init", "-q", "-b", "main", config);
  for (let a = 0; a < appCount; a++) {
    mkdirSync(join(config, `app-${a}`));
    const docs = [];
    for (let s = 0; s < serviceCount; s++) docs.push(`apiVersion: ferry/v1alpha1\nkind: Service\nmetadata: { name: s${s} }\nspec:\n  artifact: ${host}/bench/sleeper:1\n  command: [sleep, "100000"]\n  env: { INDEX: "${s}" }\n  gracePeriod: 1s\n`);
    writeFileSync(join(config, `app-${a}`, "services.yaml"), docs.join("---\n"));
  }
  git(config, "add", "-A");
  git(config, "commit", "-q", "-m", "scale");
  const appsFile = join(scratch, "apps.yaml");
  const apps = Array.from({ length: appCount }, (_, a) => `apiVersion: ferry/v1alpha1\nkind: Application\nmetadata: { name: app-${a} }\nspec:\n  source: { repoURL: ${config}, path: app-${a}, targetRevision: main }\n  refreshInterval: 24h\n  syncPolicy: { automated: { prune: true } }\n`);
  writeFileSync(appsFile, apps.join("---\n"));
  const rssBefore = process.memoryUsage().rss;
  const agent = createAgent({ name: "bench", stateDir: join(scratch, "agent"), source: { kind: "file", path: appsFile }, registryToken: () => token, log: () => undefined });
  const t0 = performance.now();
  await agent.start();
  await until(() => { const s = Object.values(agent.statuses()); return s.length === appCount && s.every((x) => x.health.status === "Healthy" && x.sync.status === "Synced" && x.services.length === serviceCount); }, 600_000, () => `not all ${appCount} applications converged`);
  const convergeAll = performance.now() - t0;
  await sleep(1000);
  const passes = [];
  const walls = [];
  const profile = process.argv.includes("--profile") ? await startProfile() : undefined;
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await Promise.all(Array.from({ length: appCount }, (_, a) => agent.refresh(`app-${a}`)));
    walls.push(performance.now() - w0);
    const c = process.cpuUsage(c0);
    passes.push((c.user + c.system) / 1000);
  }
  if (profile) await profile.stop(join(root, "delivery-pass.cpuprofile"));
  // Between passes the agent still looks: drift checks (one listing of the runtime, twice a second) and exit polling.
  const idle0 = process.cpuUsage();
  const idleW0 = performance.now();
  await sleep(5000);
  const idle = process.cpuUsage(idle0);
  const idlePerSecond = ((idle.user + idle.system) / 1000) / ((performance.now() - idleW0) / 1000);
  const rss = process.memoryUsage().rss;
  writeFileSync(appsFile, "");
  await until(() => Object.keys(agent.statuses()).length === 0, 120_000, () => "applications were not removed");
  await agent.stop();
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  console.log(`(c) one agent, ${appCount} Applications x ${serviceCount} Services (${appCount * serviceCount} replicas):`);
  console.log(`    first convergence of everything: ${fmt(convergeAll)}`);
  console.log(`    steady-state refresh pass: CPU ${fmt(median(passes))} (median of 3; wall ${fmt(median(walls))})  (target < 200 ms)`);
  console.log(`    idle, between passes (drift checks of all ${appCount * serviceCount} replicas twice a second, exit polling): CPU ${fmt(idlePerSecond)} per second`);
  console.log(`    resident memory: ${(rss / 2 ** 20).toFixed(0)} MB (this process; ${((rss - rssBefore) / 2 ** 20).toFixed(0)} MB added by the agent)  (target < 300 MB)`);
}

/** With --profile: a CPU profile of the steady-state passes, written to delivery-pass.cpuprofile. */
async function startProfile() {
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return {
    async stop(file) {
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

try {
  if (!process.argv.includes("--scale-only")) await partA();
  if (!process.argv.includes("--converge-only")) await partB();
} finally {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  // Replicas outlive their agent by design; nothing this bench started may outlive it.
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`).startsWith(scratch)) process.kill(Number(pid), "SIGKILL");
    } catch { /* gone */ }
  }
  rmSync(scratch, { recursive: true, force: true });
}
