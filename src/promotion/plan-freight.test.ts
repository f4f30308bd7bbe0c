import { describe, expect, it } from "vitest";
import { freightAlias } from "./freight-alias.js";
import { freightName, planFreight, type DiscoveredPiece, type PlanFreightInput } from "./plan-freight.js";
import { commitId, digest, makeWarehouse } from "./promotion.testing.js";
import { freightSchema } from "./schema.js";

const NOW = new Date("2025-03-01T10:00:00.000Z");

const warehouse = makeWarehouse("shop", {
  subscriptions: [
    { artifact: { repoURL: "localhost:7000/team/web" } },
    { image: { repoURL: "docker.io/library/redis", semverConstraint: "^7" } },
    { git: { repoURL: "https://git.example.com/acme/config.git" } },
  ],
});

const web = { tag: "1.4.0", digest: digest("a"), origin: { runId: "17", repository: "acme/web", commit: "3f2a9c1" } };
const redis = { tag: "7.2.4", digest: digest("b") };
const config = { id: commitId("c") };

function plan(fields: Partial<PlanFreightInput> = {}) {
  return planFreight({ warehouse, latest: [web, redis, config], existing: [], now: NOW, ...fields });
}

describe("planFreight", () => {
  it("makes freight of the newest piece of every subscription, pinned by digest and commit id", () => {
    const result = plan();
    if (result.action !== "create") throw new Error(`expected create, got ${result.action}`);
    const { freight } = result;

    expect(freight).toEqual({
      name: freight.name,
      alias: freightAlias(freight.name),
      warehouse: "shop",
      artifacts: [{ repoURL: "localhost:7000/team/web", tag: "1.4.0", digest: digest("a") }],
      images: [{ repoURL: "docker.io/library/redis", tag: "7.2.4", digest: digest("b") }],
      commits: [{ repoURL: "https://git.example.com/acme/config.git", branch: "main", id: commitId("c") }],
      origin: { runId: "17", repository: "acme/web", commit: "3f2a9c1" },
      createdAt: "2025-03-01T10:00:00.000Z",
      verifiedIn: {},
      approvedFor: {},
    });
    expect(freight.name).toMatch(/^[a-f0-9]{20}$/);
    expect(freight.alias).toMatch(/^[a-z]+-[a-z]+$/);
    expect(freightSchema.safeParse(freight).success).toBe(true);
  });

  it("names the same contents the same, whenever and however they were found", () => {
    const first = plan();
    const later = plan({ now: new Date("2026-01-01T00:00:00Z"), latest: [{ ...web, tag: "renamed", origin: {} }, { ...redis, tag: "7" }, config] });

    expect(first.action === "create" && later.action === "create" && later.freight.name === first.freight.name).toBe(true);
  });

  it.each<[string, readonly (DiscoveredPiece | undefined)[]]>([
    ["another artifact digest", [{ ...web, digest: digest("d") }, redis, config]],
    ["another image digest", [web, { ...redis, digest: digest("d") }, config]],
    ["another commit", [web, redis, { id: commitId("d") }]],
  ])("names different contents differently: %s", (_name, latest) => {
    const first = plan();
    const other = plan({ latest });

    expect(first.action === "create" && other.action === "create" && other.freight.name !== first.freight.name).toBe(true);
  });

  it("names the same digests of another warehouse differently", () => {
    const first = plan();
    const other = planFreight({ warehouse: { ...warehouse, metadata: { name: "shop-eu" } }, latest: [web, redis, config], existing: [], now: NOW });

    expect(first.action === "create" && other.action === "create" && other.freight.name !== first.freight.name).toBe(true);
  });

  it("makes nothing when freight with the same contents exists", () => {
    const first = plan();
    if (first.action !== "create") throw new Error("expected create");

    expect(plan({ existing: [first.freight] })).toEqual({ action: "none", reason: "exists", name: first.freight.name });
  });

  it.each<[string, readonly (DiscoveredPiece | undefined)[], number[]]>([
    ["nothing discovered yet", [], [0, 1, 2]],
    ["the image not discovered yet", [web, undefined, config], [1]],
    ["a commit where a version belongs", [web, config, config], [1]],
    ["a version where a commit belongs", [web, redis, redis], [2]],
  ])("waits when a subscription has no piece: %s", (_name, latest, missing) => {
    expect(plan({ latest })).toEqual({ action: "none", reason: "waiting-for-versions", missing });
  });

  it("makes freight of a Manual warehouse only when a person asks", () => {
    const manual = makeWarehouse("shop", { subscriptions: warehouse.spec.subscriptions, freightCreationPolicy: "Manual" });
    const input = { warehouse: manual, latest: [web, redis, config], existing: [], now: NOW };

    const waiting = planFreight(input);
    const asked = planFreight({ ...input, requested: true });

    expect(waiting).toEqual({ action: "none", reason: "manual", name: expect.stringMatching(/^[a-f0-9]{20}$/) as unknown });
    expect(asked.action === "create" && waiting.action === "none" && "name" in waiting && asked.freight.name === waiting.name).toBe(true);
  });

  it("takes the provenance of a Git-only warehouse from its commit", () => {
    const gitOnly = makeWarehouse("config", { subscriptions: [{ git: { repoURL: "/srv/git/config.git", branch: "release" } }] });
    const result = planFreight({ warehouse: gitOnly, latest: [config], existing: [], now: NOW });

    expect(result).toMatchObject({
      action: "create",
      freight: { commits: [{ repoURL: "/srv/git/config.git", branch: "release", id: commitId("c") }], origin: { repository: "/srv/git/config.git", commit: commitId("c") } },
    });
  });

  it("leaves the provenance empty when no piece has any", () => {
    const result = plan({ latest: [{ tag: web.tag, digest: web.digest }, redis, config] });
    expect(result).toMatchObject({ action: "create", freight: { origin: {} } });
  });
});

describe("freightName", () => {
  it("does not depend on the order of the pieces", () => {
    const a = { repoURL: "r/a", digest: digest("a") };
    const b = { repoURL: "r/b", digest: digest("b") };

    expect(freightName("shop", { artifacts: [a, b], images: [], commits: [] })).toBe(freightName("shop", { artifacts: [b, a], images: [], commits: [] }));
  });

  it("tells an artifact from an image with the same digest", () => {
    const piece = { repoURL: "localhost:7000/team/web", digest: digest("a") };

    expect(freightName("shop", { artifacts: [piece], images: [], commits: [] })).not.toBe(freightName("shop", { artifacts: [], images: [piece], commits: [] }));
  });
});

describe("freightAlias", () => {
  it.each(["0123456789abcdef0123", "ffffffffffffffffffff", "00000000000000000000", "not hex at all"])("is adjective-animal for %j, the same every time", (name) => {
    expect(freightAlias(name)).toMatch(/^[a-z]+-[a-z]+$/);
    expect(freightAlias(name)).toBe(freightAlias(name));
  });

  it("differs for different names", () => {
    expect(freightAlias("0000000000")).not.toBe(freightAlias("0101000000"));
  });
});
