import type { GitlabProject, GitlabUser } from "./schema.js";

const VISIBILITY: Readonly<Record<number, string>> = { 0: "private", 10: "internal", 20: "public" };

/** A GitLab project as a GitHub `repository` object; `full_name` is the project's path with its namespace. */
export function githubRepository(project: GitlabProject): Record<string, unknown> {
  const fullName = project.path_with_namespace;
  const slash = fullName.lastIndexOf("/");
  const owner = slash === -1 ? fullName : fullName.slice(0, slash);
  const visibility = project.visibility_level == null ? null : (VISIBILITY[project.visibility_level] ?? null);
  return {
    id: project.id ?? null,
    name: project.name ?? fullName.slice(slash + 1),
    full_name: fullName,
    owner: { login: owner, name: project.namespace ?? owner },
    description: project.description ?? null,
    private: visibility === null ? null : visibility !== "public",
    visibility,
    html_url: project.web_url ?? null,
    clone_url: project.git_http_url ?? null,
    ssh_url: project.git_ssh_url ?? null,
    default_branch: project.default_branch ?? null,
  };
}

/** A GitLab user as a GitHub `sender` object. */
export function githubSender(user: GitlabUser): Record<string, unknown> {
  return {
    login: user.username ?? null,
    id: user.id ?? null,
    name: user.name ?? null,
    avatar_url: user.avatar_url ?? null,
    type: "User",
  };
}
