import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pullArtifact } from "../../registry/artifact/index.js";
import { createRegistryClient } from "../../registry/client/index.js";
import type { RegistryClient } from "../../registry/client/index.js";
import { RuntimeError } from "../runtime-error.js";

/** A release: an artifact pinned by digest in a registry. */
export type ReleaseRef = {
  registryUrl: string;
  repository: string;
  /** `sha256:<64 hex>`: the artifact manifest's digest. */
  digest: string;
  /** A token for the registry (sent as the Basic password); none for public repositories. */
  auth?: { token: string; username?: string };
};

export type ReleaseCacheOptions = {
  /** Where releases are unpacked, one directory per digest. */
  dir: string;
  /** Makes the registry client for a release; default `createRegistryClient`. */
  clientFor?: (ref: ReleaseRef) => RegistryClient;
};

export type ReleaseCache = {
  /** The directory holding the release unpacked, pulling and verifying it first unless it is already there. */
  ensureRelease(ref: ReleaseRef): Promise<string>;
};

const DIGEST = /^sha256:([0-9a-f]{64})$/;
const PARTIAL = ".partial-";

const defaultClient = (ref: ReleaseRef): RegistryClient =>
  createRegistryClient({ url: ref.registryUrl, ...(ref.auth === undefined ? {} : { token: ref.auth.token, ...(ref.auth.username === undefined ? {} : { username: ref.auth.username }) }) });

const isDir = (path: string): Promise<boolean> => stat(path).then((s) => s.isDirectory(), () => false);

/**
 * Unpacked releases by digest: each digest is pulled (its manifest and layer verified against the digest
 * while streaming) into a temporary directory and renamed into `<dir>/<hex>/` whole, so a directory named
 * after a digest always holds exactly that release. Concurrent calls for one digest share one pull.
 * Unpacked directories are never modified: replicas run from them.
 */
export function createReleaseCache(o: ReleaseCacheOptions): ReleaseCache {
  const root = resolve(o.dir);
  const clientFor = o.clientFor ?? defaultClient;
  const inFlight = new Map<string, Promise<string>>();
  let cleaned: Promise<void> | undefined;

  /** Partial pulls a crash left behind (this cache is used by one agent process at a time). */
  async function cleanPartials(): Promise<void> {
    await mkdir(root, { recursive: true, mode: 0o700 });
    for (const name of await readdir(root)) {
      if (name.startsWith(PARTIAL)) await rm(join(root, name), { recursive: true, force: true });
    }
  }

  async function pull(ref: ReleaseRef, hex: string, target: string): Promise<string> {
    cleaned ??= cleanPartials();
    await cleaned;
    if (await isDir(target)) return target;
    const partial = join(root, `${PARTIAL}${hex}-${randomBytes(4).toString("hex")}`);
    try {
      const pulled = await pullArtifact({ client: clientFor(ref), reference: { name: ref.repository, digest: ref.digest }, dir: partial });
      if (pulled.digest !== ref.digest) throw new RuntimeError("RELEASE_FAILED", `${ref.repository}@${ref.digest}: the registry served ${pulled.digest}`);
      await mkdir(partial, { recursive: true });
      await rename(partial, target).catch(async (error: unknown) => {
        // Another process unpacked the same digest first: its copy is as good as ours.
        if (!(await isDir(target))) throw error;
      });
      return target;
    } catch (error: unknown) {
      if (error instanceof RuntimeError) throw error;
      throw new RuntimeError("RELEASE_FAILED", `cannot unpack ${ref.repository}@${ref.digest}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  }

  return {
    async ensureRelease(ref) {
      const hex = DIGEST.exec(ref.digest)?.[1];
      if (hex === undefined) throw new RuntimeError("INVALID_SPEC", `"${ref.digest}" is not a sha256 digest; releases are pinned by digest`);
      const target = join(root, hex);
      if (await isDir(target)) return target;
      const running = inFlight.get(hex);
      if (running !== undefined) return running;
      const pulling = pull(ref, hex, target).finally(() => inFlight.delete(hex));
      inFlight.set(hex, pulling);
      return pulling;
    },
  };
}
