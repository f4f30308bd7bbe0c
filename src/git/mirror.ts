import { mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Git } from "./git.js";
import { createKeyedQueue } from "./keyed-queue.js";
import { assertMirrorName } from "./mirror-name.js";
import { MirrorNotFoundError } from "./mirror-not-found-error.js";
import { assertRepositoryUrl, urlError } from "./redact-url.js";
import { remoteConfigArgs } from "./remote-config-args.js";
import { changedFiles, commitInfo, tryResolveCommit, resolveCommit, type CommitInfo } from "./repo-info.js";
import { createMergeCommit, type MergeCommitResult } from "./merge-commit.js";

export interface CreateMirrorsOptions {
  git: Git;
  /** Mirrors live at `<dir>/<name>.git`; `<dir>/.incoming` holds mirrors being created. */
  dir: string;
}

/**
 * Bare mirrors of remote repositories, one per name. Writes (`ensure`, `fetch`)
 * to one mirror run one at a time; different mirrors are written concurrently.
 * Readers need no lock: git publishes objects before the refs that reach them,
 * and a new mirror appears (by rename) only once its first fetch succeeded.
 */
export interface Mirrors {
  /** The mirror's bare repository directory (whether or not it exists yet). */
  pathFor(name: string): string;
  /** Creates the mirror with a full fetch from `url` unless it exists; returns its path. */
  ensure(name: string, url: string): Promise<string>;
  /**
   * Fetches branches and tags from `url` (creating the mirror if needed),
   * pruning those deleted upstream. With `refs` (full `refs/heads/…` or
   * `refs/tags/…` names, which must exist upstream) only those are updated.
   */
  fetch(name: string, url: string, refs?: readonly string[]): Promise<void>;
  /** The file's content at commit `sha`, or undefined when there is no such file. */
  readFile(name: string, sha: string, filePath: string): Promise<string | undefined>;
  /** Sorted paths of the files under any of `dirs` (`""` or `.` for all) at commit `sha`. */
  listFiles(name: string, sha: string, dirs: readonly string[]): Promise<string[]>;
  /** Paths that differ between commits `from` (null: none, so every file) and `to`. */
  changedFiles(name: string, from: string | null, to: string): Promise<string[]>;
  commit(name: string, sha: string): Promise<CommitInfo>;
  /**
   * The test merge of pull request `number`: `head` merged into `base` as a commit with both as
   * parents, kept at `refs/ferry/pull/<number>/merge` (fetchable by runners); or the conflicting files.
   */
  mergePullRequest(name: string, number: number, base: string, head: string): Promise<MergeCommitResult>;
}

const ALL_REFS = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"] as const;
const SHA = /^[0-9a-f]{40}$/i;

export function createMirrors({ git, dir }: CreateMirrorsOptions): Mirrors {
  const root = path.resolve(dir);
  const writes = createKeyedQueue();

  const pathFor = (name: string): string => {
    assertMirrorName(name);
    return path.join(root, `${name}.git`);
  };

  const existing = async (name: string): Promise<string> => {
    const repo = pathFor(name);
    if (!(await exists(repo))) throw new MirrorNotFoundError(name);
    return repo;
  };

  const fetchInto = async (repo: string, url: string, refs: readonly string[] | undefined): Promise<void> => {
    const args = [
      ...remoteConfigArgs(),
      "fetch",
      "--quiet",
      "--atomic",
      "--no-tags",
      ...(refs === undefined ? ["--prune"] : []),
      "--no-write-fetch-head",
      "--no-recurse-submodules",
      "--end-of-options",
      url,
      ...(refs === undefined ? ALL_REFS : refs.map((ref) => `+${ref}:${ref}`)),
    ];
    try {
      await git.run(repo, args);
    } catch (error: unknown) {
      throw urlError(error, "fetch", url);
    }
    if (refs === undefined) await followRemoteHead(git, repo, url);
  };

  /** Builds the mirror under `.incoming` and renames it into place once fetched. */
  const create = async (repo: string, url: string): Promise<void> => {
    const incoming = path.join(root, ".incoming");
    await mkdir(incoming, { recursive: true });
    const temp = await mkdtemp(path.join(incoming, "mirror-"));
    try {
      // An empty --template skips copying sample hooks.
      await git.run(incoming, ["init", "--quiet", "--bare", "--template=", "--", temp]);
      // Runners fetch commits by sha, including ones a force-push has since orphaned.
      await git.run(temp, ["config", "uploadpack.allowAnySHA1InWant", "true"]);
      await fetchInto(temp, url, undefined);
      await mkdir(path.dirname(repo), { recursive: true });
      await rename(temp, repo);
    } catch (error: unknown) {
      await rm(temp, { recursive: true, force: true });
      // Another process created it first; theirs is as good as ours.
      if (isNodeError(error) && (error.code === "ENOTEMPTY" || error.code === "EEXIST") && (await exists(repo))) return;
      throw error;
    }
  };

  return {
    pathFor,

    async ensure(name, url) {
      const repo = pathFor(name);
      assertRepositoryUrl(url);
      return writes.run(repo, async () => {
        if (!(await exists(repo))) await create(repo, url);
        return repo;
      });
    },

    async fetch(name, url, refs) {
      const repo = pathFor(name);
      assertRepositoryUrl(url);
      refs?.forEach(assertFetchRef);
      return writes.run(repo, async () => {
        if (await exists(repo)) await fetchInto(repo, url, refs);
        else await create(repo, url);
      });
    },

    async readFile(name, sha, filePath) {
      assertSha(sha);
      assertRepoPath(filePath, "file path");
      const repo = await existing(name);
      const res = await git.run(repo, ["cat-file", "--batch"], { input: `${sha}:${filePath}\n` });
      const newline = res.stdout.indexOf("\n");
      const header = newline < 0 ? res.stdout : res.stdout.slice(0, newline);
      if (/^[0-9a-f]+ blob \d+$/.test(header)) {
        // --batch ends each object with a newline of its own.
        return res.stdout.slice(newline + 1, -1);
      }
      // Missing, or not a file: fail loudly only if the commit itself is unknown.
      await resolveCommit(git, repo, sha);
      return undefined;
    },

    async listFiles(name, sha, dirs) {
      assertSha(sha);
      const prefixes = dirs.map(normalizeDir);
      const repo = await existing(name);
      if (prefixes.length === 0) return [];
      const all = prefixes.includes("");
      const res = await git.run(repo, [
        "--literal-pathspecs",
        "ls-tree",
        "-r",
        "-z",
        "--full-tree",
        "--end-of-options",
        sha,
        ...(all ? [] : prefixes),
      ]);
      const files = new Set<string>();
      for (const entry of res.stdout.split("\0")) {
        // <mode> SP <type> SP <object> TAB <path>
        const tab = entry.indexOf("\t");
        const type = entry.split(" ")[1];
        const file = entry.slice(tab + 1);
        if (tab < 0 || type !== "blob") continue;
        if (all || prefixes.some((prefix) => file.startsWith(`${prefix}/`))) files.add(file);
      }
      return [...files].sort();
    },

    async changedFiles(name, from, to) {
      if (from !== null) assertSha(from);
      assertSha(to);
      return changedFiles(git, await existing(name), from, to);
    },

    async commit(name, sha) {
      assertSha(sha);
      return commitInfo(git, await existing(name), sha);
    },

    async mergePullRequest(name, number, base, head) {
      assertSha(base);
      assertSha(head);
      if (!Number.isSafeInteger(number) || number <= 0) throw new Error(`invalid pull request number: ${JSON.stringify(number)}`);
      const repo = await existing(name);
      return writes.run(repo, async () => {
        // Older versions kept a fork's head at refs/ferry/pull/<n>, which would block refs/ferry/pull/<n>/merge.
        await git.run(repo, ["update-ref", "-d", `refs/ferry/pull/${number}`], { allowFailure: true });
        return createMergeCommit(git, repo, { base: base.toLowerCase(), head: head.toLowerCase(), ref: `refs/ferry/pull/${number}/merge` });
      });
    },
  };
}

/** Points HEAD at the remote's default branch when it does not name a local branch. Best effort. */
async function followRemoteHead(git: Git, repo: string, url: string): Promise<void> {
  const head = await git.run(repo, ["symbolic-ref", "--quiet", "HEAD"], { allowFailure: true });
  if (head.code === 0 && (await tryResolveCommit(git, repo, head.stdout.trim())) !== null) return;
  const remote = await git.run(repo, [...remoteConfigArgs(), "ls-remote", "--symref", "--end-of-options", url, "HEAD"], {
    allowFailure: true,
  });
  const target = /^ref: (refs\/heads\/[^\t\n]+)\tHEAD$/m.exec(remote.stdout)?.[1];
  if (remote.code !== 0 || target === undefined) return;
  if ((await tryResolveCommit(git, repo, target)) === null) return;
  await git.run(repo, ["symbolic-ref", "HEAD", target], { allowFailure: true });
}

function assertSha(sha: string): void {
  if (!SHA.test(sha)) throw new Error(`invalid commit sha: ${JSON.stringify(sha)}`);
}

/** A relative path inside a repository: no `.`/`..`/empty segments, not option-like. */
function assertRepoPath(value: string, what: string): void {
  const badSegment = value.split("/").some((s) => s === "" || s === "." || s === "..");
  if (value.startsWith("-") || /[\0\r\n]/.test(value) || badSegment) {
    throw new Error(`invalid ${what}: ${JSON.stringify(value)}`);
  }
}

function normalizeDir(dir: string): string {
  const trimmed = dir.replace(/^(?:\.\/)+/, "").replace(/\/+$/, "");
  if (trimmed === "" || trimmed === ".") return "";
  assertRepoPath(trimmed, "directory");
  return trimmed;
}

/** A full branch or tag name, checked like `git check-ref-format` would (no patterns). */
function assertFetchRef(ref: string): void {
  const valid =
    /^refs\/(?:heads|tags)\/[^\0-\x20\x7f~^:?*[\\]+$/.test(ref) &&
    !ref.includes("..") &&
    !ref.includes("@{") &&
    !ref.includes("//") &&
    !ref.endsWith("/") &&
    !ref.endsWith(".") &&
    ref.split("/").every((segment) => !segment.startsWith(".") && !segment.endsWith(".lock"));
  if (!valid) throw new Error(`invalid ref to fetch: ${JSON.stringify(ref)}`);
}

async function exists(repo: string): Promise<boolean> {
  try {
    return (await stat(path.join(repo, "HEAD"))).isFile();
  } catch (error: unknown) {
    if (isNodeError(error) && (error.code === "ENOENT" || error.code === "ENOTDIR")) return false;
    throw error;
  }
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "code" in error;
}
