/**
 * The contract between the job engine and a container engine (podman, or a Docker CLI). The job
 * engine asks for capabilities and command lines; it never branches on which engine it holds.
 */

/** The label every container and network of one job run carries (`ferry.instance=<id>`). */
export const INSTANCE_LABEL = "ferry.instance";

/** A job's `container:` or one of its `services:`, evaluated and normalized. */
export type ContainerSpec = {
  image: string;
  env: Record<string, string>;
  /** `options:`, split into words as a shell would. */
  options: string[];
  volumes: string[];
  ports: string[];
  /** `entrypoint:` (services only). */
  entrypoint?: string | undefined;
  /** `command:` split into words (services only). */
  command?: string[] | undefined;
};

export type EngineCapabilities = {
  /** Per-job networks on which containers find each other by alias (service ids as host names). */
  networkAliases: boolean;
  /** Builds images from a Dockerfile (Docker actions). */
  build: boolean;
};

/** A program and its arguments, run by the job engine with its own process handling. */
export type CommandLine = { command: string; args: string[] };

/** How a detached container is kept alive while steps are exec'd in it. */
export type KeepAlive =
  /** `sh -c` with a sleep loop as the entrypoint. */
  | "shell"
  /** The image's own entrypoint and command. */
  | "image";

export type StartOptions = {
  name: string;
  labels: Record<string, string>;
  network?: string | undefined;
  /** Host names on `network` (a service's id). */
  aliases?: string[] | undefined;
  /** Host paths mounted at the same path inside (workspace, temp, scratch). */
  mounts: string[];
  /** Read-only same-path mounts. */
  readOnlyMounts?: string[] | undefined;
  /** A file of `NAME=value` lines (see `envFile`), so values never reach a command line. */
  envFile?: string | undefined;
  /** Values the env file names without a value (see `envFile`), for the engine's own environment. */
  inheritedEnv?: Record<string, string> | undefined;
  spec: ContainerSpec;
  /** Undefined: the spec's own entrypoint and command (services). */
  keepAlive?: KeepAlive | undefined;
  /** Publish `spec.ports`. */
  publish: boolean;
};

export type ExecOptions = { container: string; envFile: string; workdir: string; command: string[] };

export type RunOptions = {
  name: string;
  labels: Record<string, string>;
  network?: string | undefined;
  mounts: string[];
  readOnlyMounts?: string[] | undefined;
  workdir: string;
  envFile: string;
  image: string;
  entrypoint?: string | undefined;
  args: string[];
};

export type BuildOptions = { contextDir: string; dockerfile: string; tag: string };

export type ContainerState = {
  running: boolean;
  exitCode: number;
  /** `PATH` and the rest of the container's configured environment. */
  env: Record<string, string>;
  /** Container port (`5432` or `53/udp`) to host port. */
  ports: Record<string, string>;
  health: HealthConfig | undefined;
};

export type HealthConfig = { intervalMs: number; retries: number; startPeriodMs: number };

export type HealthResult = { healthy: boolean; detail: string };

/** A container engine's CLI. Every method that runs the engine rejects with `ContainerEngineError`. */
export type ContainerEngine = {
  /** For messages only ("podman", "docker"). */
  readonly name: string;
  /** The program, as found on PATH. */
  readonly program: string;
  readonly capabilities: EngineCapabilities;

  createNetwork(name: string, labels: Record<string, string>, signal?: AbortSignal): Promise<void>;
  removeNetwork(name: string): Promise<void>;
  /** Starts a detached container; resolves to its id. */
  start(opts: StartOptions, signal?: AbortSignal): Promise<string>;
  inspect(id: string, signal?: AbortSignal): Promise<ContainerState>;
  /** Runs the container's health check until healthy, out of retries, or aborted. */
  waitHealthy(id: string, health: HealthConfig, signal?: AbortSignal): Promise<HealthResult>;
  logs(id: string): Promise<string>;
  /** Stops every process steps started in a running container, keeping the container. */
  killProcesses(id: string): Promise<void>;
  /** Removes containers at once (no stop grace), with their anonymous volumes. */
  remove(idsOrNames: string[]): Promise<void>;
  /** Ids of the containers, running or not, that carry `label` (`key=value`). */
  listLabelled(label: string): Promise<string[]>;

  /** The command line of a step run in a running container. */
  execCommand(opts: ExecOptions): CommandLine;
  /** The command line of a step run in a new container, removed when it exits. */
  runCommand(opts: RunOptions): CommandLine;
  /** The command line that builds an image from a Dockerfile. */
  buildCommand(opts: BuildOptions): CommandLine;
};

/** An engine command that failed; `exitCode` 127 from `start` means the entrypoint was not found. */
export class ContainerEngineError extends Error {
  readonly code = "container-engine";
  readonly exitCode: number | undefined;
  readonly stderr: string;

  constructor(message: string, exitCode: number | undefined, stderr: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ContainerEngineError";
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}
