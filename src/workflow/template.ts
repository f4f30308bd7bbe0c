import { evaluate, stringify } from "./expressions.js";
import type { Contexts, ExtraFunction, Value } from "./expressions.js";

export type Segment = { literal: string } | { expression: string };

/** Splits a string into literal text and `${{ }}` expressions; quotes inside an expression may hold `}}`. */
export function splitTemplate(text: string): Segment[] {
  const segments: Segment[] = [];
  let pos = 0;
  for (;;) {
    const start = text.indexOf("${{", pos);
    if (start < 0) break;
    let i = start + 3;
    let inString = false;
    let end = -1;
    for (; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === "'") {
          if (text[i + 1] === "'") i++;
          else inString = false;
        }
      } else if (c === "'") inString = true;
      else if (c === "}" && text[i + 1] === "}") { end = i; break; }
    }
    if (end < 0) break;
    if (start > pos) segments.push({ literal: text.slice(pos, start) });
    segments.push({ expression: text.slice(start + 3, end).trim() });
    pos = end + 2;
  }
  if (pos < text.length) segments.push({ literal: text.slice(pos) });
  return segments;
}

export function hasExpression(text: string): boolean {
  return text.includes("${{") && splitTemplate(text).some((s) => "expression" in s);
}

/** If the whole string is one `${{ }}`, the expression inside it; otherwise undefined. */
export function soleExpression(text: string): string | undefined {
  const segments = splitTemplate(text.trim());
  const only = segments[0];
  return segments.length === 1 && only && "expression" in only ? only.expression : undefined;
}

/**
 * Evaluates the expressions in a value. A string that is one whole expression keeps the
 * expression's type (so `${{ fromJSON(...) }}` can yield an object); mixed text becomes a string.
 */
export function interpolate(value: unknown, contexts: Contexts, functions: readonly ExtraFunction[] = []): Value {
  if (typeof value === "string") {
    if (!value.includes("${{")) return value;
    const sole = soleExpression(value);
    if (sole !== undefined) return evaluate(sole, contexts, functions);
    return splitTemplate(value)
      .map((s) => ("literal" in s ? s.literal : stringify(evaluate(s.expression, contexts, functions))))
      .join("");
  }
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map((v) => interpolate(v, contexts, functions));
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[stringify(interpolate(k, contexts, functions))] = interpolate(v, contexts, functions);
  }
  return out;
}

/** Interpolates and renders as a string (for run scripts, names, env values). */
export function interpolateString(value: unknown, contexts: Contexts, functions: readonly ExtraFunction[] = []): string {
  return stringify(interpolate(value, contexts, functions));
}

/** The expression of an `if:`: the text inside `${{ }}` when it is written that way, else the text itself. */
export function conditionOf(raw: string | undefined): string {
  if (raw === undefined) return "";
  const sole = soleExpression(raw);
  if (sole !== undefined) return sole;
  // Text mixed with expressions is a non-empty string, hence true.
  return hasExpression(raw) ? `'${raw.replace(/'/g, "''")}' != ''` : raw;
}
