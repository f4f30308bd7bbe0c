import { createCliEngine } from "./cli-engine.js";
import type { Dialect } from "./cli-engine.js";
import type { ContainerEngine } from "./types.js";

/**
 * Podman. Without systemd it schedules no health checks itself, so `healthcheck run` runs each
 * one; `rm -t 0` skips the stop grace (a `sh` keeping a job container alive ignores SIGTERM).
 */
export const PODMAN: Dialect = {
  name: "podman",
  capabilities: { networkAliases: true, build: true },
  removeArgs: (ids) => ["rm", "-f", "-v", "-t", "0", ...ids],
  async probeHealth(run, id, signal) {
    const r = await run(["healthcheck", "run", id], { signal });
    const detail = `${r.stdout}${r.stderr}`.trim();
    return { status: r.code === 0 ? "healthy" : "failing", detail };
  },
};

export function createPodmanEngine(program: string, env: Record<string, string>): ContainerEngine {
  return createCliEngine(program, env, PODMAN);
}
