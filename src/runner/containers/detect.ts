import { execFile } from "node:child_process";
import { which } from "../shells.js";
import { createDockerEngine } from "./docker.js";
import { createPodmanEngine } from "./podman.js";
import type { ContainerEngine } from "./types.js";

export type EngineChoice = { program: string; kind: "podman" | "docker" | "probe" };

/**
 * Which engine CLI to use: `FERRY_CONTAINER_ENGINE` (a name or path; `none` for none), else
 * `podman` on PATH, else `docker` (`probe`: it may be podman's Docker-compatible wrapper).
 */
export function chooseEngine(env: Readonly<Record<string, string | undefined>>, find: (program: string) => string | undefined): EngineChoice | undefined {
  const wanted = env.FERRY_CONTAINER_ENGINE?.trim();
  if (wanted === "none") return undefined;
  if (wanted) {
    const program = find(wanted);
    if (!program) return undefined;
    const base = wanted.split("/").pop() ?? wanted;
    return { program, kind: base.startsWith("podman") ? "podman" : "probe" };
  }
  const podman = find("podman");
  if (podman) return { program: podman, kind: "podman" };
  const docker = find("docker");
  return docker ? { program: docker, kind: "probe" } : undefined;
}

function version(program: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    execFile(program, ["--version"], { env, encoding: "utf8", timeout: 10_000 }, (_error, stdout) => resolve(stdout));
  });
}

/** The container engine of this host, or undefined when it has none. */
export async function detectContainerEngine(env: Record<string, string>): Promise<ContainerEngine | undefined> {
  const choice = chooseEngine(env, (p) => which(p, env.PATH));
  if (!choice) return undefined;
  if (choice.kind === "podman") return createPodmanEngine(choice.program, env);
  return /podman/i.test(await version(choice.program, env)) ? createPodmanEngine(choice.program, env) : createDockerEngine(choice.program, env);
}
