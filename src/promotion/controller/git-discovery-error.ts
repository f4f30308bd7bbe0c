/**
 * Why the newest commit of a Git subscription could not be discovered:
 * - `fetch-failed`: the remote could not be fetched (unreachable, not a repository, no such branch
 *   there, no access); retried on the warehouse's next discovery.
 * - `branch-not-found`: the remote has no such branch; fix the subscription or push the branch.
 */
export class GitDiscoveryError extends Error {
  constructor(
    readonly code: "fetch-failed" | "branch-not-found",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "GitDiscoveryError";
  }
}
