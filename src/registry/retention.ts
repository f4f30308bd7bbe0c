import { createBlobStore } from "./blob-store.js";
import { parseManifest } from "./manifest.js";
import { createMetadata } from "./metadata.js";
import type { ManifestRecord, Metadata } from "./metadata.js";

export type RetentionCandidate = {
  repository: string;
  tag: string;
  digest: string;
  /** When the tag was last pushed. */
  pushedAt: Date;
  /** 0 for the most recently pushed tag of its repository, 1 for the one before, … */
  rank: number;
};
export type RetentionDecision = "keep" | "delete" | "undecided";
/** One retention policy; rules are asked in order and the first decision wins; a tag nobody decides is kept. */
export type RetentionRule = (candidate: RetentionCandidate) => RetentionDecision;

/** Keeps the `n` most recently pushed tags of each repository and deletes the rest. */
export const keepLastN = (n: number): RetentionRule => (c) => (c.rank < n ? "keep" : "delete");

/** Keeps tags matching a pattern (for example releases, `/^v\d/`); leaves the others to later rules. */
export const keepMatching = (pattern: RegExp): RetentionRule => (c) => (pattern.test(c.tag) ? "keep" : "undecided");

/**
 * Keeps what something still uses: tags whose manifest digest is in `digests` (freight pins by digest), and
 * tags named in `tags` as `repository:tag` (a running Service may name a tag). Leaves the rest to later rules.
 */
export const keepReferenced = (refs: { digests: ReadonlySet<string>; tags: ReadonlySet<string> }): RetentionRule => (c) =>
  refs.digests.has(c.digest) || refs.tags.has(`${c.repository}:${c.tag}`) ? "keep" : "undecided";

/** Keeps every tag of repositories under a prefix (for example `ferry/runs/`, which expire by their own rule). */
export const keepRepositoriesUnder = (prefix: string): RetentionRule => (c) => (c.repository.startsWith(prefix) ? "keep" : "undecided");

export type RetentionResult = {
  tags: Array<{ repository: string; tag: string; digest: string }>;
  /** Manifests left with no tag and nothing that needs them (an index, a subject), forgotten so GC can reclaim them. */
  manifests: Array<{ repository: string; digest: string }>;
  /** Repositories whose manifests were left alone because one could not be read. */
  problems: Array<{ repository: string; message: string }>;
};

export function decide(rules: readonly RetentionRule[], candidate: RetentionCandidate): "keep" | "delete" {
  for (const rule of rules) {
    const decision = rule(candidate);
    if (decision !== "undecided") return decision;
  }
  return "keep";
}

/**
 * Applies retention rules to every tag of every repository under `dir` and deletes the tags they reject.
 * A manifest that thereby loses its last tag is forgotten too, with the index children and referrers only it
 * kept alive; manifests pushed by digest and never tagged are not touched. Run `collectGarbage` afterwards
 * to reclaim the bytes.
 */
export async function applyRetention(dir: string, rules: readonly RetentionRule[], opts: { dryRun?: boolean } = {}): Promise<RetentionResult> {
  const meta = createMetadata(dir);
  const result: RetentionResult = { tags: [], manifests: [], problems: [] };
  for (const repository of await meta.listRepositories()) {
    const tags = (await meta.listTagRecords(repository)).sort((a, b) => b.pushedAt.getTime() - a.pushedAt.getTime() || (a.tag < b.tag ? 1 : -1));
    const doomed = tags.filter((t, rank) => decide(rules, { repository, tag: t.tag, digest: t.digest, pushedAt: t.pushedAt, rank }) === "delete");
    if (doomed.length === 0) continue;
    for (const t of doomed) {
      if (opts.dryRun !== true && (await meta.getTag(repository, t.tag))?.digest === t.digest) await meta.deleteTag(repository, t.tag);
      result.tags.push({ repository, tag: t.tag, digest: t.digest });
    }
    const doomedTags = new Set(doomed.map((t) => t.tag));
    const tagged = new Set(tags.filter((t) => !doomedTags.has(t.tag)).map((t) => t.digest));
    try {
      for (const digest of await orphanedManifests(dir, meta, repository, new Set(doomed.map((t) => t.digest)), tagged)) {
        if (opts.dryRun !== true) await meta.deleteManifest(repository, digest);
        result.manifests.push({ repository, digest });
      }
    } catch (error: unknown) {
      result.problems.push({ repository, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}

/** Manifests reachable from `untagged` (via index children and referrers) that nothing still kept reaches. */
async function orphanedManifests(dir: string, meta: Metadata, repository: string, untagged: Set<string>, tagged: Set<string>): Promise<string[]> {
  const blobs = createBlobStore(dir);
  const records = new Map<string, ManifestRecord>((await meta.listManifests(repository)).map((r) => [r.digest, r]));
  const edges = new Map<string, string[]>();
  for (const record of records.values()) {
    const bytes = await blobs.readBuffer(record.digest);
    if (bytes === undefined) continue;
    const children = parseManifest(bytes, record.mediaType).manifests.map((d) => d.digest);
    edges.set(record.digest, [...(edges.get(record.digest) ?? []), ...children]);
    if (record.subject !== undefined) edges.set(record.subject, [...(edges.get(record.subject) ?? []), record.digest]);
  }
  const reach = (from: Iterable<string>): Set<string> => {
    const seen = new Set<string>();
    const queue = [...from];
    for (let d = queue.pop(); d !== undefined; d = queue.pop()) {
      if (seen.has(d)) continue;
      seen.add(d);
      queue.push(...(edges.get(d) ?? []));
    }
    return seen;
  };
  const affected = reach([...untagged].filter((d) => !tagged.has(d)));
  const kept = reach([...tagged, ...[...records.keys()].filter((d) => !affected.has(d))]);
  return [...affected].filter((d) => !kept.has(d) && records.has(d));
}
