import { copyFile, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import {
  ARTIFACT_FILES_DIR,
  ARTIFACT_RECORD_FILE,
  allocateArtifactId,
  artifactDirectory,
  readArtifact,
  stagingDirectory,
  summarizeTree,
} from "./artifact-store.js";
import type { ArtifactRecord } from "./artifact-store.js";
import { errorCode, randomName } from "./fs-safety.js";
import { homeDirectory, readBooleanInput, readInput, readListInput } from "./inputs.js";
import { commonAncestor, findPaths, parsePathPatterns, searchRoots } from "./path-patterns.js";
import type { BuiltinAction, BuiltinContext } from "./types.js";
import { ActionFailure } from "./types.js";
import { listServerArtifacts, uploadToServer } from "./server-artifacts.js";

/** What an upload would store: the files and the directory their stored paths are relative to. */
export type UploadPlan = { rootDirectory: string; files: string[] };

/**
 * Resolves `path:` lines to files the way upload-artifact@v4 does: directories
 * bring everything below them, `!` lines exclude, hidden names are skipped
 * unless asked for, and the stored paths are relative to the least common
 * ancestor of the search paths (the directory of a lone file).
 */
export async function planUpload(
  lines: readonly string[],
  options: { cwd: string; home: string; includeHidden: boolean; signal?: AbortSignal | undefined },
): Promise<UploadPlan> {
  const patterns = parsePathPatterns(lines, options.cwd, options.home);
  const found = await findPaths(patterns, {
    followSymlinks: true,
    includeHidden: options.includeHidden,
    alwaysVisible: options.cwd,
    signal: options.signal,
  });
  const files = found.filter((entry) => entry.kind === "file").map((entry) => entry.path);
  const roots = searchRoots(patterns);
  const [onlyRoot] = roots;
  let rootDirectory: string;
  if (roots.length > 1 || onlyRoot === undefined) rootDirectory = commonAncestor(roots.length > 0 ? roots : [options.cwd]);
  else if (files.length === 1 && files[0] === onlyRoot) rootDirectory = dirname(onlyRoot);
  else rootDirectory = onlyRoot;
  return { rootDirectory, files };
}

function parseRetentionDays(value: string): number | undefined {
  if (value === "") return undefined;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 0) {
    throw new ActionFailure(`retention-days must be a whole number of days, got ${JSON.stringify(value)}`);
  }
  return days === 0 ? undefined : days;
}

function reportNoFiles(ctx: BuiltinContext, mode: string, pathInput: string): void {
  const message = `No files were found with the provided path: ${pathInput}. No artifacts will be uploaded.`;
  if (mode === "error") throw new ActionFailure(message);
  if (mode === "ignore") ctx.log(message);
  else ctx.warning(message);
}

async function main(ctx: BuiltinContext): Promise<void> {
  const name = readInput(ctx.inputs, "name") || "artifact";
  const pathLines = readListInput(ctx.inputs, "path");
  const ifNoFilesFound = readInput(ctx.inputs, "if-no-files-found") || "warn";
  if (!["warn", "error", "ignore"].includes(ifNoFilesFound)) {
    throw new ActionFailure(`if-no-files-found must be warn, error or ignore, got ${JSON.stringify(ifNoFilesFound)}`);
  }
  const retentionDays = parseRetentionDays(readInput(ctx.inputs, "retention-days"));
  const overwrite = readBooleanInput(ctx.inputs, "overwrite", false);
  const includeHidden = readBooleanInput(ctx.inputs, "include-hidden-files", false);
  if (pathLines.length === 0) throw new ActionFailure("Input required and not supplied: path");
  const finalDir = artifactDirectory(ctx.stores, ctx.runId, name);

  const plan = await planUpload(pathLines, {
    cwd: ctx.workspace,
    home: homeDirectory(ctx.env),
    includeHidden,
    signal: ctx.signal,
  });
  if (plan.files.length === 0) {
    reportNoFiles(ctx, ifNoFilesFound, pathLines.join("\n"));
    return;
  }
  ctx.log(`With the provided path, there will be ${plan.files.length} file(s) uploaded`);
  warnCaseCollisions(ctx, plan);

  const server = ctx.server;
  if (server !== undefined) {
    const exists = (await listServerArtifacts(server, ctx.runId, ctx.signal)).some((a) => a.name === name);
    if (exists && !overwrite) {
      throw new ActionFailure(`An artifact named "${name}" already exists in this run; use a different name or set overwrite: true to replace it`);
    }
    if (exists) ctx.log(`Replacing the existing artifact "${name}"`);
    const uploaded = await uploadToServer({ ...ctx, server }, name, plan);
    ctx.log(`Artifact ${name} has been successfully uploaded! Final size is ${uploaded.size} bytes. Artifact ID is ${uploaded.id}`);
    ctx.setOutput("artifact-id", String(uploaded.id));
    ctx.setOutput("artifact-url", `${server.url}/api/v1/runs/${encodeURIComponent(ctx.runId)}/artifacts/${uploaded.id}`);
    ctx.setOutput("artifact-digest", uploaded.digest);
    return;
  }

  if (!overwrite && (await readArtifact(ctx.stores, ctx.runId, name)) !== undefined) {
    throw new ActionFailure(
      `An artifact named "${name}" already exists in this run; use a different name or set overwrite: true to replace it`,
    );
  }

  const staging = join(stagingDirectory(ctx.stores), randomName("upload-"));
  try {
    const filesDir = join(staging, ARTIFACT_FILES_DIR);
    await mkdir(filesDir, { recursive: true });
    for (const file of plan.files) {
      ctx.signal.throwIfAborted();
      const target = join(filesDir, relative(plan.rootDirectory, file));
      await mkdir(dirname(target), { recursive: true });
      await copyFile(file, target);
    }
    const summary = await summarizeTree(filesDir, ctx.signal);
    const now = new Date();
    const record: ArtifactRecord = {
      id: await allocateArtifactId(ctx.stores, ctx.runId),
      name,
      runId: ctx.runId,
      createdAt: now.toISOString(),
      ...(retentionDays === undefined
        ? {}
        : { expiresAt: new Date(now.getTime() + retentionDays * 86_400_000).toISOString() }),
      digest: summary.digest,
      size: summary.size,
      fileCount: summary.files.length,
    };
    await writeFile(join(staging, ARTIFACT_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
    await mkdir(dirname(finalDir), { recursive: true });
    await moveIntoPlace(ctx, staging, finalDir, name, overwrite);

    ctx.log(`Artifact ${name} has been successfully uploaded! Final size is ${record.size} bytes. Artifact ID is ${record.id}`);
    ctx.setOutput("artifact-id", record.id);
    ctx.setOutput("artifact-url", pathToFileURL(join(finalDir, ARTIFACT_FILES_DIR)).href);
    ctx.setOutput("artifact-digest", record.digest);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function moveIntoPlace(ctx: BuiltinContext, staging: string, finalDir: string, name: string, overwrite: boolean): Promise<void> {
  let old: string | undefined;
  if (overwrite && (await readArtifact(ctx.stores, ctx.runId, name)) !== undefined) {
    old = join(dirname(staging), randomName("replaced-"));
    await rename(finalDir, old);
    ctx.log(`Replacing the existing artifact "${name}"`);
  }
  try {
    await rename(staging, finalDir);
  } catch (error: unknown) {
    if (old !== undefined) await rename(old, finalDir).catch(() => undefined);
    const code = errorCode(error);
    if (code === "ENOTEMPTY" || code === "EEXIST") {
      throw new ActionFailure(`An artifact named "${name}" was created by another job at the same time; not overwriting it`);
    }
    throw error;
  }
  if (old !== undefined) await rm(old, { recursive: true, force: true });
}

function warnCaseCollisions(ctx: BuiltinContext, plan: UploadPlan): void {
  const seen = new Set<string>();
  for (const file of plan.files) {
    const key = relative(plan.rootDirectory, file).split(sep).join("/").toLowerCase();
    if (seen.has(key)) {
      ctx.log(`Uploads are case insensitive: ${file} was detected that it will be overwritten by another file with the same path`);
    }
    seen.add(key);
  }
}

export const uploadArtifactAction: BuiltinAction = {
  id: "actions/upload-artifact",
  inputs: {
    name: { default: "artifact" },
    path: { required: true },
    "if-no-files-found": { default: "warn" },
    "retention-days": {},
    "compression-level": { default: "6" },
    overwrite: { default: "false" },
    "include-hidden-files": { default: "false" },
  },
  main,
};
