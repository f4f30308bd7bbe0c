export { createProcessRuntime } from "./process-runtime.js";
export type { ProcessRuntimeOptions } from "./process-runtime.js";
export { createReleaseCache } from "./release-cache.js";
export type { ReleaseCache, ReleaseCacheOptions, ReleaseRef } from "./release-cache.js";
