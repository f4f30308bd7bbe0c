import type { Application } from "../../resources/index.js";
import { formatResourceProblem } from "../../resources/index.js";
import type { ReleaseCache, ReplicaSpecInput } from "../../runtime/index.js";
import { renderServices } from "../render-services.js";
import { serviceVersion } from "../service-version.js";
import type { Service } from "./live-state.js";
import type { ResolvedArtifact } from "./resolve-artifact.js";
import type { SourceCache } from "./source-cache.js";

/** What an Application's source says should run: at which revision, each Service's spec, version and program. */
export type Rendered = { revision: string; services: Service[]; versions: Record<string, string>; sources: Record<string, ReplicaSpecInput["source"]> };

/** Why there is nothing new to apply; the status shows it, and the last good state keeps running. */
export type RenderProblem = { reason: "FetchFailed" | "RenderFailed" | "ArtifactFailed"; message: string };

export type DesiredRendererDeps = {
  sources: SourceCache;
  releases: ReleaseCache;
  resolveArtifact(ref: string): Promise<ResolvedArtifact>;
};

/**
 * The desired side of one Application: fetch the source revision, render its Services (once per
 * revision and path: what a commit renders to never changes), resolve artifacts to digests and unpack them.
 */
export function createDesiredRenderer(deps: DesiredRendererDeps) {
  let lastRender: { key: string; result: Awaited<ReturnType<typeof renderServices>> } | undefined;

  return {
    /** `previous` comes back as is when nothing is new (same commit, same digests), so memoized diffs stay valid. */
    async render(s: Application["spec"]["source"], revisionOverride: string | undefined, fresh: boolean, previous: Rendered | undefined): Promise<{ ok: true; rendered: Rendered } | { ok: false; problem: RenderProblem }> {
      let revision: string;
      try {
        revision = await deps.sources.resolve(s.repoURL, revisionOverride ?? s.targetRevision, { maxAgeMs: fresh ? 0 : 2000 });
      } catch (error: unknown) {
        return { ok: false, problem: { reason: "FetchFailed", message: error instanceof Error ? error.message : String(error) } };
      }
      const key = `${s.repoURL}|${revision}|${s.path}`;
      const r = lastRender?.key === key ? lastRender.result : await renderServices(await deps.sources.checkout(s.repoURL, revision), s.path);
      lastRender = { key, result: r };
      if (!r.ok) {
        return { ok: false, problem: { reason: "RenderFailed", message: `revision ${revision.slice(0, 12)} does not render: ${r.problems.map((p) => formatResourceProblem(p)).join("; ")}` } };
      }
      const versions: Record<string, string> = {};
      const sources: Record<string, ReplicaSpecInput["source"]> = {};
      for (const svc of r.services) {
        try {
          if (svc.spec.artifact !== undefined) {
            const a = await deps.resolveArtifact(svc.spec.artifact);
            versions[svc.metadata.name] = serviceVersion(svc, a.digest);
            const dirOf = await deps.releases.ensureRelease({ registryUrl: a.registryUrl, repository: a.repository, digest: a.digest, ...(a.token ? { auth: { token: a.token } } : {}) });
            sources[svc.metadata.name] = { kind: "artifact", dir: dirOf, command: svc.spec.command ?? [] };
          } else {
            versions[svc.metadata.name] = serviceVersion(svc);
            sources[svc.metadata.name] = { kind: "image", image: svc.spec.image ?? "", ...(svc.spec.command ? { command: svc.spec.command } : {}) };
          }
        } catch (error: unknown) {
          return { ok: false, problem: { reason: "ArtifactFailed", message: `Service ${svc.metadata.name}: cannot get ${svc.spec.artifact ?? svc.spec.image ?? ""}: ${error instanceof Error ? error.message : String(error)}` } };
        }
      }
      if (previous && previous.revision === revision && previous.services === r.services && JSON.stringify(previous.versions) === JSON.stringify(versions)) return { ok: true, rendered: previous };
      return { ok: true, rendered: { revision, services: r.services, versions, sources } };
    },
  };
}
