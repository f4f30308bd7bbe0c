import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { isAbsolute, join, posix, relative, sep } from "node:path";
import picomatch from "picomatch";

function walk(dir: string, root: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".git") continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, root, out);
    else if (entry.isFile()) out.push(relative(root, full).split(sep).join("/"));
  }
}

/**
 * One pattern line as @actions/glob reads it: leading `!`s flip include/exclude; the rest is a
 * glob relative to the workspace. An absolute path outside the workspace starts at the workspace
 * root, as GitHub documents for `hashFiles('/src/*.js')`.
 */
function compile(workspace: string, line: string): { negate: boolean; matches: (file: string) => boolean } {
  let body = line;
  let negate = false;
  while (body.startsWith("!")) {
    negate = !negate;
    body = body.slice(1).trim();
  }
  if (isAbsolute(body)) {
    const inside = relative(workspace, body);
    body = inside.startsWith("..") || isAbsolute(inside) ? body.replace(/^\/+/, "") : inside;
  }
  body = posix.normalize(body.split(sep).join("/") || ".").replace(/\/+$/, "");
  // "." (or "/") is the workspace itself, hence every file in it.
  const glob = body === "." || body === "" ? () => true : picomatch(body, { dot: true, nobrace: true, noextglob: true, nonegate: true });
  return {
    negate,
    // A pattern matching a directory also matches everything below it (implicit descendants).
    matches(file) {
      const parts = file.split("/");
      for (let n = parts.length; n >= 1; n--) if (glob(parts.slice(0, n).join("/"))) return true;
      return false;
    },
  };
}

/**
 * `hashFiles(patterns...)`: a sha256 over the sha256 of each matching file, in path order;
 * '' when none match. Synchronous because expression functions are.
 */
export function hashFiles(workspace: string, patterns: readonly string[]): string {
  const files: string[] = [];
  walk(workspace, workspace, files);
  const rules = patterns
    .flatMap((p) => p.split("\n"))
    .map((p) => p.trim())
    .filter((p) => p !== "" && !p.startsWith("#"))
    .map((p) => compile(workspace, p));
  const matched = files.filter((f) => {
    let keep = false;
    for (const r of rules) if (r.matches(f)) keep = !r.negate;
    return keep;
  }).sort();
  if (matched.length === 0) return "";
  const total = createHash("sha256");
  for (const f of matched) total.update(createHash("sha256").update(readFileSync(join(workspace, f))).digest());
  return total.digest("hex");
}
