import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pushArtifact } from "../../registry/artifact/index.js";
import { createRegistryClient } from "../../registry/client/index.js";
import type { RegistryClient } from "../../registry/client/index.js";
import { startTestRegistry } from "../../registry/registry.testing.js";
import type { TestRegistry } from "../../registry/registry.testing.js";
import type { RuntimeError } from "../runtime-error.js";
import { createReleaseCache } from "./release-cache.js";
import type { ReleaseRef } from "./release-cache.js";

let reg: TestRegistry;
let tmp: string;
let manifestFetches: number;
/** A real client whose fetch counts manifest requests, to see how often the registry is asked. */
let client: RegistryClient;

beforeAll(async () => {
  reg = await startTestRegistry();
});
afterAll(async () => {
  await reg.close();
});
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), "ferry-release-cache-"));
  manifestFetches = 0;
  client = createRegistryClient({
    url: reg.url, token: "pusher-token",
    fetch: (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes("/manifests/") && (init?.method ?? "GET") === "GET") manifestFetches++;
      return fetch(input, init);
    },
  });
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

async function push(name: string, files: Record<string, string>): Promise<ReleaseRef> {
  const src = join(tmp, `src-${name.replace(/\W/g, "-")}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(src, path, ".."), { recursive: true });
    writeFileSync(join(src, path), content);
  }
  const pushed = await pushArtifact({ client, name, version: "1.0.0", paths: Object.keys(files), base: src });
  return { registryUrl: reg.url, repository: name, digest: pushed.digest, auth: { token: "pusher-token" } };
}

/** The registry's copy of a blob, found by its digest's hex in the registry directory. */
function blobFile(dir: string, hex: string): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) {
      const found = blobFile(path, hex);
      if (found !== undefined) return found;
    } else if (entry.name === hex) return path;
  }
  return undefined;
}

describe("release cache", () => {
  it("pulls and unpacks a release once, by digest", async () => {
    const ref = await push("shop/web", { "server.mjs": "console.log('hi');\n", "public/index.html": "<h1>shop</h1>\n" });
    const cache = createReleaseCache({ dir: join(tmp, "releases"), clientFor: () => client });

    const dir = await cache.ensureRelease(ref);
    const unpackedAt = statSync(dir).ino;
    const again = await cache.ensureRelease(ref);

    expect(dir).toBe(join(tmp, "releases", ref.digest.slice("sha256:".length)));
    expect(readFileSync(join(dir, "public/index.html"), "utf8")).toBe("<h1>shop</h1>\n");
    expect(again).toBe(dir);
    expect(statSync(again).ino).toBe(unpackedAt);
    expect(manifestFetches).toBe(1);
    expect(readdirSync(join(tmp, "releases"))).toEqual([ref.digest.slice("sha256:".length)]);
  });

  it("shares one pull between concurrent calls for the same digest", async () => {
    const ref = await push("shop/api", { "api.mjs": "export {};\n" });
    const cache = createReleaseCache({ dir: join(tmp, "releases"), clientFor: () => client });

    const dirs = await Promise.all([cache.ensureRelease(ref), cache.ensureRelease(ref), cache.ensureRelease(ref)]);

    expect(new Set(dirs).size).toBe(1);
    expect(manifestFetches).toBe(1);
  });

  it("finds releases a previous agent process unpacked without asking the registry", async () => {
    const ref = await push("shop/worker", { "worker.mjs": "export {};\n" });
    const dir = await createReleaseCache({ dir: join(tmp, "releases"), clientFor: () => client }).ensureRelease(ref);
    manifestFetches = 0;

    const later = await createReleaseCache({ dir: join(tmp, "releases"), clientFor: () => client }).ensureRelease(ref);

    expect(later).toBe(dir);
    expect(manifestFetches).toBe(0);
  });

  it("refuses a tampered release and leaves nothing unpacked", async () => {
    const ref = await push("shop/tampered", { "big.bin": "x".repeat(200_000) });
    const manifest = (await client.getManifest("shop/tampered", ref.digest)).json as { layers: Array<{ digest: string }> };
    const layer = blobFile(reg.dir, manifest.layers[0]?.digest.slice("sha256:".length) ?? "");
    const bytes = readFileSync(layer ?? "");
    bytes[bytes.length - 3000] = (bytes[bytes.length - 3000] ?? 0) ^ 1;
    writeFileSync(layer ?? "", bytes);
    const cache = createReleaseCache({ dir: join(tmp, "releases"), clientFor: () => client });

    const error = await cache.ensureRelease(ref).catch((e: unknown) => e);

    expect((error as RuntimeError).code).toBe("RELEASE_FAILED");
    expect(readdirSync(join(tmp, "releases"))).toEqual([]);
  });

  it("uses the credentials of the reference with the default client", async () => {
    const ref = await push("shop/private", { "a.txt": "a\n" });
    const cache = createReleaseCache({ dir: join(tmp, "releases") });

    const denied = await cache.ensureRelease({ ...ref, auth: { token: "wrong-token" } }).catch((e: unknown) => e);
    const dir = await cache.ensureRelease(ref);

    expect((denied as RuntimeError).code).toBe("RELEASE_FAILED");
    expect(existsSync(join(dir, "a.txt"))).toBe(true);
  });

  it("accepts only references pinned by digest", async () => {
    const cache = createReleaseCache({ dir: join(tmp, "releases") });

    const error = await cache.ensureRelease({ registryUrl: reg.url, repository: "shop/web", digest: "1.0.0" }).catch((e: unknown) => e);

    expect((error as RuntimeError).code).toBe("INVALID_SPEC");
  });
});
