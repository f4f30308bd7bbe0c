import { describe, expect, it } from "vitest";
import { imageSubscriptionSchema } from "../resources/index.js";
import { discoverVersions, type VersionCandidate } from "./discover-versions.js";
import { digest } from "./promotion.testing.js";

function subscription(fields: Record<string, unknown> = {}) {
  return imageSubscriptionSchema.parse({ repoURL: "localhost:7000/team/web", ...fields });
}

/** Candidates `tag@digest`, created one minute apart in list order (the last is the newest build). */
function candidates(...tags: string[]): VersionCandidate[] {
  return tags.map((tag, index) => ({
    tag,
    digest: digest(((index % 15) + 1).toString(16)),
    createdAt: new Date(Date.UTC(2025, 0, 1, 12, index)).toISOString(),
  }));
}

const tagsOf = (subscriptionFields: Record<string, unknown>, list: readonly VersionCandidate[]): string[] =>
  discoverVersions(subscription(subscriptionFields), list).map((v) => v.tag);

describe("discoverVersions", () => {
  it.each<[string, Record<string, unknown>, string[], string[]]>([
    ["SemVer: highest version, not newest build", { strategy: "SemVer" }, ["1.10.0", "1.9.0", "1.2.3"], ["1.10.0", "1.9.0", "1.2.3"]],
    ["SemVer: a leading v is a version", { strategy: "SemVer" }, ["v1.0.0", "v2.0.0", "1.5.0"], ["v2.0.0", "1.5.0", "v1.0.0"]],
    ["SemVer: tags that are not versions are skipped", { strategy: "SemVer" }, ["latest", "1.0.0", "main-3f2a9c1", "1.1"], ["1.0.0"]],
    ["SemVer: pre-releases are skipped without a constraint naming one", { strategy: "SemVer" }, ["1.0.0", "2.0.0-rc.1"], ["1.0.0"]],
    ["SemVer: the constraint bounds the versions", { semverConstraint: "^1.2.0" }, ["1.1.0", "1.2.0", "1.9.9", "2.0.0"], ["1.9.9", "1.2.0"]],
    ["SemVer: a constraint may name pre-releases", { semverConstraint: ">=2.0.0-rc.0" }, ["1.0.0", "2.0.0-rc.1", "2.0.0-rc.2"], ["2.0.0-rc.2", "2.0.0-rc.1"]],
    ["SemVer: a range nothing satisfies", { semverConstraint: "^3" }, ["1.0.0", "2.0.0"], []],
    ["NewestBuild: latest created first", {}, ["b", "a", "c"], ["c", "a", "b"]],
    ["NewestBuild: tags need not be versions", { strategy: "NewestBuild" }, ["1.0.0", "latest-main"], ["latest-main", "1.0.0"]],
    ["Lexical: last in sort order first", { strategy: "Lexical" }, ["20250102", "20250110", "20250101"], ["20250110", "20250102", "20250101"]],
    ["Lexical: not numeric order", { strategy: "Lexical" }, ["build-9", "build-10"], ["build-9", "build-10"]],
    ["tagPattern keeps matching tags", { strategy: "Lexical", tagPattern: "^main-" }, ["main-1", "dev-9", "main-2"], ["main-2", "main-1"]],
    ["tagPattern is a search, not a full match", { strategy: "Lexical", tagPattern: "rc" }, ["1.0.0-rc.1", "1.0.0"], ["1.0.0-rc.1"]],
    ["tagPattern with SemVer", { semverConstraint: "*", tagPattern: "^v" }, ["v1.0.0", "2.0.0"], ["v1.0.0"]],
    ["discoveryLimit keeps the newest few", { strategy: "SemVer", discoveryLimit: 2 }, ["1.0.0", "3.0.0", "2.0.0", "4.0.0"], ["4.0.0", "3.0.0"]],
    ["no candidates", {}, [], []],
  ])("%s", (_name, fields, tags, expected) => {
    expect(tagsOf(fields, candidates(...tags))).toEqual(expected);
  });

  it("keeps the digest, creation time and provenance of each version", () => {
    const list: VersionCandidate[] = [
      { tag: "1.0.0", digest: digest("a"), createdAt: "2025-01-01T00:00:00.000Z", origin: { runId: "42", repository: "acme/web", commit: "3f2a9c1" } },
    ];

    expect(discoverVersions(subscription({ strategy: "SemVer" }), list)).toEqual([
      { tag: "1.0.0", digest: digest("a"), createdAt: "2025-01-01T00:00:00.000Z", origin: { runId: "42", repository: "acme/web", commit: "3f2a9c1" } },
    ]);
  });

  it.each<[string, VersionCandidate]>([
    ["no digest", { tag: "9.0.0", createdAt: "2025-06-01T00:00:00Z" }],
    ["an empty digest", { tag: "9.0.0", digest: "", createdAt: "2025-06-01T00:00:00Z" }],
    ["a digest that is not one", { tag: "9.0.0", digest: "sha256:abc", createdAt: "2025-06-01T00:00:00Z" }],
    ["an upper-case digest", { tag: "9.0.0", digest: `sha256:${"A".repeat(64)}`, createdAt: "2025-06-01T00:00:00Z" }],
  ])("never picks a tag with %s, even when it would be newest", (_name, mutable) => {
    const list = [...candidates("1.0.0"), mutable];

    for (const strategy of ["SemVer", "NewestBuild", "Lexical"]) {
      expect(tagsOf({ strategy }, list), strategy).toEqual(["1.0.0"]);
    }
  });

  it("accepts sha512 digests", () => {
    const list: VersionCandidate[] = [{ tag: "1.0.0", digest: `sha512:${"b".repeat(128)}` }];
    expect(tagsOf({ strategy: "Lexical" }, list)).toEqual(["1.0.0"]);
  });

  it("skips versions without a creation time for NewestBuild, and keeps them for the others", () => {
    const list: VersionCandidate[] = [
      { tag: "2.0.0", digest: digest("a") },
      { tag: "1.0.0", digest: digest("b"), createdAt: "2025-01-01T00:00:00Z" },
      { tag: "3.0.0", digest: digest("c"), createdAt: "not a time" },
    ];

    expect(tagsOf({ strategy: "NewestBuild" }, list)).toEqual(["1.0.0"]);
    expect(tagsOf({ strategy: "SemVer" }, list)).toEqual(["3.0.0", "2.0.0", "1.0.0"]);
  });

  it("counts a tag listed twice once, with its first digest", () => {
    const list: VersionCandidate[] = [
      { tag: "1.0.0", digest: digest("a"), createdAt: "2025-01-01T00:00:00Z" },
      { tag: "1.0.0", digest: digest("b"), createdAt: "2025-01-02T00:00:00Z" },
    ];

    expect(discoverVersions(subscription({ strategy: "SemVer" }), list).map((v) => v.digest)).toEqual([digest("a")]);
  });

  it("orders equal versions (v1.0.0 and 1.0.0) by newest build, the same whatever the input order", () => {
    const list: VersionCandidate[] = [
      { tag: "v1.0.0", digest: digest("a"), createdAt: "2025-01-01T00:00:00Z" },
      { tag: "1.0.0", digest: digest("b"), createdAt: "2025-01-02T00:00:00Z" },
    ];

    expect(tagsOf({ strategy: "SemVer" }, list)).toEqual(["1.0.0", "v1.0.0"]);
    expect(tagsOf({ strategy: "SemVer" }, [...list].reverse())).toEqual(["1.0.0", "v1.0.0"]);
  });

  it("breaks ties in creation time by tag, whatever the input order", () => {
    const at = "2025-01-01T00:00:00Z";
    const list: VersionCandidate[] = [
      { tag: "a", digest: digest("a"), createdAt: at },
      { tag: "b", digest: digest("b"), createdAt: at },
    ];

    expect(tagsOf({}, list)).toEqual(["b", "a"]);
    expect(tagsOf({}, [...list].reverse())).toEqual(["b", "a"]);
  });
});
