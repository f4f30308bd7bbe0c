/**
 * A link to a file (and line) of a commit on the forge the repository lives on, when its URL is a
 * web one (GitHub, Gitea, Forgejo and GitLab all answer `/blob/<sha>/<path>#L<line>`, GitLab via
 * `/-/blob/`); undefined for local paths and SSH URLs, which have no page to show.
 */
export function sourceLink(repoUrl: string | undefined, sha: string, file: string, line?: number): string | undefined {
  if (!repoUrl || !/^https?:\/\//i.test(repoUrl)) return undefined;
  let base: URL;
  try {
    base = new URL(repoUrl.replace(/\.git\/?$/, ""));
  } catch {
    return undefined;
  }
  base.username = "";
  base.password = "";
  const path = file.replace(/^\.?\//, "").split("/").map(encodeURIComponent).join("/");
  const blob = base.hostname.includes("gitlab") ? "/-/blob/" : "/blob/";
  return `${base.origin}${base.pathname.replace(/\/$/, "")}${blob}${sha}/${path}${line ? `#L${line}` : ""}`;
}
