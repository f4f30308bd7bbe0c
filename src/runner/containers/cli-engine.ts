import { execFile } from "node:child_process";
import { buildArgs, execArgs, parseInspect, runArgs, startArgs } from "./args.js";
import { ContainerEngineError } from "./types.js";
import type { ContainerEngine, EngineCapabilities, HealthConfig, HealthResult } from "./types.js";

export type EngineRun = (args: string[], opts?: { signal?: AbortSignal | undefined; env?: Record<string, string> | undefined }) => Promise<{ code: number; stdout: string; stderr: string }>;

/** What differs between the CLIs that speak Docker's command line. */
export type Dialect = {
  name: string;
  capabilities: EngineCapabilities;
  /** `rm` that kills at once (no stop grace) and drops anonymous volumes. */
  removeArgs(ids: readonly string[]): string[];
  /**
   * Runs or reads one health check: `healthy`, `failing` (counts against the retries), `starting`
   * (the engine has not decided yet) or `unhealthy` (the engine gave up).
   */
  probeHealth(run: EngineRun, id: string, signal?: AbortSignal): Promise<{ status: "healthy" | "failing" | "starting" | "unhealthy"; detail: string }>;
};

const sleep = (ms: number, signal?: AbortSignal): Promise<void> => new Promise((resolve) => {
  const t = setTimeout(done, ms);
  function done(): void {
    clearTimeout(t);
    signal?.removeEventListener("abort", done);
    resolve();
  }
  signal?.addEventListener("abort", done, { once: true });
});

const firstLine = (s: string): string => s.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !/^time=".*level=(warning|info)/.test(l)).pop() ?? "";

/** An engine driven through its CLI; `env` is the environment every engine command gets (CONTAINERS_CONF, ...). */
export function createCliEngine(program: string, env: Record<string, string>, dialect: Dialect): ContainerEngine {
  const run: EngineRun = (args, opts = {}) => new Promise((resolve) => {
    execFile(program, args, {
      env: { ...env, ...opts.env }, encoding: "utf8", maxBuffer: 64 << 20, ...(opts.signal ? { signal: opts.signal } : {}),
    }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 125;
      resolve({ code, stdout, stderr: error !== null && stderr === "" ? error.message : stderr });
    });
  });
  const check = async (what: string, args: string[], opts: Parameters<EngineRun>[1] = {}): Promise<string> => {
    const r = await run(args, opts);
    if (r.code !== 0) throw new ContainerEngineError(`${what}: ${dialect.name} ${args[0] ?? ""} failed: ${firstLine(r.stderr) || `exit code ${r.code}`}`, r.code, r.stderr);
    return r.stdout;
  };

  return {
    name: dialect.name,
    program,
    capabilities: dialect.capabilities,
    async createNetwork(name, labels, signal) {
      await check(`cannot create network ${name}`, ["network", "create", ...Object.entries(labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]), name], { signal });
    },
    async removeNetwork(name) {
      await run(["network", "rm", name]);
    },
    async start(opts, signal) {
      const out = await check(`cannot start ${opts.spec.image}`, startArgs(opts), { signal, env: opts.inheritedEnv });
      return out.trim().split("\n").pop() ?? opts.name;
    },
    async inspect(id, signal) {
      return parseInspect(await check(`cannot inspect container ${id}`, ["container", "inspect", id], { signal }));
    },
    async waitHealthy(id, health: HealthConfig, signal): Promise<HealthResult> {
      const t0 = Date.now();
      let failures = 0;
      let detail = "";
      for (;;) {
        await sleep(Math.max(100, health.intervalMs), signal);
        if (signal?.aborted) return { healthy: false, detail: "cancelled" };
        const p = await dialect.probeHealth(run, id, signal);
        if (p.status === "healthy") return { healthy: true, detail: p.detail };
        detail = p.detail;
        if (p.status === "unhealthy") return { healthy: false, detail };
        if (p.status === "failing" && Date.now() - t0 >= health.startPeriodMs) failures++;
        if (failures >= health.retries) return { healthy: false, detail };
      }
    },
    async logs(id) {
      const r = await run(["logs", id]);
      return `${r.stdout}${r.stderr}`;
    },
    async killProcesses(id) {
      // `sh -c` first: kill is a shell built-in where no kill program exists.
      if ((await run(["exec", id, "sh", "-c", "kill -9 -1"])).code === 0) return;
      if ((await run(["exec", id, "kill", "-9", "-1"])).code === 0) return;
      // Nothing in the image can kill: stop the container (later steps then fail, saying so).
      await run(["kill", id]);
    },
    async remove(ids) {
      if (ids.length > 0) await run(dialect.removeArgs(ids));
    },
    async listLabelled(label) {
      const r = await run(["ps", "-a", "-q", "--no-trunc", "--filter", `label=${label}`]);
      return r.code === 0 ? r.stdout.split("\n").map((l) => l.trim()).filter(Boolean) : [];
    },
    execCommand: (o) => ({ command: program, args: execArgs(o) }),
    runCommand: (o) => ({ command: program, args: runArgs(o) }),
    buildCommand: (o) => ({ command: program, args: buildArgs(o) }),
  };
}
