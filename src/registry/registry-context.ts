import type { FastifyRequest } from "fastify";
import type { BlobStore } from "./blob-store.js";
import { createBlobStore } from "./blob-store.js";
import { tokenFromAuthorization } from "./credentials.js";
import { RegistryError } from "./errors.js";
import type { Metadata } from "./metadata.js";
import { createMetadata } from "./metadata.js";
import type { RegistryAction, RegistryRouteDeps } from "./types.js";

export const DEFAULT_MAX_MANIFEST_BYTES = 4 << 20;
export const CHALLENGE = 'Basic realm="ferry"';

/** What every handler needs: storage, limits and the access check. One per registered route scope. */
export type RegistryContext = {
  blobs: BlobStore;
  meta: Metadata;
  deps: RegistryRouteDeps;
  maxManifestBytes: number;
  /** Throws 401 UNAUTHORIZED (with a challenge) or 403 DENIED unless `authorize` allows the action. */
  allow(req: FastifyRequest, action: RegistryAction, repository: string): Promise<void>;
  /** Whether a blob may be pulled from a repository: linked to it, or one of its manifests. */
  visible(name: string, digest: string): Promise<boolean>;
};

export function createRegistryContext(deps: RegistryRouteDeps): RegistryContext {
  const meta = createMetadata(deps.dir);
  return {
    blobs: createBlobStore(deps.dir),
    meta,
    deps,
    maxManifestBytes: deps.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES,
    async allow(req, action, repository) {
      if (await deps.authorize(req, action, repository)) return;
      if (repository !== "" && tokenFromAuthorization(req.headers.authorization) !== undefined) {
        throw new RegistryError("DENIED", `these credentials may not ${action} ${repository}`, { detail: { repository, action } });
      }
      throw new RegistryError("UNAUTHORIZED", "authentication required", {
        headers: { "www-authenticate": CHALLENGE },
        detail: repository === "" ? undefined : [{ Type: "repository", Name: repository, Action: action }],
      });
    },
    async visible(name, digest) {
      return (await meta.isBlobLinked(name, digest)) || (await meta.getManifest(name, digest)) !== undefined;
    },
  };
}
