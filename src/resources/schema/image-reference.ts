/** A registry host: DNS labels or `[ipv6]`, with an optional port. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/** Repository names, from the OCI distribution spec: lowercase components separated by `/`. */
const NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** The parts of `[host/]name[:tag][@digest]`; `host` only when the first component looks like one. */
interface ReferenceParts {
  readonly host?: string;
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Docker's rule: the first component names a registry when it has a `.` or `:`, or is `localhost`. */
function looksLikeHost(component: string): boolean {
  return component.includes(".") || component.includes(":") || component === "localhost";
}

function split(text: string): ReferenceParts {
  const at = text.indexOf("@");
  const withoutDigest = at === -1 ? text : text.slice(0, at);
  const digest = at === -1 ? undefined : text.slice(at + 1);
  const slash = withoutDigest.indexOf("/");
  const first = slash === -1 ? "" : withoutDigest.slice(0, slash);
  const host = slash !== -1 && looksLikeHost(first) ? first : undefined;
  const rest = host === undefined ? withoutDigest : withoutDigest.slice(slash + 1);
  const colon = rest.lastIndexOf(":");
  const name = colon === -1 ? rest : rest.slice(0, colon);
  const tag = colon === -1 ? undefined : rest.slice(colon + 1);
  return {
    name,
    ...(host === undefined ? {} : { host }),
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

function partsProblem(parts: ReferenceParts): string | undefined {
  if (parts.host !== undefined && !HOST.test(parts.host)) return `${JSON.stringify(parts.host)} is not a registry host`;
  if (!NAME.test(parts.name)) {
    return `${JSON.stringify(parts.name)} is not a repository name (lowercase letters and digits joined by ".", "_", "__" or "-", components separated by "/")`;
  }
  if (parts.tag !== undefined && !TAG.test(parts.tag)) return `${JSON.stringify(parts.tag)} is not a tag`;
  if (parts.digest !== undefined && !DIGEST.test(parts.digest)) return `${JSON.stringify(parts.digest)} is not a sha256 digest`;
  return undefined;
}

/**
 * Checks a reference to an artifact in an OCI registry, `host[:port]/name:tag` or
 * `host[:port]/name@sha256:<hex>` (both tag and digest may be given), and returns why it is
 * unusable, or `undefined` when it is fine. The registry host and a tag or digest are required, so
 * a config repository always says exactly where and what to fetch.
 */
export function artifactReferenceProblem(text: string): string | undefined {
  if (text.length > 512) return "must be at most 512 characters";
  const parts = split(text);
  if (parts.host === undefined) return "must start with the registry host, e.g. localhost:7000/team/web:1.2.0";
  if (parts.tag === undefined && parts.digest === undefined) {
    return "must name a version (:1.2.0) or a digest (@sha256:…), e.g. localhost:7000/team/web:1.2.0";
  }
  return partsProblem(parts);
}

/**
 * Checks a container image reference as podman takes it, `[host[:port]/]name[:tag][@sha256:<hex>]`
 * (`nginx:1.27`, `docker.io/library/redis:7`), and returns why it is unusable, or `undefined`.
 */
export function imageReferenceProblem(text: string): string | undefined {
  if (text.length > 512) return "must be at most 512 characters";
  const problem = partsProblem(split(text));
  return problem === undefined ? undefined : `${problem}; expected an image such as docker.io/library/nginx:1.27`;
}
