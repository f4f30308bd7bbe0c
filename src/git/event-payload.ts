import type { Git } from "./git.js";
import {
  commitInfo,
  currentRef,
  defaultBranch,
  firstParent,
  headSha,
  tryResolveCommit,
  type CommitInfo,
} from "./repo-info.js";

export interface SynthesizeEventOptions {
  eventName: string;
  /** GitHub login used for `sender`, `pusher` and the pull request's `user`. */
  actor: string;
  /** "owner/name". */
  repository: string;
  /** `workflow_dispatch` inputs. */
  inputs?: Record<string, string>;
  /** Base for `html_url`/`compare` links; defaults to https://github.com. */
  serverUrl?: string;
}

export interface SynthesizedEvent {
  payload: Record<string, unknown>;
  /** Value for GITHUB_SHA: the HEAD commit. */
  sha: string;
  /**
   * Value for GITHUB_REF: the branch HEAD is on (`refs/heads/<default branch>` when
   * detached); `refs/pull/1/merge` for pull_request; the base branch for pull_request_target.
   */
  ref: string;
  /**
   * Files changed by HEAD relative to its first parent (all files for a root commit),
   * for the events that support `paths` filters (push, pull_request, pull_request_target);
   * undefined for other events.
   */
  changedFiles: string[] | undefined;
}

const PULL_REQUEST_NUMBER = 1;

/** Builds a GitHub-webhook-shaped event payload from the repository's HEAD. */
export async function synthesizeEvent(git: Git, dir: string, opts: SynthesizeEventOptions): Promise<SynthesizedEvent> {
  const serverUrl = (opts.serverUrl ?? "https://github.com").replace(/\/+$/, "");
  const sha = await headSha(git, dir);
  const [branchRef, baseBranch] = await Promise.all([currentRef(git, dir), defaultBranch(git, dir)]);
  const headRef = branchRef ?? `refs/heads/${baseBranch}`;
  const repository = repositoryObject(opts.repository, baseBranch, serverUrl);
  const sender = { login: opts.actor, type: "User" };
  const common = { repository, sender };

  switch (opts.eventName) {
    case "push": {
      const [head, parent] = await Promise.all([commitInfo(git, dir, sha), firstParent(git, dir, sha)]);
      const before = parent ?? "0".repeat(sha.length);
      const headCommit = commitPayload(head, opts.repository, serverUrl);
      const payload = {
        ref: headRef,
        before,
        after: sha,
        created: parent === null,
        deleted: false,
        forced: false,
        base_ref: null,
        compare:
          parent === null
            ? `${serverUrl}/${opts.repository}/commit/${sha}`
            : `${serverUrl}/${opts.repository}/compare/${before}...${sha}`,
        commits: [headCommit],
        head_commit: headCommit,
        pusher: { name: opts.actor, email: head.committer.email },
        ...common,
      };
      return { payload, sha, ref: headRef, changedFiles: filesOf(head) };
    }
    case "pull_request":
    case "pull_request_target": {
      const head = await commitInfo(git, dir, sha);
      const baseSha =
        (await tryResolveCommit(git, dir, `refs/remotes/origin/${baseBranch}`)) ??
        (await tryResolveCommit(git, dir, `refs/heads/${baseBranch}`)) ??
        sha;
      const owner = repository.owner.login;
      const user = { login: opts.actor, type: "User" };
      const headBranch = shortBranch(headRef);
      const [title = "", ...rest] = head.message.split("\n");
      const body = rest.join("\n").trim();
      const pullRequest = {
        number: PULL_REQUEST_NUMBER,
        state: "open",
        locked: false,
        draft: false,
        merged: false,
        title,
        body: body === "" ? null : body,
        user,
        html_url: `${serverUrl}/${opts.repository}/pull/${PULL_REQUEST_NUMBER}`,
        head: { label: `${owner}:${headBranch}`, ref: headBranch, sha, user, repo: repository },
        base: { label: `${owner}:${baseBranch}`, ref: baseBranch, sha: baseSha, user, repo: repository },
      };
      const payload = { action: "opened", number: PULL_REQUEST_NUMBER, pull_request: pullRequest, ...common };
      const ref =
        opts.eventName === "pull_request" ? `refs/pull/${PULL_REQUEST_NUMBER}/merge` : `refs/heads/${baseBranch}`;
      return { payload, sha, ref, changedFiles: filesOf(head) };
    }
    case "workflow_dispatch": {
      const payload = { inputs: { ...opts.inputs }, ref: headRef, ...common };
      return { payload, sha, ref: headRef, changedFiles: undefined };
    }
    default:
      return { payload: { ...common }, sha, ref: headRef, changedFiles: undefined };
  }
}

function repositoryObject(fullName: string, defaultBranchName: string, serverUrl: string) {
  const slash = fullName.indexOf("/");
  const owner = slash < 0 ? fullName : fullName.slice(0, slash);
  const name = slash < 0 ? fullName : fullName.slice(slash + 1);
  return {
    name,
    full_name: fullName,
    private: false,
    fork: false,
    html_url: `${serverUrl}/${fullName}`,
    owner: { login: owner, name: owner },
    default_branch: defaultBranchName,
    master_branch: defaultBranchName,
  };
}

function commitPayload(commit: CommitInfo, repository: string, serverUrl: string) {
  return {
    id: commit.id,
    tree_id: commit.treeId,
    distinct: true,
    message: commit.message,
    timestamp: commit.timestamp,
    url: `${serverUrl}/${repository}/commit/${commit.id}`,
    author: { ...commit.author },
    committer: { ...commit.committer },
    added: [...commit.added],
    removed: [...commit.removed],
    modified: [...commit.modified],
  };
}

function filesOf(commit: CommitInfo): string[] {
  return [...new Set([...commit.added, ...commit.removed, ...commit.modified])].sort();
}

function shortBranch(ref: string): string {
  return ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : ref;
}
