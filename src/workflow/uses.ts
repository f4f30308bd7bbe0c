/** What a `uses:` value points at. */
export type UsesRef =
  | { kind: "local"; path: string }
  | { kind: "docker"; image: string }
  | { kind: "remote"; owner: string; repo: string; path: string; ref: string };

export function parseUses(uses: string): UsesRef | undefined {
  const u = uses.trim();
  if (u.startsWith("./") || u === ".") return { kind: "local", path: u };
  if (u.startsWith("docker://")) return { kind: "docker", image: u.slice("docker://".length) };
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)((?:\/[^@\s]+)?)@([^\s@]+)$/.exec(u);
  if (!m) return undefined;
  const [, owner = "", repo = "", path = "", ref = ""] = m;
  if (owner.startsWith("-") || repo.startsWith("-") || ref.startsWith("-")) return undefined;
  return { kind: "remote", owner, repo, path: path.replace(/^\//, ""), ref };
}

/** Why a `uses:` value is malformed, or undefined when it is fine. */
export function checkUses(uses: string, where: "step" | "workflow"): string | undefined {
  if (uses.trim() === "") return "uses must not be empty";
  const ref = parseUses(uses);
  if (!ref) {
    return where === "step"
      ? `invalid action reference "${uses}": expected ./path, docker://image or owner/repo[/path]@ref`
      : `invalid reusable workflow reference "${uses}": expected ./.github/workflows/file.yml or owner/repo/.github/workflows/file.yml@ref`;
  }
  if (where === "workflow" && ref.kind === "docker") return `a job cannot use a container image "${uses}"`;
  return undefined;
}
