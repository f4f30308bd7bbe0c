import { GitError } from "./git.js";

interface UrlCredentials {
  /** The URL with the password (if any) replaced by `***`. */
  redacted: string;
  /** Strings that must not appear in output: the password as written and percent-decoded. */
  secrets: string[];
}

const AUTHORITY = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s;

function credentialsOf(url: string): UrlCredentials {
  const match = AUTHORITY.exec(url);
  if (!match) return { redacted: url, secrets: [] };
  const [, scheme = "", authority = "", rest = ""] = match;
  const at = authority.lastIndexOf("@");
  const colon = at < 0 ? -1 : authority.slice(0, at).indexOf(":");
  if (colon < 0 || colon === at - 1) return { redacted: url, secrets: [] };
  const password = authority.slice(colon + 1, at);
  const secrets = new Set([password, decodeOrSelf(password)]);
  return {
    redacted: `${scheme}${authority.slice(0, colon + 1)}***${authority.slice(at)}${rest}`,
    secrets: [...secrets].filter((s) => s !== ""),
  };
}

/** `url` with any password in its user-info replaced by `***` (`https://user:***@host/repo`). */
export function redactUrl(url: string): string {
  return credentialsOf(url).redacted;
}

/** Replaces `url` and its password (as written or percent-decoded) anywhere in `text`. */
export function redactUrlIn(text: string, url: string): string {
  const { redacted, secrets } = credentialsOf(url);
  let out = text.split(url).join(redacted);
  for (const secret of secrets) out = out.split(secret).join("***");
  return out;
}

/**
 * Throws unless `url` is safe to hand to git as a repository: not empty, not
 * option-like, no NUL or line breaks. The error names the redacted URL.
 */
export function assertRepositoryUrl(url: string): void {
  if (url === "" || url.startsWith("-") || /[\0\r\n]/.test(url)) {
    throw new Error(`invalid repository URL: ${JSON.stringify(redactUrl(url))}`);
  }
}

/**
 * Rewrites a failure of `git <command> <url>` so that its message names the
 * (redacted) URL and nothing in it reveals the password. Other errors pass
 * through with their message redacted.
 */
export function urlError(error: unknown, command: string, url: string): Error {
  if (error instanceof GitError) {
    // The original error is not kept as `cause`: its args and stderr hold the password.
    return new GitError([command, redactUrl(url)], redactUrlIn(error.stderr, url), error.exitCode);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new Error(redactUrlIn(message, url));
}

function decodeOrSelf(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
