import { CommitStatusError } from "./commit-status-error.js";
import type { CommitStatusReporter } from "./types.js";

export const REQUEST_TIMEOUT_MS = 10_000;

/** The API path below the root, each segment encoded: `/repos/{owner}/{repo}/statuses/{sha}`. */
export function statusPath(owner: string, repo: string, sha: string): string {
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/statuses/${encodeURIComponent(sha)}`;
}

/**
 * POSTs a JSON body and turns anything but a 2xx answer into a CommitStatusError carrying the forge's own
 * message. Redirects are not followed, so the token only ever goes to the configured API.
 */
export async function postStatus(
  forge: CommitStatusReporter["id"],
  req: { url: string; token: string; headers: Record<string, string>; body: Record<string, unknown> },
): Promise<void> {
  const where = `${forge} commit status at ${redactUrl(req.url)}`;
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": "ferry", ...req.headers },
      body: JSON.stringify(req.body),
      redirect: "manual",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error: unknown) {
    const reason = isTimeout(error) ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : describe(error);
    throw new CommitStatusError(forge, undefined, mask(`${where} failed: ${reason}`, req.token), { cause: error });
  }
  const text = await res.text().catch(() => "");
  if (res.ok) return;
  const message = res.status >= 300 && res.status < 400 ? `redirected to ${res.headers.get("location") ?? "nowhere"}; use the API's final URL` : forgeMessage(text);
  throw new CommitStatusError(forge, res.status, mask(`${where} failed with HTTP ${res.status}: ${message}`, req.token));
}

/** `message` of a JSON error body (both forges send one), else the start of the body text. */
function forgeMessage(text: string): string {
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body === "object" && body !== null && "message" in body && typeof body.message === "string" && body.message !== "") {
      return truncate(body.message);
    }
  } catch {
    // Not JSON: fall back to the text.
  }
  return truncate(text.trim()) || "(empty response)";
}

const truncate = (s: string): string => (s.length > 300 ? `${s.slice(0, 300)}…` : s);

function mask(message: string, token: string): string {
  return token === "" ? message : message.replaceAll(token, "***");
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    return u.toString();
  } catch {
    return "(invalid URL)";
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
}

/** fetch's "fetch failed" says little; the cause (ECONNREFUSED, ENOTFOUND, ...) says what to fix. */
function describe(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const causeText = cause instanceof Error ? cause.message : undefined;
  const text = error instanceof Error ? error.message : String(error);
  return causeText === undefined ? text : `${text} (${causeText})`;
}
