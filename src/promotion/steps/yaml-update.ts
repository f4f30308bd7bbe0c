import { randomBytes } from "node:crypto";
import { readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { applyYamlUpdates } from "./apply-yaml-updates.js";
import { realPathInside, resolveInside } from "./resolve-inside.js";
import { StepFailedError } from "./step-failed-error.js";
import type { PromotionStep } from "./types.js";
import { parseKeyPath } from "./yaml-key-path.js";

export const yamlUpdateConfigSchema = z.strictObject({
  /** The clone (the `path` output of git-clone). */
  path: z.string().min(1),
  /** The YAML file, relative to the clone. */
  file: z.string().min(1),
  updates: z
    .array(z.strictObject({
      /** Dotted key; `[n]` indexes lists, `["a.b"]` quotes a key: `spec.artifact`, `services[0].tag`. */
      key: z.string().min(1),
      value: z.unknown(),
    }))
    .min(1),
});
export type YamlUpdateConfig = z.infer<typeof yamlUpdateConfigSchema>;

function isMissing(error: unknown): boolean {
  return error instanceof Error && "code" in error && (error.code === "ENOENT" || error.code === "ENOTDIR");
}

/** Writes through a temporary file and a rename, keeping the file's mode. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const { mode } = await stat(file);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temp, text, { mode });
    await rename(temp, file);
  } catch (error: unknown) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * `yaml-update`: sets fields of a YAML file in the clone, keeping comments and formatting.
 * Outputs `{ changed }`.
 */
export function createYamlUpdateStep(): PromotionStep<YamlUpdateConfig> {
  return {
    name: "yaml-update",
    configSchema: yamlUpdateConfigSchema,
    async run(config, ctx) {
      const updates = config.updates.map((u, i) => ({ path: parseKeyPath(u.key, `updates[${i}].key`), value: u.value }));
      const repo = resolveInside(ctx.workDir, config.path, "path");
      const lexical = resolveInside(repo, config.file, "file");
      let file: string;
      let text: string;
      try {
        file = await realPathInside(repo, lexical, "file");
        text = await readFile(file, "utf8");
      } catch (error: unknown) {
        if (isMissing(error)) throw new StepFailedError(`${config.file} does not exist in ${config.path}`);
        throw error;
      }
      const result = applyYamlUpdates(text, updates, config.file);
      if (result.changed) await writeAtomically(file, result.text);
      ctx.log(result.changed ? `updated ${config.file}` : `${config.file} already up to date`);
      return { status: "Succeeded", outputs: { changed: result.changed } };
    },
  };
}
