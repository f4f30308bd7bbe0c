import { createCliEngine } from "./cli-engine.js";
import type { Dialect } from "./cli-engine.js";
import type { ContainerEngine } from "./types.js";

/** The Docker CLI: its daemon runs health checks, so they are only read. */
export const DOCKER: Dialect = {
  name: "docker",
  capabilities: { networkAliases: true, build: true },
  removeArgs: (ids) => ["rm", "-f", "-v", ...ids],
  async probeHealth(run, id, signal) {
    const r = await run(["inspect", "--format", "{{json .State.Health}}", id], { signal });
    let status = "";
    let detail = r.stderr.trim();
    try {
      const h = JSON.parse(r.stdout) as { Status?: string; Log?: Array<{ Output?: string }> } | null;
      status = h?.Status ?? "";
      detail = h?.Log?.at(-1)?.Output?.trim() ?? detail;
    } catch {
      // not JSON: the container is gone
    }
    return { status: status === "healthy" ? "healthy" : status === "unhealthy" || r.code !== 0 ? "unhealthy" : "starting", detail };
  },
};

export function createDockerEngine(program: string, env: Record<string, string>): ContainerEngine {
  return createCliEngine(program, env, DOCKER);
}
