import { createRegistryClient } from "../../registry/client/index.js";

/** A Service's `artifact` pinned to a digest, and where to pull it from. */
export type ResolvedArtifact = { registryUrl: string; repository: string; digest: string; token?: string };

/** Which scheme a registry host speaks: plain HTTP on loopback (the built-in registry of ferry up), else HTTPS. */
export function registryUrlFor(host: string, insecure: readonly string[] = []): string {
  const bare = host.replace(/:\d+$/, "");
  const plain = bare === "localhost" || bare === "127.0.0.1" || bare === "[::1]" || insecure.includes(host) || insecure.includes(bare);
  return `${plain ? "http" : "https"}://${host}`;
}

/** Splits `host[:port]/name[:tag|@digest]`. */
export function parseArtifactRef(ref: string): { host: string; repository: string; tag?: string; digest?: string } {
  const slash = ref.indexOf("/");
  const host = ref.slice(0, slash);
  let rest = ref.slice(slash + 1);
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(":");
  const tag = colon >= 0 ? rest.slice(colon + 1) : undefined;
  const repository = colon >= 0 ? rest.slice(0, colon) : rest;
  return { host, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/**
 * Resolves an artifact reference to the digest it names now (a digest reference stays as it is). The
 * manifest is fetched and checked against the digest the registry claims, so a tag cannot point at bytes
 * other than the ones the agent will run.
 */
export async function resolveArtifact(ref: string, o: { tokenFor?(host: string): string | undefined; insecure?: readonly string[] } = {}): Promise<ResolvedArtifact> {
  const parsed = parseArtifactRef(ref);
  const registryUrl = registryUrlFor(parsed.host, o.insecure);
  const token = o.tokenFor?.(parsed.host);
  if (parsed.digest) return { registryUrl, repository: parsed.repository, digest: parsed.digest, ...(token ? { token } : {}) };
  const client = createRegistryClient({ url: registryUrl, ...(token ? { token } : {}) });
  const manifest = await client.getManifest(parsed.repository, parsed.tag ?? "latest");
  return { registryUrl, repository: parsed.repository, digest: manifest.digest, ...(token ? { token } : {}) };
}
