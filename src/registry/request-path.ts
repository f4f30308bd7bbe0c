/** Which endpoint a path below `/v2/` names; the name and reference are checked later, by the handler. */
export type RegistryPath =
  | { kind: "base" }
  | { kind: "blob"; name: string; digest: string }
  | { kind: "uploads"; name: string }
  | { kind: "upload"; name: string; id: string }
  | { kind: "manifest"; name: string; reference: string }
  | { kind: "tags"; name: string }
  | { kind: "referrers"; name: string; digest: string };

// Names may themselves contain "blobs", "manifests", … as components; the greedy `(.+)` takes the longest
// name, so the endpoint is always read from the end of the path.
const patterns: ReadonlyArray<[RegExp, (m: RegExpExecArray) => RegistryPath]> = [
  [/^(.+)\/blobs\/uploads\/?$/, (m) => ({ kind: "uploads", name: m[1] ?? "" })],
  [/^(.+)\/blobs\/uploads\/([^/]+)$/, (m) => ({ kind: "upload", name: m[1] ?? "", id: m[2] ?? "" })],
  [/^(.+)\/blobs\/([^/]+)$/, (m) => ({ kind: "blob", name: m[1] ?? "", digest: m[2] ?? "" })],
  [/^(.+)\/manifests\/([^/]+)$/, (m) => ({ kind: "manifest", name: m[1] ?? "", reference: m[2] ?? "" })],
  [/^(.+)\/tags\/list$/, (m) => ({ kind: "tags", name: m[1] ?? "" })],
  [/^(.+)\/referrers\/([^/]+)$/, (m) => ({ kind: "referrers", name: m[1] ?? "", digest: m[2] ?? "" })],
];

/** Parses a request URL (path and query); undefined when it is not a registry endpoint. */
export function parseRegistryUrl(url: string): { path: RegistryPath; query: URLSearchParams } | undefined {
  const q = url.indexOf("?");
  const rawPath = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? "" : url.slice(q + 1));
  if (rawPath === "/v2" || rawPath === "/v2/") return { path: { kind: "base" }, query };
  if (!rawPath.startsWith("/v2/")) return undefined;
  let rest: string;
  try {
    rest = decodeURIComponent(rawPath.slice("/v2/".length));
  } catch {
    return undefined;
  }
  for (const [pattern, build] of patterns) {
    const m = pattern.exec(rest);
    if (m !== null) return { path: build(m), query };
  }
  return undefined;
}
