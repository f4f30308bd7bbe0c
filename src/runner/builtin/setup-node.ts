import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { isNotFound } from "./fs-safety.js";
import { readInput } from "./inputs.js";
import { formatNodeVersion, matchNodeSpec, parseNodeVersion } from "./node-version-spec.js";
import type { HostNode } from "./node-version-spec.js";
import type { BuiltinAction, BuiltinContext } from "./types.js";
import { ActionFailure } from "./types.js";

/** The node running ferry, which is the only one available offline. */
export type HostNodeInfo = HostNode & { execPath: string; arch: string };

export function currentHostNode(): HostNodeInfo {
  const version = parseNodeVersion(process.version);
  if (version === undefined) throw new Error(`cannot parse process.version ${process.version}`);
  const lts = (process.release as { lts?: unknown }).lts;
  return { version, lts: typeof lts === "string" ? lts : undefined, execPath: process.execPath, arch: process.arch };
}

function objectField(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

/** The version spec in a node-version-file, read the way setup-node reads each kind of file. */
export function versionFromFile(fileName: string, content: string): string | undefined {
  if (basename(fileName) === "package.json") {
    let json: unknown;
    try {
      json = JSON.parse(content);
    } catch {
      return undefined;
    }
    const volta = objectField(objectField(json, "volta"), "node");
    if (typeof volta === "string" && volta.trim() !== "") return volta.trim();
    const runtime = objectField(objectField(json, "devEngines"), "runtime");
    const runtimes: unknown[] = Array.isArray(runtime) ? runtime : [runtime];
    for (const r of runtimes) {
      const version = objectField(r, "version");
      if (objectField(r, "name") === "node" && typeof version === "string" && version.trim() !== "") return version.trim();
    }
    const engines = objectField(objectField(json, "engines"), "node");
    return typeof engines === "string" && engines.trim() !== "" ? engines.trim() : undefined;
  }
  if (basename(fileName) === ".tool-versions") {
    const m = /^\s*(?:nodejs|node)\s+(?:ref:)?(\S+)/m.exec(content);
    return m?.[1];
  }
  const line = content
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, "").trim())
    .find((l) => l !== "");
  return line;
}

async function requestedSpec(ctx: BuiltinContext): Promise<string | undefined> {
  const version = readInput(ctx.inputs, "node-version");
  const file = readInput(ctx.inputs, "node-version-file");
  if (version !== "") {
    if (file !== "") ctx.warning("Both node-version and node-version-file inputs are specified, only node-version will be used");
    return version;
  }
  if (file === "") return undefined;
  const path = resolve(ctx.workspace, file);
  let content: string;
  try {
    content = await readFile(path, "utf8");
  } catch (error: unknown) {
    if (isNotFound(error)) throw new ActionFailure(`The specified node version file at: ${path} does not exist`);
    throw error;
  }
  const spec = versionFromFile(path, content);
  if (spec === undefined) throw new ActionFailure(`No node version found in ${file}`);
  ctx.log(`Resolved ${file} as ${spec}`);
  return spec;
}

const IGNORED_INPUTS: ReadonlyArray<[name: string, why: string]> = [
  ["cache", "dependency caching is not done by ferry's setup-node; use actions/cache"],
  ["cache-dependency-path", "dependency caching is not done by ferry's setup-node"],
  ["registry-url", "no .npmrc is written offline"],
  ["scope", "no .npmrc is written offline"],
  ["mirror", "nothing is downloaded offline"],
];

/** setup-node against a given host (tests pass their own). */
export async function setupNode(ctx: BuiltinContext, host: HostNodeInfo): Promise<void> {
  for (const [name, why] of IGNORED_INPUTS) {
    const value = readInput(ctx.inputs, name);
    if (value !== "") ctx.log(`Ignoring ${name}: ${value} (${why})`);
  }
  if (readInput(ctx.inputs, "check-latest") === "true") ctx.log("Ignoring check-latest: no newer version can be looked up offline");
  const arch = readInput(ctx.inputs, "architecture");
  // setup-node says x86 where node says ia32.
  if (arch !== "" && (arch === "x86" ? "ia32" : arch) !== host.arch) {
    throw new ActionFailure(`node for architecture ${arch} is not available offline; this host runs ${host.arch}`);
  }

  const hostVersion = formatNodeVersion(host.version);
  const spec = await requestedSpec(ctx);
  if (spec === undefined) {
    ctx.log(`No node-version or node-version-file given; leaving PATH alone (ferry itself runs on node ${hostVersion})`);
    return;
  }
  const match = matchNodeSpec(spec, host);
  if (!match.ok) {
    const why = match.reason === undefined ? "" : ` (${match.reason})`;
    throw new ActionFailure(`node ${spec} is not available offline; this host has node ${hostVersion}${why}`);
  }
  if (match.note !== undefined) ctx.log(`Note: ${match.note}`);
  ctx.log(`Using the host's node ${hostVersion} for node-version ${spec}`);
  ctx.addPath(dirname(host.execPath));
  ctx.setOutput("node-version", hostVersion);
}

export const setupNodeAction: BuiltinAction = {
  id: "actions/setup-node",
  inputs: {
    "node-version": {},
    "node-version-file": {},
    architecture: {},
    "check-latest": { default: "false" },
    "registry-url": {},
    scope: {},
    token: {},
    cache: {},
    "package-manager-cache": { default: "true" },
    "cache-dependency-path": {},
    mirror: {},
    "mirror-token": {},
    "always-auth": { default: "false" },
  },
  main: (ctx) => setupNode(ctx, currentHostNode()),
};
