import { createHash } from "node:crypto";
import type { Subscription, Warehouse } from "../resources/index.js";
import type { DiscoveredVersion } from "./discover-versions.js";
import { freightAlias } from "./freight-alias.js";
import type { Freight, FreightArtifact, FreightCommit, FreightOrigin } from "./schema.js";

/** The newest commit of a Git subscription's branch. */
export interface DiscoveredCommit {
  readonly id: string;
}

/** The newest piece of one subscription: a version for artifact and image subscriptions, a commit for Git. */
export type DiscoveredPiece = DiscoveredVersion | DiscoveredCommit;

export interface PlanFreightInput {
  readonly warehouse: Warehouse;
  /** The newest piece per subscription, in the order of `spec.subscriptions`; `undefined` where nothing is discovered yet. */
  readonly latest: readonly (DiscoveredPiece | undefined)[];
  /** Freight that exists already (of this warehouse or any other). */
  readonly existing: readonly Pick<Freight, "name">[];
  readonly now: Date;
  /** A person asked for freight now; needed when `freightCreationPolicy` is Manual. */
  readonly requested?: boolean;
}

export type FreightPlan =
  | { readonly action: "create"; readonly freight: Freight }
  /** Some subscriptions (their indexes) have nothing discovered yet; freight needs a piece of every one. */
  | { readonly action: "none"; readonly reason: "waiting-for-versions"; readonly missing: readonly number[] }
  /** Freight with these exact contents exists. */
  | { readonly action: "none"; readonly reason: "exists"; readonly name: string }
  /** The combination is new, but the warehouse creates freight only when a person asks. */
  | { readonly action: "none"; readonly reason: "manual"; readonly name: string };

interface Contents {
  readonly artifacts: FreightArtifact[];
  readonly images: FreightArtifact[];
  readonly commits: FreightCommit[];
  readonly origins: FreightOrigin[];
}

function isVersion(piece: DiscoveredPiece | undefined): piece is DiscoveredVersion {
  return piece !== undefined && "digest" in piece && typeof piece.digest === "string";
}

function isCommit(piece: DiscoveredPiece | undefined): piece is DiscoveredCommit {
  return piece !== undefined && "id" in piece && typeof piece.id === "string";
}

function pinned(repoURL: string, version: DiscoveredVersion): FreightArtifact {
  return { repoURL, tag: version.tag, digest: version.digest };
}

/** Adds one subscription's piece to `contents`; false when the piece is missing or of the wrong sort. */
function add(contents: Contents, subscription: Subscription, piece: DiscoveredPiece | undefined): boolean {
  if (subscription.git !== undefined) {
    if (!isCommit(piece)) return false;
    contents.commits.push({ repoURL: subscription.git.repoURL, branch: subscription.git.branch, id: piece.id });
    return true;
  }
  const registry = subscription.artifact ?? subscription.image;
  if (registry === undefined || !isVersion(piece)) return false;
  (subscription.artifact !== undefined ? contents.artifacts : contents.images).push(pinned(registry.repoURL, piece));
  if (piece.origin !== undefined) contents.origins.push(piece.origin);
  return true;
}

/**
 * The name of freight holding `contents` for `warehouse`: the first 20 hex digits of a sha256 over
 * the warehouse name and the sorted digests and commit ids (with their repositories). Tags and
 * branches are left out: the same digests are the same freight, whatever they were called.
 */
export function freightName(warehouse: string, contents: Pick<Freight, "artifacts" | "images" | "commits">): string {
  const lines = [
    ...contents.artifacts.map((a) => `artifact ${a.repoURL}@${a.digest}`),
    ...contents.images.map((i) => `image ${i.repoURL}@${i.digest}`),
    ...contents.commits.map((c) => `git ${c.repoURL}@${c.id}`),
  ].sort();
  return createHash("sha256").update([`warehouse ${warehouse}`, ...lines].join("\n")).digest("hex").slice(0, 20);
}

function originOf(contents: Contents): FreightOrigin {
  const first = contents.origins[0];
  if (first !== undefined) return first;
  const [commit, ...others] = contents.commits;
  if (commit !== undefined && others.length === 0 && contents.artifacts.length === 0 && contents.images.length === 0) {
    return { repository: commit.repoURL, commit: commit.id };
  }
  return {};
}

/**
 * Decides whether a warehouse makes new freight: when every subscription has a newest piece and
 * that combination (by digest and commit id) has no freight yet. The freight's provenance is the
 * first artifact or image's that has one, or the commit of a Git-only warehouse.
 */
export function planFreight(input: PlanFreightInput): FreightPlan {
  const { warehouse } = input;
  const contents: Contents = { artifacts: [], images: [], commits: [], origins: [] };
  const missing: number[] = [];
  warehouse.spec.subscriptions.forEach((subscription, index) => {
    if (!add(contents, subscription, input.latest[index])) missing.push(index);
  });
  if (missing.length > 0) return { action: "none", reason: "waiting-for-versions", missing };

  const name = freightName(warehouse.metadata.name, contents);
  if (input.existing.some((f) => f.name === name)) return { action: "none", reason: "exists", name };
  if (warehouse.spec.freightCreationPolicy === "Manual" && input.requested !== true) return { action: "none", reason: "manual", name };

  return {
    action: "create",
    freight: {
      name,
      alias: freightAlias(name),
      warehouse: warehouse.metadata.name,
      artifacts: contents.artifacts,
      images: contents.images,
      commits: contents.commits,
      origin: originOf(contents),
      createdAt: input.now.toISOString(),
      verifiedIn: {},
      approvedFor: {},
    },
  };
}
