import { constants } from "node:fs";
import { copyFile, lstat, mkdir, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import picomatch from "picomatch";
import { ARTIFACT_FILES_DIR, artifactDirectory, listArtifacts, readArtifact, summarizeTree } from "./artifact-store.js";
import type { ArtifactRecord } from "./artifact-store.js";
import { isInside, isNotFound, isReallyInside } from "./fs-safety.js";
import { expandTilde, githubString, homeDirectory, readBooleanInput, readInput } from "./inputs.js";
import type { BuiltinAction, BuiltinContext, LocalStores } from "./types.js";
import { ActionFailure } from "./types.js";
import { listServerArtifacts, pullFromServer } from "./server-artifacts.js";

/**
 * Copies one stored artifact into `destination`, which is created if needed.
 * Every file lands inside `destination`: a path that would leave it (through
 * `..` or a symbolic link already there) fails the step. Existing files are
 * replaced; a directory in the way of a file is an error.
 */
export async function extractArtifact(
  stores: LocalStores,
  record: ArtifactRecord,
  destination: string,
  ctx: Pick<BuiltinContext, "warning" | "signal">,
): Promise<number> {
  const source = join(artifactDirectory(stores, record.runId, record.name), ARTIFACT_FILES_DIR);
  const summary = await summarizeTree(source, ctx.signal);
  if (summary.digest !== record.digest) {
    ctx.warning(`The digest of artifact "${record.name}" does not match the one recorded at upload; its files may have been changed`);
  }
  return copyFilesInto(source, summary.files, destination, ctx);
}

/** Copies `files` (relative, `/`-separated) from `source` into `destination`, never writing outside it. */
async function copyFilesInto(source: string, files: readonly string[], destination: string, ctx: Pick<BuiltinContext, "signal">): Promise<number> {
  await mkdir(destination, { recursive: true });
  for (const file of files) {
    ctx.signal.throwIfAborted();
    const target = join(destination, ...file.split("/"));
    if (!isInside(destination, target) || !(await isReallyInside(destination, dirname(target)))) {
      throw new ActionFailure(`Refusing to write ${JSON.stringify(file)} outside ${destination}`);
    }
    await mkdir(dirname(target), { recursive: true });
    if (!(await isReallyInside(destination, dirname(target)))) {
      throw new ActionFailure(`Refusing to write ${JSON.stringify(file)} outside ${destination}`);
    }
    await removeExistingFile(target);
    await copyFile(join(source, ...file.split("/")), target, constants.COPYFILE_EXCL);
  }
  return files.length;
}

/** download-artifact against the server's registry (server runners). */
async function downloadFromServer(ctx: BuiltinContext & { server: NonNullable<BuiltinContext["server"]> }, runId: string, destination: string): Promise<void> {
  const name = readInput(ctx.inputs, "name");
  const idsInput = readInput(ctx.inputs, "artifact-ids");
  const pattern = readInput(ctx.inputs, "pattern");
  const mergeMultiple = readBooleanInput(ctx.inputs, "merge-multiple", false);
  let artifacts = await listServerArtifacts(ctx.server, runId, ctx.signal);
  if (name !== "") {
    const one = artifacts.find((a) => a.name === name);
    if (one === undefined) throw new ActionFailure(`Artifact not found: ${name}`);
    artifacts = [one];
  } else if (idsInput !== "") {
    const ids = idsInput.split(",").map((id) => id.trim()).filter((id) => id !== "");
    const missing = ids.filter((id) => !artifacts.some((a) => String(a.id) === id));
    if (missing.length > 0) throw new ActionFailure(`Artifact not found: ID ${missing.join(", ")}`);
    artifacts = artifacts.filter((a) => ids.includes(String(a.id)));
  } else if (pattern !== "") {
    const matches = picomatch(pattern, { dot: true });
    artifacts = artifacts.filter((a) => matches(a.name));
  }
  if (name === "") ctx.log(`Found ${artifacts.length} artifact(s)`);
  for (const artifact of artifacts) {
    const target = name !== "" || mergeMultiple ? destination : join(destination, artifact.name);
    ctx.log(`Downloading artifact "${artifact.name}" (ID ${artifact.id}, ${artifact.digest}) to ${target}`);
    const pulled = await pullFromServer(ctx, artifact);
    try {
      const { files } = await summarizeTree(pulled.dir, ctx.signal);
      const count = await copyFilesInto(pulled.dir, files, target, ctx);
      if (name !== "") ctx.log(`Artifact download completed successfully (${count} file(s)).`);
    } finally {
      await pulled.cleanup();
    }
  }
  if (name === "") ctx.log(`Total of ${artifacts.length} artifact(s) downloaded`);
  ctx.setOutput("download-path", destination);
}

async function removeExistingFile(path: string): Promise<void> {
  try {
    const info = await lstat(path);
    if (info.isDirectory()) throw new ActionFailure(`Cannot write file ${path}: a directory is in the way`);
    // Unlink rather than write through, so a symbolic link here is replaced, never followed.
    await rm(path, { force: true });
  } catch (error: unknown) {
    if (!isNotFound(error)) throw error;
  }
}

function selectRunId(ctx: BuiltinContext): string {
  const requested = readInput(ctx.inputs, "run-id");
  if (requested === "" || requested === ctx.runId || requested === githubString(ctx.github, "run_id")) return ctx.runId;
  return requested;
}

async function main(ctx: BuiltinContext): Promise<void> {
  const name = readInput(ctx.inputs, "name");
  const idsInput = readInput(ctx.inputs, "artifact-ids");
  const pattern = readInput(ctx.inputs, "pattern");
  const mergeMultiple = readBooleanInput(ctx.inputs, "merge-multiple", false);
  const repository = readInput(ctx.inputs, "repository");
  if (name !== "" && idsInput !== "") {
    throw new ActionFailure("Inputs 'name' and 'artifact-ids' cannot be used together. Please specify only one.");
  }
  const ownRepository = githubString(ctx.github, "repository");
  if (repository !== "" && repository.toLowerCase() !== ownRepository.toLowerCase()) {
    throw new ActionFailure(
      `Downloading artifacts of another repository (${repository}) needs the network; only artifacts of local runs are available`,
    );
  }
  const runId = selectRunId(ctx);
  const pathInput = readInput(ctx.inputs, "path");
  const destination = resolve(ctx.workspace, expandTilde(pathInput === "" ? "." : pathInput, homeDirectory(ctx.env)));
  const server = ctx.server;
  if (server !== undefined) return downloadFromServer({ ...ctx, server }, runId, destination);

  if (name !== "") {
    const record = await readArtifact(ctx.stores, runId, name);
    if (record === undefined) throw new ActionFailure(`Artifact not found: ${name}`);
    ctx.log(`Downloading artifact "${name}" (ID ${record.id}) to ${destination}`);
    const count = await extractArtifact(ctx.stores, record, destination, ctx);
    ctx.log(`Artifact download completed successfully (${count} file(s)).`);
    ctx.setOutput("download-path", destination);
    return;
  }

  let records = await listArtifacts(ctx.stores, runId);
  if (idsInput !== "") {
    const ids = idsInput.split(",").map((id) => id.trim()).filter((id) => id !== "");
    const missing = ids.filter((id) => !records.some((record) => record.id === id));
    if (missing.length > 0) throw new ActionFailure(`Artifact not found: ID ${missing.join(", ")}`);
    records = records.filter((record) => ids.includes(record.id));
  } else if (pattern !== "") {
    const matches = picomatch(pattern, { dot: true });
    records = records.filter((record) => matches(record.name));
  }
  ctx.log(`Found ${records.length} artifact(s)`);
  for (const record of records) {
    const target = mergeMultiple ? destination : join(destination, record.name);
    ctx.log(`Downloading artifact "${record.name}" (ID ${record.id}) to ${target}`);
    await extractArtifact(ctx.stores, record, target, ctx);
  }
  ctx.log(`Total of ${records.length} artifact(s) downloaded`);
  ctx.setOutput("download-path", destination);
}

export const downloadArtifactAction: BuiltinAction = {
  id: "actions/download-artifact",
  inputs: {
    name: {},
    "artifact-ids": {},
    path: {},
    pattern: {},
    "merge-multiple": { default: "false" },
    "github-token": {},
    repository: {},
    "run-id": {},
  },
  main,
};
