import os from "node:os";
import { GitError, type Git } from "./git.js";
import { assertRepositoryUrl, redactUrl, urlError } from "./redact-url.js";
import { remoteConfigArgs } from "./remote-config-args.js";

export interface LsRemoteOptions {
  /**
   * Reject with a GitError after this long. The Git runner cannot cancel a
   * process, so git itself is only told to give up on stalled HTTP transfers.
   */
  timeoutMs?: number;
}

const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const PEELED = "^{}";

/**
 * The branches and tags of the repository at `url`: full ref name
 * (`refs/heads/main`, `refs/tags/v1`) → commit sha. Annotated tags map to the
 * commit they point at. Failures are GitErrors naming the URL without its password.
 */
export async function lsRemote(git: Git, url: string, opts: LsRemoteOptions = {}): Promise<Map<string, string>> {
  assertRepositoryUrl(url);
  const args = [...remoteConfigArgs(opts.timeoutMs), "ls-remote", "--heads", "--tags", "--end-of-options", url];
  let stdout: string;
  try {
    // Run outside any repository so `url` cannot be taken for a remote name or pick up local config.
    const run = git.run(os.tmpdir(), args);
    stdout = (await (opts.timeoutMs === undefined ? run : withTimeout(run, opts.timeoutMs, url))).stdout;
  } catch (error: unknown) {
    throw urlError(error, "ls-remote", url);
  }
  return parseLsRemote(stdout);
}

function parseLsRemote(stdout: string): Map<string, string> {
  const refs = new Map<string, string>();
  const peeled = new Set<string>();
  for (const line of stdout.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab < 0) continue;
    const sha = line.slice(0, tab);
    let ref = line.slice(tab + 1);
    if (!OBJECT_ID.test(sha)) continue;
    const isPeeled = ref.endsWith(PEELED);
    if (isPeeled) ref = ref.slice(0, -PEELED.length);
    if (!ref.startsWith("refs/heads/") && !ref.startsWith("refs/tags/")) continue;
    if (isPeeled) {
      refs.set(ref, sha);
      peeled.add(ref);
    } else if (!peeled.has(ref)) {
      refs.set(ref, sha);
    }
  }
  return refs;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, url: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new GitError(["ls-remote", redactUrl(url)], `timed out after ${timeoutMs} ms`, -1));
    }, timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
