#!/usr/bin/env node
// Blob throughput of Ferry's registry against the physical limit: `cp` of the same file on the same disk.
//
//   npm run build && node bench/registry.mjs [--size 512] [--runs 3] [--dir /tmp]
//
// Writes a file of random data (--size MiB) in a temp directory under --dir, times `cp` of it and sha256 of
// it in this process (the hashing ceiling: every write is verified against its digest, and a pull is
// verified too, so neither can beat one sha256 pass), starts `ferry server` on a temp data directory there
// and a random port, then with the registry client (src/registry/client, bundled on the fly with esbuild)
// pushes the file as a blob (streamed, digest unknown: POST + one PATCH + PUT; and digest known: hash, then
// one POST ?digest=) and pulls it back to a file, verified. Prints MB/s, the CPU seconds per GiB that the
// client (this process) and the server spent (from /proc: a steadier figure than MB/s on a shared machine),
// and the ratios to cp (target >= 0.7) and to sha256; then pushes the same content again and prints the blob
// count before and after. Everything is streamed: memory stays flat whatever the size. Asserts nothing;
// removes everything it created.
import { Buffer } from "node:buffer";
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ferry = join(root, "bin/ferry.js");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const sizeMiB = Number(arg("--size", "512"));
const runs = Number(arg("--runs", "3"));
const base = resolve(arg("--dir", tmpdir()));
const size = sizeMiB * 1024 * 1024;
const CHUNK = 1 << 20;

const dir = mkdtempSync(join(base, "ferry-bench-registry-"));
const dataDir = join(dir, "data");
const file = join(dir, "random.bin");
let server;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mbps = (ms) => size / 1e6 / (ms / 1000);
const fmt = (ms) => `${mbps(ms).toFixed(0).padStart(5)} MB/s  (median ${ms.toFixed(0)} ms)`;

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); undefined elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** label → per run, the CPU seconds of the bench (the client) and of the server. */
const cpu = {};
/** Wall time of `fn` in ms; records the CPU seconds the bench and the server spent on it under `label`. */
async function timed(fn, label) {
  const serverBefore = server === undefined ? undefined : cpuSeconds(server.proc.pid);
  const benchBefore = process.cpuUsage();
  const t = performance.now();
  await fn();
  const ms = performance.now() - t;
  if (label !== undefined) {
    const used = process.cpuUsage(benchBefore);
    const serverAfter = cpuSeconds(server.proc.pid);
    (cpu[label] ??= []).push({ bench: (used.user + used.system) / 1e6, server: serverBefore === undefined || serverAfter === undefined ? NaN : serverAfter - serverBefore });
  }
  return ms;
}

function writeRandomFile() {
  const fd = openSync(file, "w");
  const buf = Buffer.alloc(8 << 20);
  try {
    for (let done = 0; done < size; done += buf.length) writeSync(fd, randomFillSync(buf), 0, Math.min(buf.length, size - done));
  } finally {
    closeSync(fd);
  }
}

async function digestOf(path) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) hash.update(chunk);
  return `sha256:${hash.digest("hex")}`;
}

/** The registry client, bundled from the TypeScript sources into the temp directory. */
async function loadClient() {
  const outfile = join(dir, "registry-client.mjs");
  await build({ entryPoints: [join(root, "src/registry/client/index.ts")], outfile, bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "warning" });
  return import(pathToFileURL(outfile).href);
}

function startServer() {
  return new Promise((done, fail) => {
    const proc = spawn(process.execPath, [ferry, "server", "--port", "0", "--data-dir", dataDir], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const onData = (d) => {
      out += d.toString();
      const url = /"url":"([^"]+)"/.exec(out)?.[1];
      if (url !== undefined) done({ proc, url });
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.once("exit", (code) => fail(new Error(`ferry server exited ${code}:\n${out}`)));
  });
}

async function stopServer() {
  if (server === undefined || server.proc.exitCode !== null || server.proc.signalCode !== null) return;
  const exited = new Promise((r) => server.proc.once("exit", r));
  server.proc.kill("SIGTERM");
  await exited;
}

function blobCount() {
  const blobs = join(dataDir, "registry", "blobs", "sha256");
  return readdirSync(blobs).reduce((n, prefix) => n + readdirSync(join(blobs, prefix)).length, 0);
}

/** Peak resident memory of a process, from /proc (Linux), in MiB; undefined elsewhere. */
function peakRssMiB(pid) {
  try {
    const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

process.once("SIGINT", () => {
  void stopServer().finally(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
});

try {
  console.log(`file: ${sizeMiB} MiB of random data in ${dir} (device ${statSync(dir).dev}), ${runs} runs each`);
  writeRandomFile();
  const digest = await digestOf(file);

  // The hashing ceiling: sha256 of the whole file in this process, read in 1 MiB chunks (the file is in the
  // page cache by now). Every write is verified against its digest, so no push or pull can beat this.
  const sha = [];
  for (let i = 0; i < runs; i++) sha.push(await timed(() => digestOf(file)));

  const cp = [];
  for (let i = 0; i < runs; i++) {
    const copy = join(dir, "copy.bin");
    cp.push(await timed(() => {
      const r = spawnSync("cp", [file, copy]);
      if (r.status !== 0) throw new Error(`cp failed: ${r.stderr}`);
    }));
    rmSync(copy);
  }

  const { createRegistryClient } = await loadClient();
  server = await startServer();
  const token = readFileSync(join(dataDir, "admin.token"), "utf8").trim();
  const client = createRegistryClient({ url: server.url, token });

  const pushStreamed = [];
  const pushKnown = [];
  const pull = [];
  for (let i = 0; i < runs; i++) {
    // A new repository each run, so nothing is skipped; the server still stores the content once.
    pushStreamed.push(await timed(async () => {
      const r = await client.pushBlob(`bench/streamed-${i}`, createReadStream(file, { highWaterMark: CHUNK }));
      if (r.digest !== digest) throw new Error(`pushed ${r.digest}, expected ${digest}`);
    }, "pushStreamed"));
    pushKnown.push(await timed(async () => {
      const d = await digestOf(file);
      const r = await client.pushBlob(`bench/known-${i}`, createReadStream(file, { highWaterMark: CHUNK }), d, size);
      if (!r.uploaded) throw new Error("the blob was not uploaded");
    }, "pushKnown"));
    const out = join(dir, "pulled.bin");
    pull.push(await timed(async () => {
      await pipeline(await client.pullBlob(`bench/streamed-${i}`, digest, size), createWriteStream(out, { highWaterMark: CHUNK }));
    }, "pull"));
    if (statSync(out).size !== size) throw new Error("the pulled file has the wrong size");
    rmSync(out);
  }

  const before = blobCount();
  await client.pushBlob("bench/again", createReadStream(file, { highWaterMark: CHUNK }), digest, size);
  const after = blobCount();

  const cpMs = median(cp);
  const shaMs = median(sha);
  const ratio = (ms) => {
    const r = mbps(ms) / mbps(cpMs);
    return `${r.toFixed(2)}${r >= 0.7 ? "" : "  (below the 0.7 target)"}  = ${(mbps(ms) / mbps(shaMs)).toFixed(2)} of sha256`;
  };
  /** Median CPU seconds per GiB moved, client (this process) and server. */
  const cpuOf = (label) => {
    const perGiB = (key) => median(cpu[label].map((c) => c[key])) / (size / 2 ** 30);
    return `CPU s/GiB: client ${perGiB("bench").toFixed(2)}, server ${perGiB("server").toFixed(2)}`;
  };
  console.log(`cp:                                 ${fmt(cpMs)}`);
  console.log(`sha256 only (the hashing ceiling):  ${fmt(shaMs)}  = ${(mbps(shaMs) / mbps(cpMs)).toFixed(2)} of cp`);
  console.log(`push, streamed (POST+PATCH+PUT):    ${fmt(median(pushStreamed))}  ${cpuOf("pushStreamed")}`);
  console.log(`push, hash first + POST ?digest=:   ${fmt(median(pushKnown))}  ${cpuOf("pushKnown")}`);
  console.log(`pull to a file, verified:           ${fmt(median(pull))}  ${cpuOf("pull")}`);
  console.log(`ratio push/cp (streamed):           ${ratio(median(pushStreamed))}`);
  console.log(`ratio push/cp (hash first):         ${ratio(median(pushKnown))}`);
  console.log(`ratio pull/cp:                      ${ratio(median(pull))}`);
  console.log(`blobs before pushing the same content again: ${before}, after: ${after}${after === before ? " (stored once)" : " (GREW)"}`);
  const serverRss = peakRssMiB(server.proc.pid);
  console.log(`peak RSS: bench ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB, server ${serverRss === undefined ? "?" : serverRss.toFixed(0)} MiB (file: ${sizeMiB} MiB)`);
} finally {
  await stopServer();
  rmSync(dir, { recursive: true, force: true });
}
