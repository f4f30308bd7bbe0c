import { realpath } from "node:fs/promises";
import path from "node:path";
import { StepConfigError } from "./step-config-error.js";
import { StepFailedError } from "./step-failed-error.js";

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/**
 * Resolves `p` (relative to `root`, or absolute) and checks it stays inside `root`.
 * `field` names the config field for the error.
 */
export function resolveInside(root: string, p: string, field: string): string {
  const resolved = path.resolve(root, p);
  if (!isInside(path.resolve(root), resolved)) {
    throw new StepConfigError(`${field}: ${JSON.stringify(p)} is outside the promotion's work directory`, { path: field });
  }
  return resolved;
}

/**
 * Like {@link resolveInside} but follows symbolic links of an existing path, so a link in a
 * cloned repository cannot point a write outside it.
 */
export async function realPathInside(root: string, p: string, field: string): Promise<string> {
  const lexical = resolveInside(root, p, field);
  const [realRoot, realTarget] = await Promise.all([realpath(root), realpath(lexical)]);
  if (!isInside(realRoot, realTarget)) {
    throw new StepFailedError(`${field}: ${JSON.stringify(p)} resolves (through a symbolic link) outside ${JSON.stringify(root)}`);
  }
  return realTarget;
}
