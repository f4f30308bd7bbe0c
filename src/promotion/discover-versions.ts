import semver from "semver";
import type { RegistrySubscription } from "../resources/index.js";
import { DIGEST_PATTERN, type FreightOrigin } from "./schema.js";

/** A version a registry lists: a tag, the digest it points at now, and when it was built. */
export interface VersionCandidate {
  readonly tag: string;
  /** The manifest digest; a candidate without one is never picked. */
  readonly digest?: string | undefined;
  /** ISO 8601 creation time, when the registry knows it. */
  readonly createdAt?: string | undefined;
  /** Provenance recorded with the artifact, when there is any. */
  readonly origin?: FreightOrigin | undefined;
}

/** A version the subscription accepts, pinned by digest. */
export interface DiscoveredVersion {
  readonly tag: string;
  readonly digest: string;
  readonly createdAt?: string;
  readonly origin?: FreightOrigin;
}

interface Ranked {
  readonly version: DiscoveredVersion;
  readonly time: number | undefined;
  readonly semver: string | null;
}

function rank(candidate: VersionCandidate & { digest: string }): Ranked {
  const time = candidate.createdAt === undefined ? Number.NaN : Date.parse(candidate.createdAt);
  const version: DiscoveredVersion = {
    tag: candidate.tag,
    digest: candidate.digest,
    ...(candidate.createdAt === undefined ? {} : { createdAt: candidate.createdAt }),
    ...(candidate.origin === undefined ? {} : { origin: candidate.origin }),
  };
  return { version, time: Number.isNaN(time) ? undefined : time, semver: semver.valid(candidate.tag) };
}

const byTagDescending = (a: Ranked, b: Ranked): number => (a.version.tag < b.version.tag ? 1 : a.version.tag > b.version.tag ? -1 : 0);

const byTimeDescending = (a: Ranked, b: Ranked): number => (b.time ?? 0) - (a.time ?? 0);

function ordered(subscription: RegistrySubscription, ranked: readonly Ranked[]): Ranked[] {
  switch (subscription.strategy) {
    case "SemVer": {
      const range = subscription.semverConstraint ?? "*";
      return ranked
        .filter((r) => r.semver !== null && semver.satisfies(r.semver, range))
        .sort((a, b) => semver.rcompare(a.semver ?? "0.0.0", b.semver ?? "0.0.0") || byTimeDescending(a, b) || byTagDescending(a, b));
    }
    case "NewestBuild":
      return ranked.filter((r) => r.time !== undefined).sort((a, b) => byTimeDescending(a, b) || byTagDescending(a, b));
    case "Lexical":
      return [...ranked].sort(byTagDescending);
  }
}

/**
 * The versions a registry subscription accepts, newest first by its strategy, at most
 * `discoveryLimit` of them; the first is the one freight gets.
 *
 * - Candidates without a valid digest are skipped: a tag can move, the digest pins the version.
 * - `tagPattern` keeps only tags it finds a match in.
 * - SemVer keeps tags that are semantic versions (a leading `v` is allowed) in `semverConstraint`
 *   (every release when there is none; pre-releases only when the range names one), highest first.
 * - NewestBuild keeps candidates with a known creation time, latest first.
 * - Lexical orders tags by their characters, last first.
 *
 * A tag listed twice counts once (its first listing).
 */
export function discoverVersions(subscription: RegistrySubscription, candidates: readonly VersionCandidate[]): DiscoveredVersion[] {
  const pattern = subscription.tagPattern === undefined ? undefined : new RegExp(subscription.tagPattern, "u");
  const seen = new Set<string>();
  const ranked: Ranked[] = [];
  for (const candidate of candidates) {
    const { digest } = candidate;
    if (digest === undefined || !DIGEST_PATTERN.test(digest)) continue;
    if (seen.has(candidate.tag)) continue;
    seen.add(candidate.tag);
    if (pattern !== undefined && !pattern.test(candidate.tag)) continue;
    ranked.push(rank({ ...candidate, digest }));
  }
  return ordered(subscription, ranked)
    .slice(0, subscription.discoveryLimit)
    .map((r) => r.version);
}
