import { utimesSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectGarbage } from "./gc.js";
import { OCI_INDEX, OCI_MANIFEST } from "./manifest.js";
import { applyRetention, decide, keepLastN, keepMatching, keepReferenced, keepRepositoriesUnder } from "./retention.js";
import type { RetentionCandidate } from "./retention.js";
import { digestOf, pushBlob, pushImage, putManifest, startTestRegistry } from "./registry.testing.js";
import type { TestRegistry } from "./registry.testing.js";

const candidate = (tag: string, rank: number): RetentionCandidate => ({ repository: "app", tag, digest: digestOf(tag), pushedAt: new Date(0), rank });

describe("retention rules", () => {
  it.each([
    ["v1.0", 5, "keep"], ["main-abc", 0, "keep"], ["main-abc", 1, "keep"], ["main-old", 2, "delete"],
  ] as const)("%s at rank %i → %s", (tag, rank, decision) => {
    expect(decide([keepMatching(/^v\d/), keepLastN(2)], candidate(tag, rank))).toBe(decision);
  });

  it("keeps what freight pins by digest or a running Service names by tag, whatever its rank", () => {
    const rules = [keepReferenced({ digests: new Set([digestOf("pinned")]), tags: new Set(["app:named"]) }), keepLastN(1)];
    expect(decide(rules, candidate("pinned", 7))).toBe("keep");
    expect(decide(rules, candidate("named", 7))).toBe("keep");
    expect(decide(rules, candidate("other", 7))).toBe("delete");
    expect(decide([keepRepositoriesUnder("ferry/runs/"), keepLastN(0)], { ...candidate("a", 3), repository: "ferry/runs/12" })).toBe("keep");
  });

  it("keeps a tag that no rule decides", () => {
    expect(decide([keepMatching(/^v/)], candidate("main", 9))).toBe("keep");
  });
});

describe("applyRetention", () => {
  let reg: TestRegistry;
  beforeEach(async () => { reg = await startTestRegistry(); });
  afterEach(() => reg.close());

  const age = (name: string, tag: string, minutesAgo: number): void => {
    const t = new Date(Date.now() - minutesAgo * 60_000);
    utimesSync(join(reg.dir, "repositories", name, "_tags", tag), t, t);
  };

  it("keeps the last N tags per repository, forgets what only the deleted tags held, and GC reclaims it", async () => {
    const builds = [];
    for (const [i, tag] of ["b1", "b2", "b3", "b4"].entries()) {
      builds.push(await pushImage(reg, "app", tag, ["common", `layer of ${tag}`]));
      age("app", tag, 10 - i);
    }
    const keptByIndex = builds[0]!;
    const index = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: keptByIndex.digest, size: keptByIndex.body.length }] });
    await putManifest(reg, "app", digestOf(index), index, OCI_INDEX, 201);
    // A signature on b2: it goes when its subject goes.
    await pushBlob(reg, "app", "{}");
    const sig = JSON.stringify({
      schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: "application/vnd.example.sig",
      config: { mediaType: "application/vnd.oci.empty.v1+json", digest: digestOf("{}"), size: 2 }, layers: [],
      subject: { mediaType: OCI_MANIFEST, digest: builds[1]!.digest, size: builds[1]!.body.length },
    });
    await putManifest(reg, "app", digestOf(sig), sig, OCI_MANIFEST, 201);
    await pushImage(reg, "other", "only", ["other layer"]);

    const result = await applyRetention(reg.dir, [keepLastN(2)]);
    expect(result.tags.map((t) => t.tag).sort()).toEqual(["b1", "b2"]);
    expect(result.manifests.map((m) => m.digest).sort()).toEqual([builds[1]!.digest, digestOf(sig)].sort());
    expect(result.problems).toEqual([]);
    expect(await (await reg.req("/v2/app/tags/list")).json()).toEqual({ name: "app", tags: ["b3", "b4"] });
    expect((await reg.req(`/v2/app/manifests/${keptByIndex.digest}`)).status).toBe(200);
    expect((await reg.req(`/v2/app/manifests/${builds[1]!.digest}`)).status).toBe(404);
    expect(await (await reg.req("/v2/other/tags/list")).json()).toEqual({ name: "other", tags: ["only"] });

    const gc = await collectGarbage(reg.dir, { graceMs: 0 });
    const removed = gc.blobs.map((b) => b.digest);
    expect(removed).toContain(digestOf("layer of b2"));
    expect(removed).not.toContain(digestOf("layer of b1"));
    expect(removed).not.toContain(digestOf("common"));
    expect((await reg.req(`/v2/app/blobs/${digestOf("layer of b2")}`, { method: "HEAD" })).status).toBe(404);
    expect((await reg.req(`/v2/app/blobs/${digestOf("layer of b4")}`)).status).toBe(200);
  });

  it("changes nothing in a dry run", async () => {
    await pushImage(reg, "app", "a", ["x"]);
    await pushImage(reg, "app", "b", ["y"]);
    const result = await applyRetention(reg.dir, [keepLastN(0)], { dryRun: true });
    expect(result.tags).toHaveLength(2);
    expect(await (await reg.req("/v2/app/tags/list")).json()).toEqual({ name: "app", tags: ["a", "b"] });
  });
});
