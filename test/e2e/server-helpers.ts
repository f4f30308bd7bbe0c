import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FERRY, GIT_ENV } from "./helpers.js";

export type Up = { url: string; dataDir: string; token: string; runnerToken: string; proc: ChildProcess; output(): string; stop(): Promise<void> };

/** Starts `ferry up` (or `ferry server`) as a real child process on a random port and a temp data dir. */
export async function startFerry(command: "up" | "server" = "up", extraEnv: Record<string, string> = {}, dataDir = mkdtempSync(join(tmpdir(), "ferry-data-")), port = 0, extraArgs: readonly string[] = []): Promise<Up> {
  const proc = spawn(process.execPath, [FERRY, command, "--port", String(port), "--data-dir", dataDir, ...extraArgs], {
    env: { ...process.env, ...GIT_ENV, FERRY_LOG_LEVEL: "warn", ...extraEnv }, stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout?.on("data", (d: Buffer) => { out += d.toString(); });
  proc.stderr?.on("data", (d: Buffer) => { out += d.toString(); });
  const url = await waitFor(() => /listening|Ferry is up at (\S+)|"url":"([^"]+)"/.exec(out)?.slice(1).find(Boolean), 20_000, () => `ferry ${command} did not start:\n${out}`);
  return {
    url, dataDir, proc, output: () => out,
    token: readFileSync(join(dataDir, "admin.token"), "utf8").trim(),
    runnerToken: readFileSync(join(dataDir, "runner.token"), "utf8").trim(),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once("exit", r));
        proc.kill("SIGTERM");
        // A stop that hangs is a bug the output shows; it must not hang the suite.
        const killer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

/**
 * Kills every process whose working directory is below `dir` — replicas an agent started from its data
 * directory keep running after the agent stops, by design; a test must not leave them behind.
 */
export function killProcessesUnder(dir: string): void {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) process.kill(Number(entry), "SIGKILL");
    } catch {
      // gone, or not ours to read
    }
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Polls until `check` returns a value (not undefined/false), or fails with `why()` after `ms`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, ms: number, why: () => string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(why());
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function api<T>(up: { url: string; token: string }, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${up.url}${path}`, {
    method, headers: { authorization: `Bearer ${up.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}
