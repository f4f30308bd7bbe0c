import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export class ActionFetchError extends Error {
  readonly code = "action-fetch";
}

const inFlight = new Map<string, Promise<string>>();

/**
 * Fetches `owner/repo@ref` with git from `baseUrl` into a cache shared by all jobs, once;
 * returns the checkout directory. Concurrent requests for the same action share one fetch.
 */
export function fetchRemoteAction(opts: { baseUrl: string; cacheDir: string; owner: string; repo: string; ref: string }): Promise<string> {
  const dest = join(opts.cacheDir, opts.owner, opts.repo, opts.ref);
  if (existsSync(dest)) return Promise.resolve(dest);
  let pending = inFlight.get(dest);
  if (!pending) {
    pending = doFetch(opts, dest).finally(() => inFlight.delete(dest));
    inFlight.set(dest, pending);
  }
  return pending;
}

async function doFetch(opts: { baseUrl: string; owner: string; repo: string; ref: string }, dest: string): Promise<string> {
  const url = `${opts.baseUrl.replace(/\/+$/, "")}/${opts.owner}/${opts.repo}`;
  await mkdir(dirname(dest), { recursive: true });
  const tmp = await mkdtemp(`${dest}.tmp-`);
  const env = { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "true" };
  try {
    await run("git", ["init", "-q", "--template=", tmp], { env });
    await run("git", ["-C", tmp, "fetch", "-q", "--depth", "1", "--end-of-options", url, opts.ref], { env, timeout: 120_000 });
    await run("git", ["-C", tmp, "-c", "advice.detachedHead=false", "checkout", "-q", "--detach", "FETCH_HEAD"], { env });
    await rm(join(tmp, ".git"), { recursive: true, force: true });
    await rename(tmp, dest).catch((error: unknown) => {
      // Another process fetched the same action first: use theirs.
      if (!existsSync(dest)) throw error;
    });
    return dest;
  } catch (error: unknown) {
    await rm(tmp, { recursive: true, force: true });
    const stderr = (error as { stderr?: string }).stderr?.trim().split("\n")[0] ?? (error as Error).message;
    throw new ActionFetchError(`cannot fetch action ${opts.owner}/${opts.repo}@${opts.ref} from ${url}: ${stderr}`);
  }
}
