/**
 * Pure pieces of the engine CLIs: argument lists, the env file, `inspect` output. The podman and
 * Docker CLIs agree on everything here; where they differ the engine passes its own words in.
 */
import type { BuildOptions, ContainerState, ExecOptions, HealthConfig, RunOptions, StartOptions } from "./types.js";

/**
 * Keeps a job container alive with nothing but `sh` and `sleep`. A step's `kill -9 -1` kills the
 * sleep, not the loop; without a `sleep` the loop exits instead of spinning.
 */
export const KEEP_ALIVE_SCRIPT = "while :; do sleep 3600 || command -v sleep >/dev/null || exit 127; done";

/** Splits `options:`, `args:` or `command:` into words as a POSIX shell would (quotes, backslashes; no expansion). */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1] ?? "")) word += text[++i] ?? "";
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i] ?? "";
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} in "${text}"`);
  if (inWord) words.push(word);
  return words;
}

const labelArgs = (labels: Record<string, string>): string[] => Object.entries(labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
const mountArgs = (mounts: readonly string[], readOnly: readonly string[] = []): string[] => [
  ...mounts.flatMap((p) => ["-v", `${p}:${p}`]),
  ...readOnly.flatMap((p) => ["-v", `${p}:${p}:ro`]),
];

/** `run -d ...`: a job or service container. */
export function startArgs(o: StartOptions): string[] {
  const s = o.spec;
  const args = ["run", "-d", "--name", o.name, ...labelArgs(o.labels)];
  if (o.network) args.push("--network", o.network, ...(o.aliases ?? []).flatMap((a) => ["--network-alias", a]));
  args.push(...mountArgs(o.mounts, o.readOnlyMounts), ...s.volumes.flatMap((v) => ["-v", v]));
  if (o.publish) args.push(...s.ports.flatMap((p) => ["-p", p]));
  if (o.envFile) args.push("--env-file", o.envFile);
  args.push(...s.options);
  if (o.keepAlive === "shell") return [...args, "--entrypoint", "sh", s.image, "-c", KEEP_ALIVE_SCRIPT];
  if (o.keepAlive === "image") return [...args, s.image];
  if (s.entrypoint !== undefined && s.entrypoint !== "") args.push("--entrypoint", s.entrypoint);
  return [...args, s.image, ...(s.command ?? [])];
}

/** `exec ...`: a step in the job container. */
export function execArgs(o: ExecOptions): string[] {
  return ["exec", "--env-file", o.envFile, "-w", o.workdir, o.container, ...o.command];
}

/** `run --rm ...`: a `docker://` step or a Docker action. */
export function runArgs(o: RunOptions): string[] {
  const args = ["run", "--rm", "--name", o.name, ...labelArgs(o.labels)];
  if (o.network) args.push("--network", o.network);
  args.push(...mountArgs(o.mounts, o.readOnlyMounts), "-w", o.workdir, "--env-file", o.envFile);
  if (o.entrypoint !== undefined && o.entrypoint !== "") args.push("--entrypoint", o.entrypoint);
  return [...args, o.image, ...o.args];
}

export function buildArgs(o: BuildOptions): string[] {
  return ["build", "-t", o.tag, "-f", o.dockerfile, o.contextDir];
}

/**
 * An `--env-file` for `env`. The format has one `NAME=value` a line, no quoting; a value it cannot
 * hold (a line break, or longer than a line may be) is written as a bare `NAME`, which the engine
 * takes from its own environment: `inherited` holds those for the engine process.
 */
export function envFile(env: Record<string, string>): { content: string; inherited: Record<string, string> } {
  const lines: string[] = [];
  const inherited: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (k === "" || k.includes("=") || /[\s#*]/.test(k)) continue;
    if (/[\r\n\0]/.test(v) || v.length > 32_000) {
      lines.push(k);
      inherited[k] = v;
    } else lines.push(`${k}=${v}`);
  }
  return { content: lines.length ? `${lines.join("\n")}\n` : "", inherited };
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown, dflt: number): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : dflt);

/** Reads one container of `inspect`'s JSON (podman and Docker share these fields). */
export function parseInspect(json: string): ContainerState {
  const parsed: unknown = JSON.parse(json);
  const c = (Array.isArray(parsed) ? parsed[0] : parsed) as unknown;
  if (!isRec(c)) throw new Error("inspect returned no container");
  const config = isRec(c.Config) ? c.Config : {};
  const state = isRec(c.State) ? c.State : {};
  const env: Record<string, string> = {};
  for (const e of Array.isArray(config.Env) ? config.Env : []) {
    if (typeof e !== "string") continue;
    const eq = e.indexOf("=");
    if (eq > 0) env[e.slice(0, eq)] = e.slice(eq + 1);
  }
  const ports: Record<string, string> = {};
  const net = isRec(c.NetworkSettings) ? c.NetworkSettings : {};
  for (const [key, bindings] of Object.entries(isRec(net.Ports) ? net.Ports : {})) {
    const first = Array.isArray(bindings) ? bindings.find((b): b is Rec => isRec(b) && typeof b.HostPort === "string" && b.HostPort !== "") : undefined;
    if (!first) continue;
    ports[key.endsWith("/tcp") ? key.slice(0, -4) : key] = String(first.HostPort);
  }
  let health: HealthConfig | undefined;
  const hc = config.Healthcheck;
  if (isRec(hc) && Array.isArray(hc.Test) && hc.Test.length > 0 && hc.Test[0] !== "NONE") {
    health = {
      intervalMs: num(hc.Interval, 30e9) / 1e6,
      retries: num(hc.Retries, 3),
      startPeriodMs: (typeof hc.StartPeriod === "number" && hc.StartPeriod > 0 ? hc.StartPeriod : 0) / 1e6,
    };
  }
  return { running: state.Running === true, exitCode: typeof state.ExitCode === "number" ? state.ExitCode : 0, env, ports, health };
}
