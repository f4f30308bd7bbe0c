import type { FastifyRequest } from "fastify";

export type RegistryAction = "pull" | "push" | "delete";

/** Called after every successful manifest push (by tag or by digest). */
export type PushEvent = {
  repository: string;
  /** The tag or digest the manifest was pushed to. */
  reference: string;
  digest: string;
  mediaType: string;
  /** The manifest's artifactType, or for an image manifest without one its config's media type. */
  artifactType?: string;
  annotations?: Record<string, string>;
};

/**
 * Whether this request may do `action` on `repository`. For `GET /v2/` the repository is "" (any valid
 * credentials). A denial becomes 401 UNAUTHORIZED with a Basic challenge when the request carries no
 * credentials (and always at `/v2/`), 403 DENIED otherwise.
 */
export type Authorize = (req: FastifyRequest, action: RegistryAction, repository: string) => Promise<boolean>;

export type RegistryRouteDeps = {
  /** The registry directory: blobs, uploads and repositories live below it. */
  dir: string;
  authorize: Authorize;
  /** Largest manifest accepted (413 SIZE_INVALID above it); default 4 MiB. */
  maxManifestBytes?: number;
  /** Largest blob accepted (413 SIZE_INVALID above it); default unlimited. */
  maxBlobBytes?: number;
  /** Told of every manifest push, with the request (to see who pushed it). */
  onPush?(e: PushEvent, req: FastifyRequest): void;
};
