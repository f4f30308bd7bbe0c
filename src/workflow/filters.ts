// GitHub Actions filter patterns (branches, tags, paths), per the "Filter pattern cheat sheet":
//   *   zero or more characters except "/"
//   **  zero or more of any character (a "**/" at a segment start may also match no directory)
//   ?   zero or one of the preceding character
//   +   one or more of the preceding character
//   []  one character listed or in a range (a-z, A-Z, 0-9)
//   \x  the character x literally
// Matching is case-sensitive and must cover the whole value.

const REGEX_SYNTAX = new Set(["\\", "^", "$", ".", "|", "?", "*", "+", "(", ")", "[", "]", "{", "}", "/"]);
const CLASS_SYNTAX = new Set(["\\", "]", "[", "^", "-"]);

function escapeChar(ch: string): string {
  return REGEX_SYNTAX.has(ch) ? `\\${ch}` : ch;
}

function escapeClassChar(ch: string): string {
  return CLASS_SYNTAX.has(ch) ? `\\${ch}` : ch;
}

function rangeKind(ch: string): "digit" | "lower" | "upper" | undefined {
  if (ch >= "0" && ch <= "9") return "digit";
  if (ch >= "a" && ch <= "z") return "lower";
  if (ch >= "A" && ch <= "Z") return "upper";
  return undefined;
}

/** Translates the bracket expression starting at chars[start] === "["; returns the regex class and the index after "]". */
function translateClass(chars: readonly string[], start: number, pattern: string): { source: string; next: number } {
  const members: string[] = [];
  let i = start + 1;
  while (i < chars.length && chars[i] !== "]") {
    let ch = chars[i] ?? "";
    if (ch === "\\" && i + 1 < chars.length) {
      i++;
      ch = chars[i] ?? "";
    }
    const dash = chars[i + 1];
    const end = chars[i + 2];
    if (dash === "-" && end !== undefined && end !== "]") {
      const kind = rangeKind(ch);
      if (kind === undefined || rangeKind(end) !== kind || end < ch) {
        throw new Error(`invalid range "${ch}-${end}" in filter pattern "${pattern}": ranges may only span a-z, A-Z or 0-9`);
      }
      members.push(`${ch}-${end}`);
      i += 3;
      continue;
    }
    members.push(escapeClassChar(ch));
    i++;
  }
  if (i >= chars.length) throw new Error(`unterminated "[" in filter pattern "${pattern}"`);
  if (members.length === 0) throw new Error(`empty "[]" in filter pattern "${pattern}"`);
  return { source: `[${members.join("")}]`, next: i + 1 };
}

const cache = new Map<string, RegExp>();

/**
 * Compiles one filter pattern to an anchored RegExp. The pattern must not carry the leading "!"
 * of a negated filter (strip it first; `matchesFilters` does); here a "!" is always literal.
 * Throws on malformed bracket expressions.
 */
export function compileFilterPattern(pattern: string): RegExp {
  const cached = cache.get(pattern);
  if (cached !== undefined) return cached;

  // Iterate by code point so quantifiers apply to a whole character under the "u" flag.
  const chars = Array.from(pattern);
  const parts: string[] = [];
  // Only a single literal character or a bracket class can take "?" or "+"; after a wildcard,
  // at the start, or after another quantifier they are taken literally.
  let quantifiable = false;
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i] ?? "";
    if (ch === "*") {
      if (chars[i + 1] === "*") {
        const atSegmentStart = i === 0 || chars[i - 1] === "/";
        if (atSegmentStart && chars[i + 2] === "/") {
          parts.push("(?:.*/)?");
          i += 3;
        } else {
          parts.push(".*");
          i += 2;
        }
      } else {
        parts.push("[^/]*");
        i += 1;
      }
      quantifiable = false;
      continue;
    }
    if ((ch === "?" || ch === "+") && quantifiable) {
      parts.push(ch);
      quantifiable = false;
      i += 1;
      continue;
    }
    if (ch === "[") {
      const cls = translateClass(chars, i, pattern);
      parts.push(cls.source);
      quantifiable = true;
      i = cls.next;
      continue;
    }
    if (ch === "\\" && i + 1 < chars.length) {
      parts.push(escapeChar(chars[i + 1] ?? ""));
      quantifiable = true;
      i += 2;
      continue;
    }
    parts.push(escapeChar(ch));
    quantifiable = true;
    i += 1;
  }

  const regex = new RegExp(`^${parts.join("")}$`, "u");
  cache.set(pattern, regex);
  return regex;
}

/**
 * Ordered include/exclude evaluation: starts excluded; each matching pattern includes the
 * value, each matching "!pattern" excludes it again, so the last matching pattern wins.
 */
export function matchesFilters(value: string, patterns: readonly string[]): boolean {
  let included = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith("!");
    const body = negated ? pattern.slice(1) : pattern;
    if (compileFilterPattern(body).test(value)) included = !negated;
  }
  return included;
}

/** True when at least one path is included by `patterns` (as `matchesFilters`). */
export function matchesAnyPath(paths: readonly string[], patterns: readonly string[]): boolean {
  return paths.some((path) => matchesFilters(path, patterns));
}
