import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { createBasicAuthorizer } from "./auth-basic.js";
import { OCI_MANIFEST } from "./manifest.js";
import { registerRegistryRoutes } from "./routes.js";
import type { PushEvent, RegistryRouteDeps } from "./types.js";

export const PUSHER = "Bearer pusher-token";
export const VIEWER = "Bearer viewer-token";
const roles: Record<string, string> = { "pusher-token": "operator", "viewer-token": "viewer" };

export type TestRegistry = {
  url: string;
  dir: string;
  events: PushEvent[];
  /** fetch against the registry, as the pusher unless `authorization` is given ("" for none). */
  req(path: string, init?: RequestInit & { authorization?: string }): Promise<Response>;
  close(): Promise<void>;
};

/** A real fastify server with the registry routes on 127.0.0.1, a random port and a temp directory. */
export async function startTestRegistry(opts: Partial<Omit<RegistryRouteDeps, "dir">> & { publicRepositories?: (name: string) => boolean } = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "ferry-registry-"));
  const events: PushEvent[] = [];
  const app = Fastify({ logger: false });
  const { publicRepositories, ...rest } = opts;
  registerRegistryRoutes(app, {
    dir,
    authorize: createBasicAuthorizer({ verify: (t) => (roles[t] === undefined ? undefined : { role: roles[t] }), ...(publicRepositories === undefined ? {} : { publicRepositories }) }),
    onPush: (e) => events.push(e),
    ...rest,
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    url, dir, events,
    req(path, init = {}) {
      const { authorization = PUSHER, headers, ...other } = init;
      return fetch(`${url}${path}`, { ...other, headers: { ...(authorization === "" ? {} : { authorization }), ...(headers as Record<string, string> | undefined) } });
    },
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const digestOf = (data: string | Uint8Array): string => `sha256:${createHash("sha256").update(data).digest("hex")}`;

/** Pushes a blob in one POST; returns its digest. */
export async function pushBlob(reg: TestRegistry, name: string, data: string | Uint8Array): Promise<string> {
  const digest = digestOf(data);
  const res = await reg.req(`/v2/${name}/blobs/uploads/?digest=${digest}`, { method: "POST", body: data, headers: { "content-type": "application/octet-stream" } });
  if (res.status !== 201) throw new Error(`blob push failed: ${res.status} ${await res.text()}`);
  return digest;
}

export const descriptor = (data: string | Uint8Array, mediaType: string): { mediaType: string; digest: string; size: number } =>
  ({ mediaType, digest: digestOf(data), size: Buffer.byteLength(data) });

/** Pushes an image manifest (config + layers pushed first) and returns its bytes and digest. */
export async function pushImage(reg: TestRegistry, name: string, reference: string, layers: string[], extra: Record<string, unknown> = {}): Promise<{ digest: string; body: string }> {
  const config = JSON.stringify({ architecture: "amd64", os: "linux", layers: layers.length });
  await pushBlob(reg, name, config);
  for (const layer of layers) await pushBlob(reg, name, layer);
  const body = JSON.stringify({
    schemaVersion: 2, mediaType: OCI_MANIFEST,
    config: descriptor(config, "application/vnd.oci.image.config.v1+json"),
    layers: layers.map((l) => descriptor(l, "application/vnd.oci.image.layer.v1.tar")),
    ...extra,
  });
  await putManifest(reg, name, reference, body, OCI_MANIFEST, 201);
  return { digest: digestOf(body), body };
}

export async function putManifest(reg: TestRegistry, name: string, reference: string, body: string, contentType: string, expect?: number): Promise<Response> {
  const res = await reg.req(`/v2/${name}/manifests/${reference}`, { method: "PUT", body, headers: { "content-type": contentType } });
  if (expect !== undefined && res.status !== expect) throw new Error(`manifest push: ${res.status} ${await res.text()}`);
  return res;
}

export async function errorCodes(res: Response): Promise<string[]> {
  const body = (await res.json()) as { errors: Array<{ code: string }> };
  return body.errors.map((e) => e.code);
}
