import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Value } from "../../workflow/index.js";
import { envFile } from "./args.js";
import { ContainerEngineError, INSTANCE_LABEL } from "./types.js";
import type { ContainerEngine, ContainerSpec, KeepAlive } from "./types.js";

export type JobContainersOptions = {
  engine: ContainerEngine;
  /** The job's `container:`; undefined when the job runs on the host. */
  container: ContainerSpec | undefined;
  services: Record<string, ContainerSpec>;
  /** Unique to this job run; names and labels its containers and network. */
  instance: string;
  labels: Record<string, string>;
  /** Host paths mounted at the same path (workspace, temp, scratch). */
  mounts: string[];
  readOnlyMounts: string[];
  /** Where env files for the engine are written (private to the job). */
  scratchDir: string;
  log(line: string): void;
};

export type JobContainers = {
  /** The network steps' containers join, if any. */
  readonly network: string | undefined;
  /** The running job container: `PATH` and the rest of its environment. */
  readonly job: { id: string; env: Record<string, string> } | undefined;
  /** `job.container` and `job.services` of the `job` context. */
  context(): { container: Record<string, Value>; services: Record<string, Value> };
  /** Starts the network, the services (waiting for their health checks) and the job container. */
  start(signal?: AbortSignal): Promise<void>;
  /** Removes everything started for the job, including step containers left behind. Never throws. */
  teardown(): Promise<void>;
};

const safe = (s: string): string => s.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/^[^a-z0-9]+/, "").slice(0, 40) || "x";

/** The job container, the service containers and their network, from start to removal. */
export function createJobContainers(o: JobContainersOptions): JobContainers {
  const { engine } = o;
  const labels = { ...o.labels, [INSTANCE_LABEL]: o.instance };
  const wantsNetwork = (o.container !== undefined || Object.keys(o.services).length > 0) && engine.capabilities.networkAliases;
  const network = wantsNetwork ? `ferry-${o.instance}` : undefined;
  let networkCreated = false;
  const started: string[] = [];
  const services: Record<string, { id: string; ports: Record<string, string> }> = {};
  let job: { id: string; env: Record<string, string> } | undefined;

  const writeEnv = async (name: string, env: Record<string, string>): Promise<{ path: string; inherited: Record<string, string> }> => {
    const f = envFile(env);
    const path = join(o.scratchDir, `container-env-${name}`);
    await writeFile(path, f.content, { mode: 0o600 });
    return { path, inherited: f.inherited };
  };

  const startOne = async (name: string, spec: ContainerSpec, keepAlive: KeepAlive | undefined, aliases: string[], signal?: AbortSignal): Promise<string> => {
    const env = await writeEnv(name, spec.env);
    const id = await engine.start({
      name, labels, network, aliases, mounts: o.mounts, readOnlyMounts: o.readOnlyMounts,
      envFile: env.path, inheritedEnv: env.inherited, spec, keepAlive, publish: true,
    }, signal);
    started.push(id);
    return id;
  };

  const startJobContainer = async (spec: ContainerSpec, signal?: AbortSignal): Promise<void> => {
    const name = `ferry-${o.instance}`;
    let id: string | undefined;
    try {
      id = await startOne(name, spec, "shell", [], signal);
      const state = await engine.inspect(id, signal);
      if (state.running) {
        job = { id, env: state.env };
        return;
      }
    } catch (error: unknown) {
      // 126/127: no `sh` in the image; anything else is a real failure.
      if (!(error instanceof ContainerEngineError) || (error.exitCode !== 127 && error.exitCode !== 126)) throw error;
    }
    // No `sh` (or no `sleep`) in the image: keep it alive with its own command instead.
    await engine.remove([id ?? name]);
    o.log(`${spec.image} has no sh and sleep to keep it running; starting it with its own command`);
    id = await startOne(name, spec, "image", [], signal);
    const state = await engine.inspect(id, signal);
    if (!state.running) {
      throw new ContainerEngineError(`the job container ${spec.image} exited at once (exit code ${state.exitCode}): a job container needs sh and sleep, or a command that keeps running`, state.exitCode, "");
    }
    job = { id, env: state.env };
  };

  return {
    network,
    get job() {
      return job;
    },
    context() {
      return {
        container: job ? { id: job.id, network: network ?? "" } : {},
        services: Object.fromEntries(Object.entries(services).map(([k, s]) => [k, { id: s.id, network: network ?? "", ports: s.ports }])),
      };
    },
    async start(signal) {
      if (network) {
        o.log(`Creating network ${network}`);
        await engine.createNetwork(network, labels, signal);
        networkCreated = true;
      }
      for (const [sid, spec] of Object.entries(o.services)) {
        o.log(`Starting service ${sid} (${spec.image})`);
        const id = await startOne(`ferry-${o.instance}-${safe(sid)}`, spec, undefined, [sid], signal);
        services[sid] = { id, ports: {} };
      }
      if (o.container) {
        o.log(`Starting job container (${o.container.image})`);
        await startJobContainer(o.container, signal);
      }
      for (const [sid, s] of Object.entries(services)) {
        const state = await engine.inspect(s.id, signal);
        s.ports = state.ports;
        if (!state.running) {
          const logs = (await engine.logs(s.id)).trimEnd();
          if (logs) for (const line of logs.split("\n")) o.log(`${sid} | ${line}`);
          throw new ContainerEngineError(`service ${sid} exited at once (exit code ${state.exitCode})`, state.exitCode, "");
        }
        if (state.health) {
          o.log(`Waiting for service ${sid} to be healthy`);
          const h = await engine.waitHealthy(s.id, state.health, signal);
          if (!h.healthy) {
            const logs = (await engine.logs(s.id)).trimEnd();
            if (logs) for (const line of logs.split("\n")) o.log(`${sid} | ${line}`);
            throw new ContainerEngineError(`service ${sid} is not healthy${h.detail ? `: ${h.detail}` : ""}`, undefined, "");
          }
          o.log(`Service ${sid} is healthy`);
        }
      }
    },
    async teardown() {
      try {
        const leftovers = await engine.listLabelled(`${INSTANCE_LABEL}=${o.instance}`);
        await engine.remove([...new Set([...started, ...leftovers])]);
        if (networkCreated && network) await engine.removeNetwork(network);
      } catch {
        // best effort: the labels let `ps -a --filter label=ferry` find what is left
      }
    },
  };
}
