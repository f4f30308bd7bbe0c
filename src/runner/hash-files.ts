import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { compileFilterPattern } from "../workflow/filters.js";

function walk(dir: string, root: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".git") continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, root, out);
    else if (entry.isFile()) out.push(relative(root, full));
  }
}

/**
 * `hashFiles(patterns...)`: a sha256 over the sha256 of each matching file, in path order;
 * '' when none match. Synchronous because expression functions are.
 */
export function hashFiles(workspace: string, patterns: readonly string[]): string {
  const files: string[] = [];
  walk(workspace, workspace, files);
  const rules = patterns.flatMap((p) => p.split("\n")).map((p) => p.trim()).filter(Boolean).map((p) => {
    const negate = p.startsWith("!");
    const raw = negate ? p.slice(1) : p;
    const body = isAbsolute(raw) ? relative(workspace, raw) : raw.replace(/^\.\//, "");
    return { negate, re: compileFilterPattern(body) };
  });
  const matched = files.filter((f) => {
    let keep = false;
    for (const r of rules) if (r.re.test(f)) keep = !r.negate;
    return keep;
  }).sort();
  if (matched.length === 0) return "";
  const total = createHash("sha256");
  for (const f of matched) total.update(createHash("sha256").update(readFileSync(join(workspace, f))).digest());
  return total.digest("hex");
}
