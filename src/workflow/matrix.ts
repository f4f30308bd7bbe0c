import { stringify } from "./expressions.js";
import type { Contexts, ExtraFunction, Value } from "./expressions.js";
import { interpolate, soleExpression } from "./template.js";

export type Combination = Record<string, Value>;
type Rec = Record<string, Value>;
const isRec = (v: Value | undefined): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const same = (a: Value | undefined, b: Value | undefined): boolean => JSON.stringify(a) === JSON.stringify(b);

export class MatrixError extends Error {
  readonly code = "matrix";
}

/**
 * Expands an evaluated `strategy.matrix` the way GitHub does: the cartesian product of the
 * vectors, minus `exclude` (partial matches), then each `include` entry is merged into every
 * combination whose original values it does not change, or becomes a combination of its own.
 * Returns [] for "no matrix" (the job runs once without one).
 */
export function expandMatrix(matrix: Value | undefined): Combination[] {
  if (matrix === undefined || matrix === null) return [];
  if (!isRec(matrix)) throw new MatrixError(`strategy.matrix must be a mapping, got ${stringify(matrix) || "null"}`);
  const vectors: Array<[string, Value[]]> = [];
  for (const [key, value] of Object.entries(matrix)) {
    if (key === "include" || key === "exclude") continue;
    if (!Array.isArray(value)) throw new MatrixError(`strategy.matrix.${key} must be a list`);
    if (value.length === 0) throw new MatrixError(`strategy.matrix.${key} must not be an empty list`);
    vectors.push([key, value]);
  }
  let combos: Combination[] = vectors.length === 0 ? [] : [{}];
  for (const [key, values] of vectors) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));

  const entries = (name: "include" | "exclude"): Rec[] => {
    const list = matrix[name];
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) throw new MatrixError(`strategy.matrix.${name} must be a list`);
    return list.map((e) => {
      if (!isRec(e)) throw new MatrixError(`each strategy.matrix.${name} entry must be a mapping`);
      return e;
    });
  };
  for (const ex of entries("exclude")) {
    combos = combos.filter((c) => !Object.entries(ex).every(([k, v]) => same(c[k], v)));
  }
  const originalKeys = new Set(vectors.map(([k]) => k));
  const originals = combos.map((c) => ({ ...c }));
  const extra: Combination[] = [];
  for (const inc of entries("include")) {
    let merged = false;
    combos.forEach((c, i) => {
      const original = originals[i] ?? {};
      const fits = Object.entries(inc).every(([k, v]) => !originalKeys.has(k) || same(original[k], v));
      if (fits) {
        Object.assign(c, inc);
        merged = true;
      }
    });
    if (!merged) extra.push({ ...inc });
  }
  return [...combos, ...extra];
}

/** `--matrix key:value` filters: a combination is kept when, for every filtered key it has, its value is one given. */
export function filterMatrix(combos: Combination[], filters: ReadonlyMap<string, ReadonlySet<string>>): Combination[] {
  if (filters.size === 0) return combos;
  return combos.filter((c) => [...filters].every(([k, allowed]) => !(k in c) || allowed.has(stringify(c[k] ?? null))));
}

/** GitHub's display name for a matrix job without a `name:`: `id (v1, v2)`. */
export function matrixJobName(base: string, combo: Combination): string {
  const parts = Object.values(combo).map((v) => (typeof v === "object" && v !== null ? JSON.stringify(v) : stringify(v)));
  return parts.length ? `${base} (${parts.join(", ")})` : base;
}

/**
 * Evaluates a raw `strategy.matrix`. A vector item that is one whole expression yielding a list
 * contributes each element of that list (so `- ${{ fromJSON('[...]') }}` adds several values).
 */
export function evaluateMatrix(raw: unknown, contexts: Contexts, functions: readonly ExtraFunction[] = []): Value {
  const matrix = interpolate(typeof raw === "string" ? raw : null, contexts, functions);
  if (typeof raw === "string") return matrix;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return interpolate(raw, contexts, functions);
  const out: Rec = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key !== "include" && key !== "exclude" && Array.isArray(value)) {
      out[key] = value.flatMap((item: unknown) => {
        const sole = typeof item === "string" ? soleExpression(item) : undefined;
        const v = interpolate(item, contexts, functions);
        return sole !== undefined && Array.isArray(v) ? v : [v];
      });
    } else out[key] = interpolate(value, contexts, functions);
  }
  return out;
}
