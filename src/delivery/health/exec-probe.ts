import { spawn } from "node:child_process";
import type { Probe } from "./types.js";

export type ExecProbeOptions = {
  /** argv, run without a shell: `command[0]` is the program. */
  command: readonly string[];
  /**
   * The environment the command sees, usually the replica's own. `PORT` is set from the target.
   * Defaults to just `PATH`, so the agent's own variables (and credentials) never leak into probes.
   */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
};

const OUTPUT_TAIL_CHARS = 200;

/** Runs a command; exit code 0 is healthy. On abort the whole process group is killed. */
export function createExecProbe(options: ExecProbeOptions): Probe {
  const [program, ...args] = options.command;
  if (program === undefined || program === "") throw new TypeError("exec probe needs a command");
  const baseEnv = options.env ?? { PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin" };

  return (target, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) {
        resolve({ ok: false, message: "aborted" });
        return;
      }
      const env = { ...baseEnv, ...(target.port === undefined ? {} : { PORT: String(target.port) }) };
      const child = spawn(program, args, {
        env,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        stdio: ["ignore", "pipe", "pipe"],
        // Its own process group, so a timeout also kills what the command started.
        detached: true,
      });
      let output = "";
      const collect = (chunk: Buffer): void => {
        output = (output + chunk.toString("utf8")).slice(-4 * OUTPUT_TAIL_CHARS);
      };
      child.stdout.on("data", collect);
      child.stderr.on("data", collect);

      let settled = false;
      const settle = (ok: boolean, message: string): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener("abort", onAbort);
        resolve({ ok, message });
      };
      const onAbort = (): void => {
        killGroup(child.pid);
        settle(false, "aborted");
      };
      signal.addEventListener("abort", onAbort, { once: true });

      child.once("error", (error: NodeJS.ErrnoException) => {
        settle(false, error.code === "ENOENT" ? `command not found: ${program}` : `could not run ${program}: ${error.code ?? error.message}`);
      });
      child.once("close", (code, killedBy) => {
        const tail = output.trim().split("\n").slice(-3).join(" | ").slice(-OUTPUT_TAIL_CHARS);
        const status = code === null ? `killed by ${killedBy ?? "signal"}` : `exit ${code}`;
        settle(code === 0, tail === "" ? status : `${status}: ${tail}`);
      });
    });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
