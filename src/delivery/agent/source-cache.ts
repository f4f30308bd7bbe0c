import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Git, Mirrors } from "../../git/index.js";
import { assertNotOption } from "../../git/index.js";
import { extractTar } from "../../registry/artifact/index.js";

/** Fetches config repositories (one bare mirror per URL) and unpacks their trees, once per commit. */
export type SourceCache = {
  /** Fetches `url` and returns the commit `revision` names there: HEAD (the default branch), a branch, a tag or a commit. */
  resolve(url: string, revision: string): Promise<string>;
  /** The repository's files at `sha`, unpacked (read-only by convention). */
  checkout(url: string, sha: string): Promise<string>;
};

export class SourceError extends Error {
  readonly code = "source";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SourceError";
  }
}

const SHA = /^[0-9a-f]{40}$/;
const mirrorName = (url: string): string => `src-${createHash("sha256").update(url).digest("hex").slice(0, 24)}`;
const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

export function createSourceCache(o: { git: Git; mirrors: Mirrors; dir: string }): SourceCache {
  const checkouts = new Map<string, Promise<string>>();

  async function revParse(mirror: string, ref: string): Promise<string | undefined> {
    const r = await o.git.run(mirror, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], { allowFailure: true });
    const sha = r.stdout.trim();
    return r.code === 0 && SHA.test(sha) ? sha : undefined;
  }

  async function defaultBranch(url: string): Promise<string> {
    const r = await o.git.run(o.dir, ["ls-remote", "--symref", "--end-of-options", url, "HEAD"], { allowFailure: true });
    const m = /^ref: (refs\/heads\/\S+)\tHEAD$/m.exec(r.stdout);
    return m?.[1] ?? "refs/heads/main";
  }

  return {
    async resolve(url, revision) {
      assertNotOption(revision, "targetRevision");
      await mkdir(o.dir, { recursive: true });
      const name = mirrorName(url);
      try {
        await o.mirrors.fetch(name, url);
      } catch (error: unknown) {
        throw new SourceError(`cannot fetch ${url}: ${error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error)}`, { cause: error });
      }
      const mirror = o.mirrors.pathFor(name);
      const candidates = revision === "HEAD" ? [await defaultBranch(url)] : SHA.test(revision) ? [revision] : [`refs/heads/${revision}`, `refs/tags/${revision}`, revision];
      for (const c of candidates) {
        const sha = await revParse(mirror, c);
        if (sha) return sha;
      }
      throw new SourceError(`revision "${revision}" not found in ${url}`);
    },
    checkout(url, sha) {
      if (!SHA.test(sha)) return Promise.reject(new SourceError(`not a commit: ${sha}`));
      const key = `${mirrorName(url)}/${sha}`;
      let p = checkouts.get(key);
      if (!p) {
        p = unpack(o.git, o.mirrors.pathFor(mirrorName(url)), join(o.dir, "trees", key));
        checkouts.set(key, p);
        p.catch(() => checkouts.delete(key));
      }
      return p;
    },
  };
}

/** `git archive` of the commit into a file, extracted safely, renamed into place whole. */
async function unpack(git: Git, mirror: string, target: string): Promise<string> {
  if (await exists(target)) return target;
  const temp = `${target}.${randomBytes(4).toString("hex")}.partial`;
  await mkdir(temp, { recursive: true });
  try {
    const sha = target.slice(target.lastIndexOf("/") + 1);
    const archive = `${temp}.tar`;
    const r = await git.run(mirror, ["archive", "--format=tar", "-o", archive, sha], { allowFailure: true });
    if (r.code !== 0) throw new SourceError(`git archive ${sha} failed: ${r.stderr.trim()}`);
    try {
      await extractTar(createReadStream(archive), temp, {});
    } finally {
      await rm(archive, { force: true });
    }
    await rename(temp, target).catch(async (error: unknown) => {
      if (!(await exists(target))) throw error;
    });
    return target;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
