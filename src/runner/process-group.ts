import { spawn } from "node:child_process";
import { constants } from "node:os";

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return (constants.signals as Record<string, number | undefined>)[signal];
}

export type SpawnResult = { exitCode: number; signal: NodeJS.Signals | null; timedOut: boolean; cancelled: boolean; pid: number | undefined; error?: string };

export type SpawnOptions = {
  cwd: string;
  env: Record<string, string>;
  /** Called once per complete line of output, in order per stream. */
  onLine(line: string, stream: "stdout" | "stderr"): void;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** After SIGTERM, how long before SIGKILL. */
  killGraceMs?: number;
  /** After the process exits, how long to wait for its output pipes to close. */
  drainMs?: number;
};

/** Kills a whole process group; a group that is already gone is fine. */
export function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // already exited
  }
}

function lineSplitter(emit: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  let rest = "";
  const decoder = new TextDecoder();
  return {
    push(chunk) {
      const text = rest + decoder.decode(chunk, { stream: true });
      const lines = text.split("\n");
      rest = lines.pop() ?? "";
      for (const l of lines) emit(l.endsWith("\r") ? l.slice(0, -1) : l);
    },
    end() {
      const tail = rest + decoder.decode();
      rest = "";
      if (tail) emit(tail);
    },
  };
}

/**
 * Runs a command in its own process group so that a timeout or cancellation can stop
 * everything it started. The group is left alive on normal exit (background processes are
 * reaped by the job at its end, as GitHub's runner does).
 */
export function runInGroup(command: string, args: readonly string[], opts: SpawnOptions): Promise<SpawnResult> {
  return new Promise((resolve) => {
    let timedOut = false;
    let cancelled = false;
    let settled = false;
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const out = lineSplitter((l) => opts.onLine(l, "stdout"));
    const err = lineSplitter((l) => opts.onLine(l, "stderr"));
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    const stop = (): void => {
      killGroup(child.pid, "SIGTERM");
      const k = setTimeout(() => killGroup(child.pid, "SIGKILL"), opts.killGraceMs ?? 2000);
      k.unref();
    };
    const timer = opts.timeoutMs !== undefined ? setTimeout(() => { timedOut = true; stop(); }, opts.timeoutMs) : undefined;
    const onAbort = (): void => { cancelled = true; stop(); };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener("abort", onAbort, { once: true });
    const finish = (r: SpawnResult): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      resolve(r);
    };
    child.on("error", (e) => finish({ exitCode: 127, signal: null, timedOut, cancelled, pid: child.pid, error: e.message }));
    // A step is over when its process exits, even if something it started in the background still
    // holds stdout (as on GitHub); output already written is drained briefly, later lines still
    // reach onLine until the job reaps the process group.
    let drain: NodeJS.Timeout | undefined;
    const done = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (drain) clearTimeout(drain);
      if (timedOut || cancelled) killGroup(child.pid, "SIGKILL");
      finish({ exitCode: code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 128), signal, timedOut, cancelled, pid: child.pid });
    };
    child.on("exit", (code, signal) => {
      drain = setTimeout(() => done(code, signal), opts.drainMs ?? 50);
    });
    child.on("close", (code, signal) => {
      out.end();
      err.end();
      done(code, signal);
    });
  });
}

function groupExists(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills a process group and waits (up to `timeoutMs`) until none of it is left. */
export async function reapGroup(pid: number, timeoutMs = 2000): Promise<void> {
  killGroup(pid, "SIGKILL");
  const deadline = Date.now() + timeoutMs;
  while (groupExists(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}
