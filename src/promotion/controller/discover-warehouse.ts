import type { Warehouse } from "../../resources/index.js";
import { listVersions, provenanceFromAnnotations } from "../../registry/artifact/index.js";
import { createRegistryClient } from "../../registry/client/index.js";
import { discoverVersions } from "../discover-versions.js";
import type { DiscoveredPiece } from "../plan-freight.js";
import type { GitDiscovery } from "./discover-git.js";

export type RegistryAccess = { urlFor(host: string): string; tokenFor(host: string): string | undefined };

/**
 * The newest version of each artifact or image subscription of a warehouse, read from its registry (tags,
 * each manifest's digest and creation annotation), and the newest qualifying commit of each Git
 * subscription's branch. A registry that cannot be read leaves its subscription undefined (no freight
 * yet); a Git remote that cannot be read throws its GitDiscoveryError.
 */
export async function discoverWarehouse(warehouse: Warehouse, registry: RegistryAccess, git: GitDiscovery): Promise<Array<DiscoveredPiece | undefined>> {
  const out: Array<DiscoveredPiece | undefined> = [];
  for (const subscription of warehouse.spec.subscriptions) {
    if (subscription.git !== undefined) {
      out.push(await git.newestCommit(subscription.git));
      continue;
    }
    const sub = "artifact" in subscription && subscription.artifact ? subscription.artifact : "image" in subscription && subscription.image ? subscription.image : undefined;
    if (!sub) {
      out.push(undefined);
      continue;
    }
    const slash = sub.repoURL.indexOf("/");
    const host = sub.repoURL.slice(0, slash);
    const name = sub.repoURL.slice(slash + 1);
    const token = registry.tokenFor(host);
    const client = createRegistryClient({ url: registry.urlFor(host), ...(token ? { token } : {}) });
    const versions = await listVersions(client, name).catch(() => []);
    const picked = discoverVersions(sub as Parameters<typeof discoverVersions>[0], versions.map((v) => ({ tag: v.tag, digest: v.digest, ...(v.created ? { createdAt: v.created } : {}) })));
    const newest = picked[0];
    if (!newest) {
      out.push(undefined);
      continue;
    }
    // Provenance from the manifest: the run and commit that built it.
    const manifest = await client.getManifest(name, newest.digest).catch(() => undefined);
    const annotations = (manifest?.json as { annotations?: Record<string, string> } | undefined)?.annotations ?? {};
    const p = provenanceFromAnnotations(annotations);
    out.push({ ...newest, ...(p.run || p.commit ? { origin: { ...(p.run ? { runId: p.run } : {}), ...(p.repository ? { repository: p.repository } : {}), ...(p.commit ? { commit: p.commit } : {}) } } : {}) } as DiscoveredPiece);
  }
  return out;
}
