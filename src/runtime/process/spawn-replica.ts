import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { open, stat } from "node:fs/promises";
import { RuntimeError } from "../runtime-error.js";
import { portVariables, specPorts } from "../schema.js";
import type { ReplicaSpec } from "../schema.js";

/** The environment a replica starts from: only what a program needs to run, never the agent's own. */
const BASE_ENV_NAMES = ["PATH", "HOME", "LANG"] as const;

export function replicaEnv(spec: ReplicaSpec, agentEnv: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of BASE_ENV_NAMES) {
    const value = agentEnv[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, spec.env, portVariables(specPorts(spec)));
  return env;
}

/**
 * Starts the replica's program in its own process group, its stdout and stderr going straight to
 * `logFile` (no pipe to the agent), so that it keeps running and logging when the agent goes away.
 * Resolves once the program runs; a program that cannot start is a START_FAILED.
 */
export async function spawnReplica(o: {
  spec: ReplicaSpec & { source: { kind: "artifact" } };
  logFile: string;
  agentEnv: Readonly<Record<string, string | undefined>>;
  /** Attached before anything can exit, so no exit is missed. */
  onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
}): Promise<ChildProcess> {
  const { spec, logFile, agentEnv } = o;
  const { dir, command } = spec.source;
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new RuntimeError("START_FAILED", `cannot start ${spec.app}/${spec.service}: release directory ${dir} does not exist`);
  const [program, ...rest] = command as [string, ...string[]];
  const log = await open(logFile, "a", 0o600);
  try {
    const child = spawn(program, [...rest, ...spec.args], {
      cwd: dir, env: replicaEnv(spec, agentEnv), detached: true, stdio: ["ignore", log.fd, log.fd],
    });
    child.once("exit", o.onExit);
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", () => {
        // Later errors (a failed kill) are not the replica's end; its exit is.
        child.on("error", () => undefined);
        resolve();
      });
      child.once("error", reject);
    }).catch((error: unknown) => {
      const code = (error as { code?: unknown }).code;
      child.removeListener("exit", o.onExit);
      throw new RuntimeError("START_FAILED", `cannot start ${spec.app}/${spec.service}: ${program}: ${typeof code === "string" ? code : String(error)}`, { cause: error });
    });
    child.unref();
    return child;
  } finally {
    await log.close();
  }
}
