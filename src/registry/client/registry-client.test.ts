import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blobPath } from "../layout.js";
import { OCI_MANIFEST } from "../manifest.js";
import { digestOf, startTestRegistry } from "../registry.testing.js";
import type { TestRegistry } from "../registry.testing.js";
import { createRegistryClient } from "./registry-client.js";
import { RegistryClientError } from "./registry-client-error.js";
import type { RegistryClient } from "./types.js";

const EMPTY = { mediaType: "application/vnd.oci.empty.v1+json", digest: digestOf("{}"), size: 2 };

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function failure(p: Promise<unknown>): Promise<RegistryClientError> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RegistryClientError);
  return error as RegistryClientError;
}

/** Chunks of `data`, as a stream a caller would hand over. */
const streamOf = (data: Buffer, chunk = 10_000): Readable =>
  Readable.from((function* () { for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk); })());

describe("registry client", () => {
  let reg: TestRegistry;
  let client: RegistryClient;

  beforeAll(async () => {
    reg = await startTestRegistry();
    client = createRegistryClient({ url: reg.url, token: "pusher-token" });
  });
  afterAll(async () => {
    await reg.close();
  });

  it("pushes bytes in one request, skips a blob the repository has, and pulls it back verified", async () => {
    const data = randomBytes(1000);
    const first = await client.pushBlob("app", data);
    const again = await client.pushBlob("app", data);
    const pulled = await readAll(await client.pullBlob("app", first.digest, data.length));

    expect(first).toEqual({ digest: digestOf(data), size: 1000, uploaded: true });
    expect(again.uploaded).toBe(false);
    expect(pulled.equals(data)).toBe(true);
  });

  it("streams a blob of unknown digest through one PATCH and learns its digest", async () => {
    const data = randomBytes(300_000);

    const pushed = await client.pushBlob("app", streamOf(data), undefined, data.length);

    expect(pushed).toEqual({ digest: digestOf(data), size: data.length, uploaded: true });
    expect(await client.statBlob("app", pushed.digest)).toBe(data.length);
    expect(readdirSync(join(reg.dir, "uploads"))).toEqual([]);
  });

  it("streams a blob of known digest in one POST", async () => {
    const data = randomBytes(200_000);

    const pushed = await client.pushBlob("streamed", streamOf(data), digestOf(data), data.length);

    expect(pushed.uploaded).toBe(true);
    expect((await readAll(await client.pullBlob("streamed", pushed.digest))).equals(data)).toBe(true);
  });

  it("carries the registry's code and message when the content does not match the digest", async () => {
    const error = await failure(client.pushBlob("app", streamOf(randomBytes(5000)), digestOf("something else")));

    expect(error.code).toBe("DIGEST_INVALID");
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/pushing blob sha256:[0-9a-f]+ to app: the upload hashes to sha256:[0-9a-f]+, not sha256:/);
  });

  it("refuses a stream longer or shorter than announced, and cancels the upload", async () => {
    const longer = await failure(client.pushBlob("app", streamOf(randomBytes(5000)), undefined, 4000));
    const shorter = await failure(client.pushBlob("app", streamOf(randomBytes(3000)), undefined, 4000));

    expect([longer.code, shorter.code]).toEqual(["SIZE_MISMATCH", "SIZE_MISMATCH"]);
    expect(readdirSync(join(reg.dir, "uploads"))).toEqual([]);
  });

  it("raises the failure of the content stream itself and cancels the upload", async () => {
    const broken = Readable.from((async function* () {
      yield randomBytes(50_000);
      await Promise.resolve();
      throw new Error("disk read failed");
    })());

    const error = await client.pushBlob("app", broken).then(() => undefined, (e: unknown) => e);

    expect((error as Error).message).toBe("disk read failed");
    expect(readdirSync(join(reg.dir, "uploads"))).toEqual([]);
  });

  it("follows a redirected blob download without sending its credentials to another origin", async () => {
    const data = randomBytes(100_000);
    const pushed = await client.pushBlob("app", data);
    const seen: Array<string | undefined> = [];
    const storage = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { "content-length": data.length });
      res.end(data);
    });
    await new Promise<void>((r) => storage.listen(0, "127.0.0.1", r));
    const front = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(307, { location: `http://127.0.0.1:${(storage.address() as AddressInfo).port}/blob?signed=1` });
      res.end();
    });
    await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
    const redirected = createRegistryClient({ url: `http://127.0.0.1:${(front.address() as AddressInfo).port}`, token: "secret" });
    try {
      const pulled = await readAll(await redirected.pullBlob("app", pushed.digest, data.length));

      expect(pulled.equals(data)).toBe(true);
      expect(seen).toEqual([`Basic ${Buffer.from("ferry:secret").toString("base64")}`, undefined]);
    } finally {
      front.close();
      storage.close();
    }
  });

  it("reports an unknown blob with the registry's code", async () => {
    const error = await failure(client.pullBlob("app", digestOf("never pushed")));

    expect(error.code).toBe("BLOB_UNKNOWN");
    expect(error.notFound).toBe(true);
    expect(error.errors[0]?.message).toContain("is not in this repository");
  });

  it("fails a download whose stored bytes were changed, small or large", async () => {
    const small = await client.pushBlob("tamper", randomBytes(100));
    const large = await client.pushBlob("tamper", randomBytes(1 << 20));
    for (const d of [small.digest, large.digest]) {
      const file = blobPath(reg.dir, d);
      const bytes = readFileSync(file);
      bytes[50] = (bytes[50] ?? 0) ^ 0xff;
      writeFileSync(file, bytes);
    }

    const smallError = await failure(client.pullBlob("tamper", small.digest).then(readAll));
    const largeError = await failure(client.pullBlob("tamper", large.digest).then(readAll));

    expect(smallError.message).toContain("is corrupt");
    expect(largeError.code).toBe("INTERRUPTED");
    expect(largeError.retryable).toBe(true);
  });

  it("puts and gets manifests by tag and digest", async () => {
    await client.pushBlob("app", Buffer.from("{}"));
    const layer = await client.pushBlob("app", Buffer.from("layer"));
    const manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: EMPTY, layers: [{ mediaType: "application/octet-stream", digest: layer.digest, size: layer.size }] };

    const digest = await client.putManifest("app", "v1", manifest, OCI_MANIFEST);
    const byTag = await client.getManifest("app", "v1");
    const byDigest = await client.getManifest("app", digest);

    expect(byTag.digest).toBe(digest);
    expect(byTag.mediaType).toBe(OCI_MANIFEST);
    expect(byTag.json).toEqual(manifest);
    expect(byDigest.bytes.equals(byTag.bytes)).toBe(true);
  });

  it("follows Link pagination of tag lists", async () => {
    await client.pushBlob("paged", Buffer.from("{}"));
    const manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: EMPTY, layers: [] };
    for (const tag of ["a", "b", "c", "d", "e"]) await client.putManifest("paged", tag, manifest, OCI_MANIFEST);
    const requested: string[] = [];
    // Asks for pages of two, as a registry with a small page size would answer.
    const paging = createRegistryClient({
      url: reg.url, token: "pusher-token",
      fetch: (input, init) => {
        const url = new URL(String(input as string));
        if (url.pathname.endsWith("/tags/list") && !url.searchParams.has("n")) url.searchParams.set("n", "2");
        requested.push(`${url.pathname}${url.search}`);
        return fetch(url, init);
      },
    });

    expect(await paging.listTags("paged")).toEqual(["a", "b", "c", "d", "e"]);
    expect(requested).toEqual(["/v2/paged/tags/list?n=2", "/v2/paged/tags/list?n=2&last=b", "/v2/paged/tags/list?n=2&last=d"]);
  });

  it("lists referrers, filtered by artifact type", async () => {
    await client.pushBlob("refs", Buffer.from("{}"));
    const subjectDigest = await client.putManifest("refs", "v1", { schemaVersion: 2, mediaType: OCI_MANIFEST, config: EMPTY, layers: [] }, OCI_MANIFEST);
    const subject = { mediaType: OCI_MANIFEST, digest: subjectDigest, size: 0 };
    const sbom = { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: "application/spdx+json", config: EMPTY, layers: [], subject };
    const sig = { ...sbom, artifactType: "application/vnd.dev.sigstore.bundle+json" };
    const sbomDigest = await client.putManifest("refs", digestOf(JSON.stringify(sbom)), sbom, OCI_MANIFEST);
    await client.putManifest("refs", digestOf(JSON.stringify(sig)), sig, OCI_MANIFEST);

    const all = await client.referrers("refs", subjectDigest);
    const sboms = await client.referrers("refs", subjectDigest, "application/spdx+json");

    expect(all).toHaveLength(2);
    expect(sboms.map((d) => d.digest)).toEqual([sbomDigest]);
  });

  it("says undefined for a catalog the registry does not offer", async () => {
    expect(await client.catalog()).toBeUndefined();
  });

  it("reports missing credentials and an unreachable registry with their codes", async () => {
    const anonymous = await failure(createRegistryClient({ url: reg.url }).listTags("app"));
    const nowhere = await failure(createRegistryClient({ url: "http://127.0.0.1:1", token: "t" }).listTags("app"));

    expect([anonymous.code, anonymous.status]).toEqual(["UNAUTHORIZED", 401]);
    expect(nowhere.code).toBe("UNREACHABLE");
    expect(nowhere.message).toContain("cannot reach the registry at http://127.0.0.1:1");
  });

  it("refuses a manifest whose bytes do not match the reference", async () => {
    const wrongDigest = digestOf("not this");
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": OCI_MANIFEST, "docker-content-digest": wrongDigest });
      res.end(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: EMPTY, layers: [] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const lying = createRegistryClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    try {
      const byTag = await failure(lying.getManifest("app", "v1"));
      const byDigest = await failure(lying.getManifest("app", wrongDigest));

      expect([byTag.code, byDigest.code]).toEqual(["DIGEST_MISMATCH", "DIGEST_MISMATCH"]);
    } finally {
      server.close();
    }
  });

  it("checks a blob itself when the registry sends other bytes", async () => {
    const asked = randomBytes(100_000);
    const served = Buffer.from(asked);
    served[99_999] = (served[99_999] ?? 0) ^ 1;
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-length": served.length });
      res.end(served);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const lying = createRegistryClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    try {
      const error = await failure(lying.pullBlob("app", digestOf(asked)).then(readAll));

      expect(error.code).toBe("DIGEST_MISMATCH");
    } finally {
      server.close();
    }
  });
});
