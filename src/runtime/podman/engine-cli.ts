import { execFile } from "node:child_process";
import { RuntimeError } from "../runtime-error.js";

export type EngineResult = { code: number; stdout: string; stderr: string };

export type EngineCli = {
  readonly program: string;
  /** The environment every engine command gets (CONTAINERS_CONF...). */
  readonly env: Readonly<Record<string, string>>;
  /** Runs the engine (never through a shell); a failure is a result, not an exception. */
  run(args: readonly string[], extraEnv?: Record<string, string>): Promise<EngineResult>;
  /** Runs the engine; a non-zero exit is an ENGINE_FAILED (or `code`) naming `what` and the engine's own words. */
  check(what: string, args: readonly string[], opts?: { extraEnv?: Record<string, string>; code?: "START_FAILED" }): Promise<string>;
};

/** The engine's last meaningful line of error output (podman prefixes warnings with `time="..." level=warning`). */
export function engineMessage(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !/^time=".*level=(warning|info)/.test(l));
  return lines.pop() ?? "";
}

export function createEngineCli(program: string, env: Readonly<Record<string, string>>): EngineCli {
  const run = (args: readonly string[], extraEnv: Record<string, string> = {}): Promise<EngineResult> => new Promise((resolve) => {
    execFile(program, [...args], { env: { ...env, ...extraEnv }, encoding: "utf8", maxBuffer: 64 << 20, timeout: 10 * 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 125;
      resolve({ code, stdout, stderr: error !== null && stderr === "" ? error.message : stderr });
    });
  });
  return {
    program,
    env,
    run,
    async check(what, args, opts = {}) {
      const r = await run(args, opts.extraEnv);
      if (r.code !== 0) throw new RuntimeError(opts.code ?? "ENGINE_FAILED", `${what}: ${program} ${args[0] ?? ""} failed: ${engineMessage(r.stderr) || `exit code ${r.code}`}`);
      return r.stdout;
    },
  };
}
