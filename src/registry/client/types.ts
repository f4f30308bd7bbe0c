import type { Readable } from "node:stream";
import type { Descriptor } from "../schema.js";

export type RegistryClientOptions = {
  /** The registry's base URL (`http://127.0.0.1:8420`); `/v2/…` is appended. */
  url: string;
  /** A Ferry token, sent as the password of Basic credentials; none for public repositories. */
  token?: string | undefined;
  /** The Basic user name; the Ferry registry ignores it. Default "ferry". */
  username?: string;
  /** Largest manifest read into memory; default 4 MiB, as the server's own limit. */
  maxManifestBytes?: number;
  /** For manifests, listings and other small requests; blob content always goes over node:http(s) (see http-transfer.ts). */
  fetch?: typeof fetch;
};

/** Blob content: bytes, or a stream of them (a `Readable` is one). */
export type BlobBody = Uint8Array | AsyncIterable<Uint8Array>;

export type PushedBlob = {
  digest: string;
  size: number;
  /** False when the repository already had the blob and nothing was sent. */
  uploaded: boolean;
};

export type FetchedManifest = {
  /** The digest of the bytes received, checked against the reference or the Docker-Content-Digest header. */
  digest: string;
  mediaType: string;
  size: number;
  bytes: Buffer;
  /** The parsed JSON. */
  json: unknown;
};

/** A minimal OCI Distribution client (v1.1): what Ferry needs to push and pull artifacts. */
export type RegistryClient = {
  readonly url: string;
  /**
   * Uploads a blob unless the repository already has it. Bytes and streams with a known digest go up in one
   * `POST ?digest=`; a stream without one goes `POST`, one streamed `PATCH` (hashed while sending), `PUT`.
   * A given digest or size is checked (DIGEST_INVALID from the registry, SIZE_MISMATCH from the client).
   */
  pushBlob(repo: string, body: BlobBody, digest?: string, size?: number): Promise<PushedBlob>;
  /** The blob's size when the repository has it, else undefined (`HEAD`). */
  statBlob(repo: string, digest: string): Promise<number | undefined>;
  /**
   * The blob as a stream, verified while read: it fails with DIGEST_MISMATCH or SIZE_MISMATCH instead of
   * delivering its last chunk when the content is wrong, and with INTERRUPTED when the registry cuts it.
   */
  pullBlob(repo: string, digest: string, size?: number): Promise<Readable>;
  /** Pushes a manifest (an object is serialised as JSON) by tag or digest; returns its digest. */
  putManifest(repo: string, ref: string, manifest: unknown, mediaType: string): Promise<string>;
  /** A manifest by tag or digest, its bytes checked against the digest. */
  getManifest(repo: string, ref: string): Promise<FetchedManifest>;
  /** Every tag of the repository, following `Link` pagination. */
  listTags(repo: string): Promise<string[]>;
  /** The manifests whose subject is `digest`, filtered by artifact type here when the registry did not. */
  referrers(repo: string, digest: string, artifactType?: string): Promise<Descriptor[]>;
  /** The registry's repositories (`GET /v2/_catalog`), or undefined when it does not offer that endpoint. */
  catalog(): Promise<string[] | undefined>;
};
