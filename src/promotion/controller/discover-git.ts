import { createHash } from "node:crypto";
import { join } from "node:path";
import { createMirrors, GitError, redactUrl, tryResolveCommit } from "../../git/index.js";
import type { Git } from "../../git/index.js";
import type { GitSubscription } from "../../resources/index.js";
import { commitChangesCount } from "../commit-changes-count.js";
import { NAME_ONLY_LOG_ARGS, parseNameOnlyLog } from "../parse-name-only-log.js";
import type { DiscoveredCommit } from "../plan-freight.js";
import { GitDiscoveryError } from "./git-discovery-error.js";

/** How many commits of a branch (first parents, newest first) a path-filtered subscription looks at. */
export const GIT_WALK_LIMIT = 500;

/** Environment for the git that discovery runs: an HTTP transfer stalled for a minute is given up. */
export const DISCOVERY_GIT_ENV: Readonly<Record<string, string>> = {
  GIT_HTTP_LOW_SPEED_LIMIT: "1", GIT_HTTP_LOW_SPEED_TIME: "60",
  // ssh must never ask (for a host key or a password) on the server's terminal, nor wait long for a host.
  GIT_SSH_COMMAND: "ssh -o BatchMode=yes -o ConnectTimeout=20",
};

export type GitDiscoveryDeps = {
  git: Git;
  /** The promotion work directory; the caches live in `<workDir>/git-cache/`. */
  workDir: string;
  /** Overrides GIT_WALK_LIMIT. */
  walkLimit?: number;
};

export type GitDiscovery = {
  /**
   * The newest commit of the subscription's branch that counts for it (see commitChangesCount),
   * after fetching the branch; `undefined` when none of the last GIT_WALK_LIMIT commits does.
   * Throws GitDiscoveryError when the remote or the branch cannot be read.
   */
  newestCommit(subscription: Pick<GitSubscription, "repoURL" | "branch" | "includePaths" | "excludePaths">): Promise<DiscoveredCommit | undefined>;
  /** The bare cache repository of a remote (whether or not it exists yet). */
  cacheDir(repoURL: string): string;
};

/** The cache of a remote is named after it: the first 16 hex digits of the sha256 of its URL. */
export function gitCacheName(repoURL: string): string {
  return createHash("sha256").update(repoURL).digest("hex").slice(0, 16);
}

function reason(error: unknown): string {
  if (error instanceof GitError) return error.stderr.split("\n").find((line) => line.trim() !== "")?.trim() ?? `git exited with ${error.exitCode}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Discovery of Git subscriptions: one bare cache repository per remote URL, created atomically
 * (built aside, then renamed into place) and fetched one fetch at a time per cache. Git runs
 * without a shell, with the URL and refs after `--end-of-options`.
 */
export function createGitDiscovery(deps: GitDiscoveryDeps): GitDiscovery {
  const { git } = deps;
  const limit = deps.walkLimit ?? GIT_WALK_LIMIT;
  const mirrors = createMirrors({ git, dir: join(deps.workDir, "git-cache") });

  return {
    cacheDir: (repoURL) => mirrors.pathFor(gitCacheName(repoURL)),

    async newestCommit(subscription) {
      const { repoURL, branch } = subscription;
      const where = `branch "${branch}" of ${redactUrl(repoURL)}`;
      const name = gitCacheName(repoURL);
      try {
        await mirrors.fetch(name, repoURL, [`refs/heads/${branch}`]);
      } catch (error: unknown) {
        throw new GitDiscoveryError("fetch-failed", `cannot fetch ${where}: ${reason(error)}`, { cause: error });
      }
      const repo = mirrors.pathFor(name);
      const head = await tryResolveCommit(git, repo, `refs/heads/${branch}`);
      if (head === null) throw new GitDiscoveryError("branch-not-found", `no ${where}`);
      const filtered = (subscription.includePaths?.length ?? 0) > 0 || (subscription.excludePaths?.length ?? 0) > 0;
      if (!filtered) return { id: head };

      // Merges count with what they brought to the branch: their diff against the first parent.
      const log = await git.run(repo, [...NAME_ONLY_LOG_ARGS, "--first-parent", "--diff-merges=first-parent", `--max-count=${limit}`, "--end-of-options", head, "--"]);
      const newest = parseNameOnlyLog(log.stdout).find((commit) => commitChangesCount(subscription, commit.paths));
      return newest === undefined ? undefined : { id: newest.id };
    },
  };
}
