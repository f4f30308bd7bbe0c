import { assertCacheKey, cacheVersion, findEntry, restoreEntry, saveEntry } from "./cache-store.js";
import type { CacheIo, CacheMatch, CacheRoots } from "./cache-store.js";
import { homeDirectory, readBooleanInput, readInput, readListInput } from "./inputs.js";
import type { BuiltinAction, BuiltinContext } from "./types.js";
import { ActionFailure } from "./types.js";

/** State the main step of actions/cache leaves for its post step. */
export const CACHE_STATE = {
  primaryKey: "primary-key",
  matchedKey: "matched-key",
  exactHit: "exact-hit",
} as const;

function roots(ctx: BuiltinContext): CacheRoots {
  return { workspace: ctx.workspace, home: homeDirectory(ctx.env) };
}

function io(ctx: BuiltinContext): CacheIo {
  return { cacheDir: ctx.stores.cacheDir, tempDir: ctx.tempDir, env: ctx.env, signal: ctx.signal };
}

function requiredInput(ctx: BuiltinContext, name: string): string {
  const value = readInput(ctx.inputs, name);
  if (value === "") throw new ActionFailure(`Input required and not supplied: ${name}`);
  return value;
}

function requiredPaths(ctx: BuiltinContext): string[] {
  const paths = readListInput(ctx.inputs, "path");
  if (paths.length === 0) throw new ActionFailure("Input required and not supplied: path");
  return paths;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The restore half, shared by actions/cache (which remembers state for post) and actions/cache/restore. */
async function restore(ctx: BuiltinContext, remember: boolean): Promise<void> {
  const key = requiredInput(ctx, "key");
  const paths = requiredPaths(ctx);
  const restoreKeys = readListInput(ctx.inputs, "restore-keys");
  for (const k of [key, ...restoreKeys]) assertCacheKey(k);
  const failOnCacheMiss = readBooleanInput(ctx.inputs, "fail-on-cache-miss", false);
  const lookupOnly = readBooleanInput(ctx.inputs, "lookup-only", false);
  const version = cacheVersion(paths, readBooleanInput(ctx.inputs, "enableCrossOsArchive", false));
  if (remember) ctx.saveState(CACHE_STATE.primaryKey, key);
  else ctx.setOutput("cache-primary-key", key);

  let match: CacheMatch | undefined;
  try {
    match = await findEntry(ctx.stores.cacheDir, key, restoreKeys, version);
    if (match !== undefined && !lookupOnly) await restoreEntry(match.entry, roots(ctx), io(ctx));
  } catch (error: unknown) {
    if (ctx.signal.aborted) throw error;
    ctx.warning(`Failed to restore: ${errorMessage(error)}`);
    match = undefined;
  }

  if (match === undefined) {
    if (failOnCacheMiss) {
      throw new ActionFailure(`Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: ${key}`);
    }
    // Like actions/cache, cache-hit stays unset when nothing was found.
    ctx.log(`Cache not found for input keys: ${[key, ...restoreKeys].join(", ")}`);
    return;
  }
  const matchedKey = match.entry.key;
  if (remember) {
    ctx.saveState(CACHE_STATE.matchedKey, matchedKey);
    ctx.saveState(CACHE_STATE.exactHit, String(match.exact));
  }
  ctx.setOutput("cache-hit", String(match.exact));
  ctx.setOutput("cache-matched-key", matchedKey);
  ctx.log(lookupOnly ? `Cache found and can be restored from key: ${matchedKey}` : `Cache restored from key: ${matchedKey}`);
}

/** The save half, shared by the post step of actions/cache and actions/cache/save. */
async function save(ctx: BuiltinContext, key: string): Promise<void> {
  assertCacheKey(key);
  const paths = requiredPaths(ctx);
  const version = cacheVersion(paths, readBooleanInput(ctx.inputs, "enableCrossOsArchive", false));
  let result;
  try {
    result = await saveEntry(key, version, paths, roots(ctx), io(ctx));
  } catch (error: unknown) {
    if (ctx.signal.aborted) throw error;
    ctx.warning(`Failed to save: ${errorMessage(error)}`);
    return;
  }
  if (result === "empty") {
    ctx.warning("Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.");
  } else if (result === "exists") {
    ctx.log(`A cache entry with key ${key} already exists; entries are immutable, so it was not saved again.`);
  } else {
    ctx.log(`Cache saved with key: ${key}`);
  }
}

async function post(ctx: BuiltinContext): Promise<void> {
  const key = ctx.state[CACHE_STATE.primaryKey] ?? "";
  if (key === "") {
    ctx.log("The main step left no cache key; not saving the cache.");
    return;
  }
  if (ctx.state[CACHE_STATE.exactHit] === "true") {
    ctx.log(`Cache hit occurred on the primary key ${key}, not saving cache.`);
    return;
  }
  await save(ctx, key);
}

const restoreInputs = {
  path: { required: true },
  key: { required: true },
  "restore-keys": {},
  enableCrossOsArchive: { default: "false" },
  "fail-on-cache-miss": { default: "false" },
  "lookup-only": { default: "false" },
} as const;

/** actions/cache: restore in main, save in post unless the primary key hit exactly. */
export const cacheAction: BuiltinAction = {
  id: "actions/cache",
  inputs: { ...restoreInputs, "upload-chunk-size": {}, "save-always": { default: "false" } },
  main: (ctx) => restore(ctx, true),
  post,
  // As actions/cache@v4: a failed job saves nothing (the deprecated save-always is not honoured).
  postIf: "success()",
};

/** actions/cache/restore: restore only; outputs cache-hit, cache-primary-key, cache-matched-key. */
export const cacheRestoreAction: BuiltinAction = {
  id: "actions/cache/restore",
  inputs: restoreInputs,
  main: (ctx) => restore(ctx, false),
};

/** actions/cache/save: save `path` under `key` right away. */
export const cacheSaveAction: BuiltinAction = {
  id: "actions/cache/save",
  inputs: {
    path: { required: true },
    key: { required: true },
    "upload-chunk-size": {},
    enableCrossOsArchive: { default: "false" },
  },
  main: (ctx) => save(ctx, requiredInput(ctx, "key")),
};
