export { createPodmanRuntime } from "./podman-runtime.js";
export type { PodmanRuntimeOptions } from "./podman-runtime.js";
