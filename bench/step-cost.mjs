#!/usr/bin/env node
// Per-step cost of `ferry run` against the physical limit: bash starting `bash -e -c true`.
//
//   node bench/step-cost.mjs [--runs 5]
//
// Prints the median wall time of a 1-step workflow end to end, of a 201-step workflow, the
// per-step cost derived from the two, bash's own cost per spawn, and their ratio.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ferry = join(root, "bin/ferry.js");
const runsArg = process.argv.indexOf("--runs");
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

const dir = mkdtempSync(join(tmpdir(), "ferry-bench-"));
const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@example.com", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@example.com" };
const workflow = (steps) => `on: push\njobs:\n  bench:\n    runs-on: ubuntu-latest\n    steps:\n${'      - run: "true"\n'.repeat(steps)}`;
mkdirSync(join(dir, "wf"));
writeFileSync(join(dir, "wf/one.yml"), workflow(1));
writeFileSync(join(dir, "wf/many.yml"), workflow(201));
execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir, env });
execFileSync("git", ["add", "-A"], { cwd: dir, env });
execFileSync("git", ["commit", "-q", "-m", "bench"], { cwd: dir, env });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(cmd, args, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: dir, env, stdio: "ignore", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

try {
  const one = median(Array.from({ length: runs }, () => time(process.execPath, [ferry, "run", "-W", "wf/one.yml"])));
  const many = median(Array.from({ length: runs }, () => time(process.execPath, [ferry, "run", "-W", "wf/many.yml"])));
  const bash = median(Array.from({ length: runs }, () => time("bash", ["-c", "for i in $(seq 200); do bash -e -c true; done"])));
  const perStep = (many - one) / 200;
  const bashPerStep = bash / 200;
  console.log(`1-step workflow, end to end:   ${one.toFixed(0)} ms   (target < 300 ms)`);
  console.log(`201-step workflow, end to end: ${many.toFixed(0)} ms`);
  console.log(`ferry per trivial step:        ${perStep.toFixed(2)} ms   (target < 3 ms)`);
  console.log(`bash per 'bash -e -c true':    ${bashPerStep.toFixed(2)} ms   (the physical limit)`);
  console.log(`ratio ferry/bash per step:     ${(perStep / bashPerStep).toFixed(2)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
