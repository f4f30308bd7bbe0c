import picomatch from "picomatch";
import type { GitSubscription } from "../resources/index.js";

const OPTIONS = { dot: true } as const;

/**
 * Whether a commit that changed `changedPaths` (paths relative to the top of the repository)
 * counts for a Git subscription: it changes at least one path that matches `includePaths` (every
 * path, when there are none) and does not match `excludePaths`. A commit that changes nothing
 * (an empty or merge-only commit) counts only when the subscription filters no paths.
 */
export function commitChangesCount(subscription: Pick<GitSubscription, "includePaths" | "excludePaths">, changedPaths: readonly string[]): boolean {
  const includes = subscription.includePaths ?? [];
  const excludes = subscription.excludePaths ?? [];
  if (includes.length === 0 && excludes.length === 0) return true;
  const included = includes.length === 0 ? () => true : picomatch(includes, OPTIONS);
  const excluded = excludes.length === 0 ? () => false : picomatch(excludes, OPTIONS);
  return changedPaths.some((path) => included(path) && !excluded(path));
}
