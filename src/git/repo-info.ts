import { stat } from "node:fs/promises";
import path from "node:path";
import { assertNotOption } from "./assert-not-option.js";
import { GitError, type Git } from "./git.js";
import { parseRepositoryUrl } from "./parse-repository-url.js";

export interface CommitPerson {
  name: string;
  email: string;
  /** GitHub login when derivable from a noreply address, else the email's local part (or the name). */
  username: string;
}

export interface CommitInfo {
  id: string;
  treeId: string;
  /** Full message without trailing newlines. */
  message: string;
  /** Committer date, ISO 8601 with offset. */
  timestamp: string;
  author: CommitPerson;
  committer: CommitPerson;
  added: string[];
  removed: string[];
  modified: string[];
}

export async function isRepo(git: Git, dir: string): Promise<boolean> {
  try {
    if (!(await stat(dir)).isDirectory()) return false;
  } catch (error: unknown) {
    if (isNodeError(error) && (error.code === "ENOENT" || error.code === "ENOTDIR")) return false;
    throw error;
  }
  const res = await git.run(dir, ["rev-parse", "--is-inside-work-tree"], { allowFailure: true });
  return res.code === 0 && res.stdout.trim() === "true";
}

/** Resolves `rev` to a full commit object name; throws a GitError if it does not name a commit. */
export async function resolveCommit(git: Git, dir: string, rev: string): Promise<string> {
  assertNotOption(rev, "revision");
  const res = await git.run(dir, ["rev-parse", "--verify", "--end-of-options", `${rev}^{commit}`]);
  return res.stdout.trim();
}

/** Like resolveCommit but returns null when `rev` does not name a commit. */
export async function tryResolveCommit(git: Git, dir: string, rev: string): Promise<string | null> {
  assertNotOption(rev, "revision");
  const res = await git.run(dir, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`], {
    allowFailure: true,
  });
  const sha = res.stdout.trim();
  return res.code === 0 && sha !== "" ? sha : null;
}

export function headSha(git: Git, dir: string): Promise<string> {
  return resolveCommit(git, dir, "HEAD");
}

/** The full ref HEAD points at (e.g. `refs/heads/main`), or null when HEAD is detached. */
export async function currentRef(git: Git, dir: string): Promise<string | null> {
  const args = ["symbolic-ref", "--quiet", "HEAD"];
  const res = await git.run(dir, args, { allowFailure: true });
  const ref = res.stdout.trim();
  if (res.code === 1) return null;
  if (res.code !== 0) throw new GitError(args, res.stderr, res.code);
  return ref === "" ? null : ref;
}

/**
 * The repository's default branch name: from `refs/remotes/origin/HEAD`, else the
 * current branch, else `main`.
 */
export async function defaultBranch(git: Git, dir: string): Promise<string> {
  const remoteHead = await git.run(dir, ["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], {
    allowFailure: true,
  });
  const originPrefix = "refs/remotes/origin/";
  const target = remoteHead.stdout.trim();
  if (remoteHead.code === 0 && target.startsWith(originPrefix) && target.length > originPrefix.length) {
    return target.slice(originPrefix.length);
  }
  const ref = await currentRef(git, dir);
  if (ref?.startsWith("refs/heads/") && ref.length > "refs/heads/".length) {
    return ref.slice("refs/heads/".length);
  }
  return "main";
}

export async function commitInfo(git: Git, dir: string, sha: string): Promise<CommitInfo> {
  const id = await resolveCommit(git, dir, sha);
  const format = ["%H", "%T", "%P", "%an", "%ae", "%cn", "%ce", "%cI", "%B"].join("%x00");
  const res = await git.run(dir, ["log", "-1", "--no-show-signature", "--no-color", `--format=${format}`, "--end-of-options", id]);
  const fields = res.stdout.split("\0");
  const field = (i: number): string => fields[i] ?? "";
  const parents = field(2).split(" ").filter((p) => p !== "");
  const changes = await diffCommits(git, dir, parents[0] ?? null, id);
  return {
    id: field(0),
    treeId: field(1),
    message: field(8).replace(/\n+$/, ""),
    timestamp: field(7),
    author: person(field(3), field(4)),
    committer: person(field(5), field(6)),
    ...changes,
  };
}

/** First parent of `sha`, or null for a root commit. */
export async function firstParent(git: Git, dir: string, sha: string): Promise<string | null> {
  const id = await resolveCommit(git, dir, sha);
  const res = await git.run(dir, ["rev-list", "--parents", "-n", "1", "--end-of-options", id]);
  return res.stdout.trim().split(" ")[1] ?? null;
}

/**
 * Repo-relative paths that differ between commits `from` and `to`. With `from`
 * null (e.g. `to` is a root commit) every file in `to` counts as changed.
 */
export async function changedFiles(git: Git, dir: string, from: string | null, to: string): Promise<string[]> {
  const toSha = await resolveCommit(git, dir, to);
  const fromSha = from === null ? null : await resolveCommit(git, dir, from);
  const { added, removed, modified } = await diffCommits(git, dir, fromSha, toSha);
  return [...new Set([...added, ...removed, ...modified])].sort();
}

export async function remoteUrl(git: Git, dir: string, name = "origin"): Promise<string | null> {
  assertNotOption(name, "remote name");
  const res = await git.run(dir, ["remote", "get-url", "--end-of-options", name], { allowFailure: true });
  const url = res.stdout.trim();
  return res.code === 0 && url !== "" ? url : null;
}

/** "owner/name" from the origin URL, else `local/<basename of the work tree>`. */
export async function repositoryName(git: Git, dir: string): Promise<string> {
  const url = await remoteUrl(git, dir);
  const parsed = url === null ? null : parseRepositoryUrl(url);
  if (parsed !== null) return parsed;
  const top = await git.run(dir, ["rev-parse", "--show-toplevel"], { allowFailure: true });
  const root = top.code === 0 && top.stdout.trim() !== "" ? top.stdout.trim() : path.resolve(dir);
  return `local/${path.basename(root)}`;
}

interface Changes {
  added: string[];
  removed: string[];
  modified: string[];
}

async function diffCommits(git: Git, dir: string, from: string | null, to: string): Promise<Changes> {
  if (from === null) {
    const res = await git.run(dir, ["ls-tree", "-r", "-z", "--name-only", "--full-tree", "--end-of-options", to]);
    return { added: splitNul(res.stdout).sort(), removed: [], modified: [] };
  }
  const res = await git.run(dir, [
    "diff-tree",
    "-r",
    "-z",
    "--no-commit-id",
    "--name-status",
    "--no-renames",
    "--no-ext-diff",
    "--no-textconv",
    "--end-of-options",
    from,
    to,
  ]);
  const changes: Changes = { added: [], removed: [], modified: [] };
  const parts = splitNul(res.stdout);
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = parts[i] ?? "";
    const file = parts[i + 1] ?? "";
    if (status.startsWith("A")) changes.added.push(file);
    else if (status.startsWith("D")) changes.removed.push(file);
    else changes.modified.push(file);
  }
  changes.added.sort();
  changes.removed.sort();
  changes.modified.sort();
  return changes;
}

function splitNul(text: string): string[] {
  return text.split("\0").filter((s) => s !== "");
}

function person(name: string, email: string): CommitPerson {
  return { name, email, username: usernameFor(name, email) };
}

function usernameFor(name: string, email: string): string {
  const noreply = /^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$/i.exec(email);
  if (noreply?.[1]) return noreply[1];
  const local = email.split("@")[0] ?? "";
  return local !== "" ? local : name;
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "code" in error;
}
