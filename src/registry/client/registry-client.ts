import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { isDigest, sha256Digest } from "../digest.js";
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, mediaTypeOf, OCI_INDEX, OCI_MANIFEST } from "../manifest.js";
import { imageIndexSchema } from "../schema.js";
import type { Descriptor } from "../schema.js";
import { answerFromFetch, answerFromIncoming } from "./answer.js";
import type { Answer } from "./answer.js";
import { createHttpTransfer } from "./http-transfer.js";
import type { TransferBody } from "./http-transfer.js";
import { nextLink } from "./link-header.js";
import { errorFromResponse, RegistryClientError, unreachable } from "./registry-client-error.js";
import type { BlobBody, FetchedManifest, PushedBlob, RegistryClient, RegistryClientOptions } from "./types.js";
import { verifyBlob } from "./verify-blob.js";

const ACCEPT_MANIFESTS = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST].join(", ");
const DEFAULT_MAX_MANIFEST_BYTES = 4 << 20;
/** More pages than any real listing has: a registry that keeps sending `next` is stopped here. */
const MAX_PAGES = 10_000;

type Counted = { size: number; digest?: string };

/** Passes chunks through, counting them (and hashing them when asked); fails once there are more than `size`. */
async function* counting(source: AsyncIterable<Uint8Array>, counted: Counted, size: number | undefined, hash: boolean, what: string): AsyncGenerator<Uint8Array> {
  const h = hash ? createHash("sha256") : undefined;
  for await (const chunk of source) {
    counted.size += chunk.length;
    if (size !== undefined && counted.size > size) throw new RegistryClientError("SIZE_MISMATCH", `${what}: the content is larger than the ${size} bytes announced`);
    h?.update(chunk);
    yield chunk;
  }
  if (size !== undefined && counted.size !== size) throw new RegistryClientError("SIZE_MISMATCH", `${what}: the content is ${counted.size} bytes, not the ${size} announced`);
  if (h !== undefined) counted.digest = `sha256:${h.digest("hex")}`;
}

/** Closes a stream the client decided not to read (the registry already had the blob). */
function discard(body: AsyncIterable<Uint8Array>): void {
  const destroy = (body as { destroy?: unknown }).destroy;
  if (typeof destroy === "function") (destroy as () => void).call(body);
}

const asBytes = (manifest: unknown): Buffer =>
  manifest instanceof Uint8Array ? Buffer.from(manifest) : Buffer.from(typeof manifest === "string" ? manifest : JSON.stringify(manifest), "utf8");

/** Creates a client for the registry at `url`; every call is independent (no session, no cache). */
export function createRegistryClient(o: RegistryClientOptions): RegistryClient {
  const base = o.url.replace(/\/+$/, "");
  const maxManifestBytes = o.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
  const auth: Record<string, string> = o.token ? { authorization: `Basic ${Buffer.from(`${o.username ?? "ferry"}:${o.token}`).toString("base64")}` } : {};
  const transfer = createHttpTransfer();

  /** One request. When a streamed body fails, that failure is raised, not a misleading "cannot reach". */
  async function send(url: string, method: string, headers: Record<string, string>, doing: string, body?: TransferBody, bodyFailure?: { error?: unknown }): Promise<IncomingMessage> {
    try {
      const target = new URL(url);
      const all = { ...auth, ...headers };
      return method === "GET" || method === "HEAD" ? await transfer.follow(target, method, all) : await transfer.send(target, method, all, body);
    } catch (error: unknown) {
      const failed = bodyFailure?.error;
      if (failed instanceof Error) throw failed;
      if (failed !== undefined) throw new RegistryClientError("INTERRUPTED", `${doing}: reading the content failed (${JSON.stringify(failed)})`, { cause: failed });
      if (error instanceof RegistryClientError) throw error;
      throw unreachable(base, doing, error);
    }
  }

  /** A request without a streamed body, answered as an {@link Answer}; through the caller's fetch when given. */
  async function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: Uint8Array }, doing: string): Promise<Answer> {
    const method = init.method ?? "GET";
    if (o.fetch === undefined) return answerFromIncoming(await send(url, method, init.headers ?? {}, doing, init.body), method);
    try {
      return answerFromFetch(await o.fetch(url, { ...init, headers: { ...auth, ...init.headers } }));
    } catch (error: unknown) {
      throw unreachable(base, doing, error);
    }
  }

  /** Lets go of the body of an answer that is not read, so that its connection can serve the next request. */
  async function done(res: Answer): Promise<Answer> {
    await res.body?.cancel();
    return res;
  }

  async function expect(res: Answer, statuses: readonly number[], doing: string): Promise<Answer> {
    if (statuses.includes(res.status)) return res;
    throw await errorFromResponse(res, doing);
  }

  function location(res: Answer, doing: string): URL {
    const value = res.headers.get("location");
    if (value === null) throw new RegistryClientError("PROTOCOL", `${doing}: the registry answered ${res.status} without a Location`, { status: res.status });
    return new URL(value, `${base}/`);
  }

  /** A request body that remembers why it failed, so `call` can report that instead of the transport error. */
  function tracked(source: AsyncIterable<Uint8Array>, failure: { error?: unknown }): AsyncIterable<Uint8Array> {
    return (async function* () {
      try {
        yield* source;
      } catch (error: unknown) {
        failure.error = error;
        throw error;
      }
    })();
  }

  async function readLimited(res: Answer, doing: string): Promise<Buffer> {
    const declared = Number(res.headers.get("content-length") ?? "NaN");
    const tooBig = (): RegistryClientError => new RegistryClientError("PROTOCOL", `${doing}: the manifest is larger than ${maxManifestBytes} bytes`);
    if (declared > maxManifestBytes) {
      await res.body?.cancel();
      throw tooBig();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body ?? []) {
        size += chunk.length;
        if (size > maxManifestBytes) throw tooBig();
        chunks.push(chunk);
      }
    } catch (error: unknown) {
      if (error instanceof RegistryClientError) throw error;
      throw new RegistryClientError("INTERRUPTED", `${doing}: the answer stopped after ${size} bytes`, { cause: error });
    }
    return Buffer.concat(chunks);
  }

  async function readJson(res: Answer, doing: string): Promise<unknown> {
    const bytes = await readLimited(res, doing);
    try {
      return JSON.parse(bytes.toString("utf8")) as unknown;
    } catch (error: unknown) {
      throw new RegistryClientError("PROTOCOL", `${doing}: the answer is not JSON`, { status: res.status, cause: error });
    }
  }

  /** Every page of a paginated listing, following `Link: <…>; rel="next"`. */
  async function pages(first: string, doing: string, each: (json: unknown) => void, missing?: (res: Answer) => boolean): Promise<boolean> {
    const seen = new Set<string>();
    for (let url: string | undefined = first; url !== undefined;) {
      if (seen.has(url) || seen.size >= MAX_PAGES) throw new RegistryClientError("PROTOCOL", `${doing}: the registry's pages do not end (${url})`);
      seen.add(url);
      const res = await call(url, { headers: { accept: "application/json" } }, doing);
      if (!res.ok && missing?.(res) === true) {
        await res.body?.cancel();
        return false;
      }
      await expect(res, [200], doing);
      each(await readJson(res, doing));
      url = nextLink(res.headers.get("link"), url);
    }
    return true;
  }

  async function statBlob(repo: string, digest: string): Promise<number | undefined> {
    const doing = `checking blob ${digest} in ${repo}`;
    const res = await call(`${base}/v2/${repo}/blobs/${digest}`, { method: "HEAD" }, doing);
    if (res.status === 404) return undefined;
    await done(await expect(res, [200], doing));
    const length = res.headers.get("content-length");
    return length === null ? 0 : Number(length);
  }

  async function pushStream(repo: string, body: AsyncIterable<Uint8Array>, digest: string | undefined, size: number | undefined): Promise<PushedBlob> {
    const doing = `pushing blob ${digest ?? "(streamed)"} to ${repo}`;
    const counted: Counted = { size: 0 };
    const failure: { error?: unknown } = {};
    const lengthHeader: Record<string, string> = size === undefined ? {} : { "content-length": String(size) };
    const headers = { "content-type": "application/octet-stream", ...lengthHeader };
    if (digest !== undefined) {
      const stream = tracked(counting(body, counted, size, false, doing), failure);
      const res = await send(`${base}/v2/${repo}/blobs/uploads/?digest=${digest}`, "POST", headers, doing, stream, failure);
      await done(await expect(answerFromIncoming(res, "POST"), [201], doing));
      return { digest, size: counted.size, uploaded: true };
    }
    const started = await done(await expect(await call(`${base}/v2/${repo}/blobs/uploads/`, { method: "POST" }, doing), [202], doing));
    let upload = location(started, doing);
    try {
      const stream = tracked(counting(body, counted, size, true, doing), failure);
      const patched = await done(await expect(answerFromIncoming(await send(upload.toString(), "PATCH", headers, doing, stream, failure), "PATCH"), [202], doing));
      upload = location(patched, doing);
      const actual = counted.digest ?? sha256Digest(new Uint8Array(0));
      upload.searchParams.set("digest", actual);
      await done(await expect(await call(upload.toString(), { method: "PUT" }, doing), [201], doing));
      return { digest: actual, size: counted.size, uploaded: true };
    } catch (error: unknown) {
      await call(upload.toString(), { method: "DELETE" }, doing).then(done, () => undefined);
      throw error;
    }
  }

  return {
    url: base,

    statBlob,

    async pushBlob(repo, body: BlobBody, digest, size) {
      if (digest !== undefined && !isDigest(digest)) throw new RegistryClientError("DIGEST_INVALID", `"${digest}" is not a sha256 digest`);
      if (!(body instanceof Uint8Array)) {
        if (digest !== undefined) {
          const existing = await statBlob(repo, digest);
          if (existing !== undefined) {
            discard(body);
            return { digest, size: existing, uploaded: false };
          }
        }
        return pushStream(repo, body, digest, size);
      }
      const actual = sha256Digest(body);
      const doing = `pushing blob ${actual} to ${repo}`;
      if (digest !== undefined && digest !== actual) throw new RegistryClientError("DIGEST_MISMATCH", `${doing}: the content hashes to ${actual}, not ${digest}`);
      if (size !== undefined && size !== body.length) throw new RegistryClientError("SIZE_MISMATCH", `${doing}: the content is ${body.length} bytes, not ${size}`);
      if ((await statBlob(repo, actual)) !== undefined) return { digest: actual, size: body.length, uploaded: false };
      await done(await expect(await call(`${base}/v2/${repo}/blobs/uploads/?digest=${actual}`, { method: "POST", body, headers: { "content-type": "application/octet-stream" } }, doing), [201], doing));
      return { digest: actual, size: body.length, uploaded: true };
    },

    async pullBlob(repo, digest, size): Promise<Readable> {
      const what = `blob ${digest} of ${repo}`;
      if (!isDigest(digest)) throw new RegistryClientError("DIGEST_INVALID", `"${digest}" is not a sha256 digest`);
      const res = await send(`${base}/v2/${repo}/blobs/${digest}`, "GET", {}, `pulling ${what}`);
      if (res.statusCode !== 200) await expect(answerFromIncoming(res, "GET"), [200], `pulling ${what}`);
      const length = res.headers["content-length"];
      const declared = length === undefined ? undefined : Number(length);
      if (size !== undefined && declared !== undefined && declared !== size) {
        res.destroy();
        throw new RegistryClientError("SIZE_MISMATCH", `pulling ${what}: the registry sends ${declared} bytes, ${size} expected`);
      }
      return verifyBlob(res, { digest, size: size ?? declared, what: `pulling ${what}` });
    },

    async putManifest(repo, ref, manifest, mediaType) {
      const bytes = asBytes(manifest);
      const digest = sha256Digest(bytes);
      const doing = `pushing manifest ${repo}:${ref}`;
      if (ref.includes(":") && ref !== digest) throw new RegistryClientError("DIGEST_MISMATCH", `${doing}: the manifest hashes to ${digest}`);
      const res = await done(await expect(await call(`${base}/v2/${repo}/manifests/${ref}`, { method: "PUT", body: bytes, headers: { "content-type": mediaType } }, doing), [201], doing));
      const said = res.headers.get("docker-content-digest");
      if (said !== null && said !== digest) throw new RegistryClientError("DIGEST_MISMATCH", `${doing}: the registry says it stored ${said}, but the manifest hashes to ${digest}`);
      return digest;
    },

    async getManifest(repo, ref): Promise<FetchedManifest> {
      const doing = `getting manifest ${repo}${ref.includes(":") ? "@" : ":"}${ref}`;
      if (ref.includes(":") && !isDigest(ref)) throw new RegistryClientError("DIGEST_INVALID", `${doing}: only sha256 digests can be verified`);
      const res = await expect(await call(`${base}/v2/${repo}/manifests/${ref}`, { headers: { accept: ACCEPT_MANIFESTS } }, doing), [200], doing);
      const bytes = await readLimited(res, doing);
      const digest = sha256Digest(bytes);
      const expected = isDigest(ref) ? ref : res.headers.get("docker-content-digest");
      if (expected !== null && expected !== digest) throw new RegistryClientError("DIGEST_MISMATCH", `${doing}: the manifest hashes to ${digest}, not ${expected}`);
      let json: unknown;
      try {
        json = JSON.parse(bytes.toString("utf8")) as unknown;
      } catch (error: unknown) {
        throw new RegistryClientError("PROTOCOL", `${doing}: the manifest is not JSON`, { cause: error });
      }
      const declared = (json as { mediaType?: unknown } | null)?.mediaType;
      const mediaType = mediaTypeOf(res.headers.get("content-type") ?? undefined) ?? (typeof declared === "string" ? declared : OCI_MANIFEST);
      return { digest, mediaType, size: bytes.length, bytes, json };
    },

    async listTags(repo) {
      const tags: string[] = [];
      await pages(`${base}/v2/${repo}/tags/list`, `listing the tags of ${repo}`, (json) => {
        const page = (json as { tags?: unknown } | null)?.tags;
        if (Array.isArray(page)) tags.push(...page.filter((t): t is string => typeof t === "string"));
      });
      return tags;
    },

    async referrers(repo, digest, artifactType) {
      const doing = `listing the referrers of ${repo}@${digest}`;
      const query = artifactType === undefined ? "" : `?artifactType=${encodeURIComponent(artifactType)}`;
      const found: Descriptor[] = [];
      let filtered = true;
      const seen = new Set<string>();
      for (let url: string | undefined = `${base}/v2/${repo}/referrers/${digest}${query}`; url !== undefined;) {
        if (seen.has(url) || seen.size >= MAX_PAGES) throw new RegistryClientError("PROTOCOL", `${doing}: the registry's pages do not end`);
        seen.add(url);
        const res = await expect(await call(url, { headers: { accept: OCI_INDEX } }, doing), [200], doing);
        filtered &&= (res.headers.get("oci-filters-applied") ?? "").split(",").map((s) => s.trim()).includes("artifactType");
        const index = imageIndexSchema.safeParse(await readJson(res, doing));
        if (!index.success) throw new RegistryClientError("PROTOCOL", `${doing}: the answer is not an image index`);
        found.push(...index.data.manifests);
        url = nextLink(res.headers.get("link"), url);
      }
      return artifactType === undefined || filtered ? found : found.filter((d) => d.artifactType === artifactType);
    },

    async catalog() {
      const names: string[] = [];
      const offered = await pages(`${base}/v2/_catalog`, "listing the registry's repositories", (json) => {
        const page = (json as { repositories?: unknown } | null)?.repositories;
        if (Array.isArray(page)) names.push(...page.filter((n): n is string => typeof n === "string"));
      }, (res) => res.status === 404 || res.status === 405);
      return offered ? names : undefined;
    },
  };
}
