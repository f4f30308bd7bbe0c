import { resolve } from "node:path";
import { isRepositoryName, isTag } from "../../registry/index.js";
import { pushArtifact } from "../../registry/artifact/index.js";
import { createRegistryClient } from "../../registry/client/index.js";
import { readInput, readListInput } from "./inputs.js";
import type { BuiltinAction, BuiltinContext } from "./types.js";
import { ActionFailure } from "./types.js";

function parseAnnotations(lines: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf("=");
    if (i <= 0) throw new ActionFailure(`annotations: expected key=value lines, got ${JSON.stringify(line)}`);
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** The registry to publish to: the server the job runs for, else `registry`/`token` inputs, else FERRY_SERVER/FERRY_TOKEN. */
function target(ctx: BuiltinContext): { url: string; token: string | undefined } {
  const url = readInput(ctx.inputs, "registry") || ctx.server?.url || ctx.env.FERRY_SERVER || "";
  if (url === "") {
    throw new ActionFailure("ferry/publish needs a Ferry server: run the workflow on a Ferry runner (ferry up), or set the registry input or FERRY_SERVER");
  }
  const token = readInput(ctx.inputs, "token") || (url === ctx.server?.url ? ctx.server.token : undefined) || ctx.env.FERRY_TOKEN || undefined;
  return { url: url.replace(/\/+$/, ""), token };
}

/**
 * `ferry/publish`: pushes files as a named, versioned artifact to Ferry's registry, for delivery to pick
 * up by digest. Provenance (repository, commit, run, job) comes from the job; on a Ferry runner the push
 * uses the job's token, so the server links the artifact to the run.
 */
async function main(ctx: BuiltinContext): Promise<void> {
  const name = readInput(ctx.inputs, "name");
  const version = readInput(ctx.inputs, "version");
  const paths = readListInput(ctx.inputs, "path");
  if (!isRepositoryName(name)) throw new ActionFailure(`name: ${JSON.stringify(name)} is not an artifact name (lowercase letters, digits, . _ - and / between parts)`);
  if (!isTag(version)) throw new ActionFailure(`version: ${JSON.stringify(version)} is not a version (letters, digits, . _ -; at most 128)`);
  if (paths.length === 0) throw new ActionFailure("Input required and not supplied: path");
  const base = resolve(ctx.workspace, readInput(ctx.inputs, "working-directory") || ".");
  const { url, token } = target(ctx);
  const pushed = await pushArtifact({
    client: createRegistryClient({ url, token }), name, version, paths, base,
    annotations: parseAnnotations(readListInput(ctx.inputs, "annotations")), env: ctx.env, tmpDir: ctx.tempDir,
  });
  const host = new URL(url).host;
  ctx.log(`Published ${name}:${version} (${pushed.entries} entries, ${pushed.layer.size} bytes${pushed.layer.uploaded ? "" : ", content already stored"})`);
  ctx.log(`Digest: ${pushed.digest}`);
  ctx.setOutput("digest", pushed.digest);
  ctx.setOutput("version", version);
  ctx.setOutput("reference", `${host}/${name}@${pushed.digest}`);
}

export const publishAction: BuiltinAction = {
  id: "ferry/publish",
  inputs: {
    name: { required: true },
    version: { required: true },
    path: { required: true },
    "working-directory": {},
    annotations: {},
    registry: {},
    token: {},
  },
  main,
};
