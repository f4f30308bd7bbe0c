/** What still uses registry content: manifest digests, and `repository:tag` names (repository without host). */
export type ArtifactReferences = { digests: Set<string>; tags: Set<string> };

type FreightData = { artifacts?: Array<{ digest?: unknown }>; images?: Array<{ digest?: unknown }> };
type ApplicationStatus = { services?: Array<{ artifact?: unknown }> };

/** `host[:port]/name:tag` or `host/name@digest` → the registry repository name and its tag or digest. */
function parseReference(ref: string): { repository: string; tag?: string; digest?: string } | undefined {
  const at = ref.indexOf("@");
  const path = at >= 0 ? ref.slice(0, at) : ref;
  const slash = path.indexOf("/");
  const first = slash >= 0 ? path.slice(0, slash) : "";
  const hasHost = first.includes(".") || first.includes(":") || first === "localhost";
  const rest = hasHost ? path.slice(slash + 1) : path;
  if (at >= 0) return { repository: rest, digest: ref.slice(at + 1) };
  const colon = rest.lastIndexOf(":");
  if (colon <= rest.lastIndexOf("/")) return undefined;
  return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1) };
}

/**
 * Everything freight pins (artifact and image digests) and everything the Services of Applications name as
 * their agents last reported, for retention to keep.
 */
export function referencedArtifacts(freight: ReadonlyArray<{ data: unknown }>, applications: ReadonlyArray<{ status?: unknown }>): ArtifactReferences {
  const refs: ArtifactReferences = { digests: new Set(), tags: new Set() };
  for (const f of freight) {
    const data = (f.data ?? {}) as FreightData;
    for (const piece of [...(data.artifacts ?? []), ...(data.images ?? [])]) {
      if (typeof piece.digest === "string") refs.digests.add(piece.digest);
    }
  }
  for (const app of applications) {
    for (const service of ((app.status ?? {}) as ApplicationStatus).services ?? []) {
      if (typeof service.artifact !== "string") continue;
      const ref = parseReference(service.artifact);
      if (ref?.digest) refs.digests.add(ref.digest);
      else if (ref?.tag) refs.tags.add(`${ref.repository}:${ref.tag}`);
    }
  }
  return refs;
}
