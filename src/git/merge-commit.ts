import type { Git } from "./git.js";

/** The test merge of a pull request: its commit, or the files that conflict. */
export type MergeCommitResult = { ok: true; sha: string } | { ok: false; conflicts: string[] };

const SHA = /^[0-9a-f]{40}$/;
const MERGE_REF = /^refs\/ferry\/pull\/[1-9][0-9]*\/merge$/;

/**
 * Creates, in a bare repository and without a working tree, the commit GitHub runs
 * `pull_request` workflows at: `head` merged into `base`, with parents base and head
 * (`git merge-tree --write-tree`, then the commit object), and points `ref` at it so that it can
 * be fetched and is never garbage-collected. Only shas and Ferry's own ref name reach git:
 * no branch name from an event does. When the merge conflicts, nothing is written.
 */
export async function createMergeCommit(git: Git, repoDir: string, o: { base: string; head: string; ref: string }): Promise<MergeCommitResult> {
  if (!SHA.test(o.base) || !SHA.test(o.head)) throw new Error(`invalid commits to merge: ${JSON.stringify([o.base, o.head])}`);
  if (!MERGE_REF.test(o.ref)) throw new Error(`invalid merge ref: ${JSON.stringify(o.ref)}`);
  const merged = await git.run(repoDir, ["merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", "--end-of-options", o.base, o.head], { allowFailure: true });
  const [tree = "", ...rest] = merged.stdout.split("\0");
  if (merged.code === 1) return { ok: false, conflicts: [...new Set(rest.filter((f) => f !== ""))].sort() };
  if (merged.code !== 0 || !SHA.test(tree)) throw new Error(`git merge-tree failed: ${merged.stderr.trim() || `exit code ${merged.code}`}`);
  // Written as a commit object by hand: a fixed identity, and the date of the newer parent, so the
  // same base and head always give the same merge commit, whatever the server's git config.
  const dates = await git.run(repoDir, ["show", "--no-patch", "--format=%ct", "--end-of-options", o.base, o.head]);
  const when = Math.max(0, ...dates.stdout.split("\n").map(Number).filter(Number.isFinite));
  const object = [
    `tree ${tree}`, `parent ${o.base}`, `parent ${o.head}`,
    `author Ferry <ferry@localhost> ${when} +0000`, `committer Ferry <ferry@localhost> ${when} +0000`,
    "", `Merge ${o.head} into ${o.base}`, "",
  ].join("\n");
  const commit = await git.run(repoDir, ["hash-object", "-t", "commit", "-w", "--stdin"], { input: object });
  const sha = commit.stdout.trim();
  if (!SHA.test(sha)) throw new Error(`git hash-object gave no commit: ${JSON.stringify(sha)}`);
  await git.run(repoDir, ["update-ref", "--no-deref", o.ref, sha]);
  return { ok: true, sha };
}
