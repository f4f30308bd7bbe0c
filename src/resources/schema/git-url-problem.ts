const SCHEMES = new Set(["https", "http", "ssh", "git", "file"]);

const SCHEME_URL = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/** scp-like `[user@]host:path`; no `/` before the first `:`. */
const SCP_LIKE = /^(?:([^@/:\s]+)@)?([^@/:\s]+):(.+)$/;

const EXPECTED = "must be a Git URL: https://, http://, ssh://, git://, file://, user@host:path or an absolute path";

/**
 * Checks a Git remote URL and returns why it is unusable, or `undefined` when it is fine.
 * Accepts `https://`, `http://`, `ssh://`, `git://`, `file://`, scp-like `git@host:path` and
 * absolute local paths. Rejects passwords in the URL (they belong in a secret) and hosts or users
 * starting with `-`, which `git` could take for an option.
 */
export function gitUrlProblem(url: string): string | undefined {
  if (/[\x00-\x1f\x7f]/.test(url)) return "must not contain control characters";
  if (url.startsWith("/")) return undefined;

  const scheme = SCHEME_URL.exec(url);
  if (scheme) {
    const protocol = (scheme[1] ?? "").toLowerCase();
    if (!SCHEMES.has(protocol)) return `unsupported scheme "${protocol}://"; ${EXPECTED}`;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error: unknown) {
      if (error instanceof TypeError) return `is not a valid URL; ${EXPECTED}`;
      throw error;
    }
    if (parsed.password !== "") return "must not contain a password; store it in a secret and name it in spec.credentialsRef";
    if (protocol === "file") return parsed.pathname.length > 1 ? undefined : "must name a path after file://";
    if (parsed.hostname === "") return "must name a host";
    if (parsed.hostname.startsWith("-") || parsed.username.startsWith("-")) return "host and user must not start with '-'";
    return undefined;
  }

  const scp = SCP_LIKE.exec(url);
  if (scp) {
    const [, user = "", host = ""] = scp;
    if (host.length === 1) return `looks like a Windows path; ${EXPECTED}`;
    if (host.startsWith("-") || user.startsWith("-")) return "host and user must not start with '-'";
    return undefined;
  }
  return EXPECTED;
}
