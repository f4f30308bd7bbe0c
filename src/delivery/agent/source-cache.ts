import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Git, Mirrors } from "../../git/index.js";
import { assertNotOption } from "../../git/index.js";
import { extractTar } from "../../registry/artifact/index.js";

/** Fetches config repositories (one bare mirror per URL) and unpacks their trees, once per commit. */
export type SourceCache = {
  /**
   * Fetches `url` and returns the commit `revision` names there: HEAD (the default branch), a branch, a tag
   * or a commit. With `maxAgeMs`, a fetch of the same URL that finished that recently (or is under way) is
   * reused: many Applications of one repository refresh with one fetch. Without it, the fetch is fresh.
   */
  resolve(url: string, revision: string, opts?: { maxAgeMs?: number }): Promise<string>;
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
  const fetches = new Map<string, { startedAt: number; refs: Promise<Map<string, string>> }>();

  /** Fetches, then reads every ref once (two git processes), so resolving a revision spawns nothing more. */
  function fetchOnce(url: string, maxAgeMs: number): Promise<Map<string, string>> {
    const last = fetches.get(url);
    if (last && maxAgeMs > 0 && Date.now() - last.startedAt <= maxAgeMs) return last.refs;
    const refs = o.mirrors.fetch(mirrorName(url), url).then(() => readRefs(o.mirrors.pathFor(mirrorName(url))));
    fetches.set(url, { startedAt: Date.now(), refs });
    refs.catch(() => fetches.delete(url));
    return refs;
  }

  async function readRefs(mirror: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const list = await o.git.run(mirror, ["for-each-ref", "--format=%(objectname) %(*objectname) %(refname)", "refs/heads", "refs/tags"]);
    for (const line of list.stdout.split("\n")) {
      const [object, peeled, ref] = line.split(" ");
      if (!ref || !object) continue;
      out.set(ref, peeled && SHA.test(peeled) ? peeled : object);
    }
    // The mirror's HEAD follows the remote's default branch.
    const head = await o.git.run(mirror, ["symbolic-ref", "-q", "HEAD"], { allowFailure: true });
    const target = out.get(head.stdout.trim());
    if (target) out.set("HEAD", target);
    return out;
  }

  return {
    async resolve(url, revision, opts = {}) {
      assertNotOption(revision, "targetRevision");
      await mkdir(o.dir, { recursive: true });
      let refs: Map<string, string>;
      try {
        refs = await fetchOnce(url, opts.maxAgeMs ?? 0);
      } catch (error: unknown) {
        throw new SourceError(`cannot fetch ${url}: ${error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error)}`, { cause: error });
      }
      if (SHA.test(revision)) return revision;
      const sha = revision === "HEAD" ? refs.get("HEAD") ?? refs.get("refs/heads/main") ?? refs.get("refs/heads/master") : refs.get(`refs/heads/${revision}`) ?? refs.get(`refs/tags/${revision}`) ?? refs.get(revision);
      if (sha) return sha;
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
