import { portVariables, specPorts } from "../schema.js";
import type { ReplicaSpec } from "../schema.js";

export type RunArgsInput = {
  name: string;
  labels: Record<string, string>;
  spec: ReplicaSpec;
  image: string;
  command: readonly string[] | undefined;
  /** The file with the replica's environment (values never go on the command line). */
  envFile: string;
};

/**
 * `run -d` of one replica. `command[0]` replaces the image's entrypoint and the rest of `command`, then
 * `args`, are its arguments (with no command, `args` replace the image's CMD); the grace period is rounded
 * up to whole seconds, the unit engines take; each port is published on 127.0.0.1 only.
 */
export function runArgs(o: RunArgsInput): string[] {
  const { spec } = o;
  const args = ["run", "-d", "--name", o.name];
  for (const [key, value] of Object.entries(o.labels)) args.push("--label", `${key}=${value}`);
  args.push("--stop-signal", spec.stopSignal, "--stop-timeout", String(Math.ceil(spec.gracePeriodMs / 1000)));
  for (const p of specPorts(spec)) args.push("-p", `127.0.0.1:${p.port}:${p.containerPort ?? p.port}`);
  args.push("--env-file", o.envFile);
  const [entrypoint, ...rest] = o.command ?? [];
  if (entrypoint !== undefined) args.push("--entrypoint", entrypoint);
  args.push(o.image, ...rest, ...spec.args);
  return args;
}

/**
 * The env file's lines and what goes in the engine's own environment: a value a line cannot hold (one
 * with a newline) is named alone in the file, which makes the engine take it from its environment.
 */
export function envFileOf(env: Record<string, string>): { text: string; engineEnv: Record<string, string> } {
  const lines: string[] = [];
  const engineEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (/[\r\n]/.test(value)) {
      lines.push(key);
      engineEnv[key] = value;
    } else {
      lines.push(`${key}=${value}`);
    }
  }
  return { text: lines.length === 0 ? "" : `${lines.join("\n")}\n`, engineEnv };
}

/** What a container is told of its ports: the variables of `portVariables`, with the ports inside the container. */
export function containerPortEnv(spec: ReplicaSpec): Record<string, string> {
  return portVariables(specPorts(spec).map((p) => ({ ...(p.name === undefined ? {} : { name: p.name }), port: p.containerPort ?? p.port })));
}
