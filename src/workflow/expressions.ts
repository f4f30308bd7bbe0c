import { Evaluator, Lexer, Parser, data } from "@actions/expressions";
import type { Expr } from "@actions/expressions";
import type { FunctionDefinition } from "@actions/expressions/funcs/info";

/** Plain JSON-like values the engine passes around as context data. */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
export type Contexts = Record<string, Value | undefined>;

/** Extra functions beyond GitHub's well-known ones (status functions, hashFiles). */
export type ExtraFunction = { name: string; minArgs: number; maxArgs: number; call: (...args: Value[]) => Value };

export const CONTEXT_NAMES = [
  "github", "env", "vars", "secrets", "job", "jobs", "steps", "runner", "strategy", "matrix", "needs", "inputs",
] as const;

export class ExpressionError extends Error {
  readonly code = "expression";
  constructor(message: string, readonly expression: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ExpressionError";
  }
}

const parsed = new Map<string, Expr>();

function parse(expression: string, contextNames: readonly string[], functions: readonly ExtraFunction[]): Expr {
  const key = `${contextNames.join(",")}|${functions.map((f) => f.name).join(",")}|${expression}`;
  let expr = parsed.get(key);
  if (!expr) {
    try {
      const tokens = new Lexer(expression).lex().tokens;
      expr = new Parser(tokens, [...contextNames], functions.map(({ name, minArgs, maxArgs }) => ({ name, minArgs, maxArgs }))).parse();
    } catch (error: unknown) {
      throw new ExpressionError(`invalid expression "${expression}": ${error instanceof Error ? error.message : String(error)}`, expression, { cause: error });
    }
    if (parsed.size > 5000) parsed.clear();
    parsed.set(key, expr);
  }
  return expr;
}

/**
 * Converted context objects, by identity: the same `github` or `needs` object is evaluated
 * against at every step, and converting it each time is most of an expression's cost.
 * Context objects are treated as immutable once passed in.
 */
const converted = new WeakMap<object, data.ExpressionData>();

export function toData(value: Value | undefined): data.ExpressionData {
  if (typeof value === "object" && value !== null) {
    let d = converted.get(value);
    if (!d) {
      d = JSON.parse(JSON.stringify(value), data.reviver) as data.ExpressionData;
      converted.set(value, d);
    }
    return d;
  }
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

export function fromData(value: data.ExpressionData): Value {
  return JSON.parse(JSON.stringify(value, data.replacer) ?? "null") as Value;
}

/** Evaluates one expression (the text inside `${{ }}`) against plain contexts. */
export function evaluate(expression: string, contexts: Contexts, functions: readonly ExtraFunction[] = []): Value {
  const names = [...new Set([...CONTEXT_NAMES, ...Object.keys(contexts)])];
  const expr = parse(expression, names, functions);
  const dict = new data.Dictionary();
  // Every known context exists; one not given (say `matrix` outside a matrix job) is null, so
  // `matrix.os` or `inputs.name` evaluate to null as on GitHub instead of failing.
  for (const name of names) dict.add(name, toData(contexts[name]));
  const defs = new Map<string, FunctionDefinition>();
  for (const f of functions) {
    defs.set(f.name.toLowerCase(), {
      name: f.name, minArgs: f.minArgs, maxArgs: f.maxArgs,
      call: (...args: data.ExpressionData[]) => toData(f.call(...args.map(fromData))),
    });
  }
  try {
    return fromData(new Evaluator(expr, dict, defs).evaluate());
  } catch (error: unknown) {
    throw new ExpressionError(`cannot evaluate "${expression}": ${error instanceof Error ? error.message : String(error)}`, expression, { cause: error });
  }
}

/** GitHub's truthiness: false, 0, -0, "", null and NaN are falsy; everything else is truthy. */
export function truthy(value: Value): boolean {
  if (value === null || value === false || value === "") return false;
  if (typeof value === "number") return value !== 0 && !Number.isNaN(value);
  return true;
}

/** How a value appears when interpolated into a string, as GitHub renders it. */
export function stringify(value: Value): string {
  if (value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return new data.NumberData(value).coerceString();
  return Array.isArray(value) ? "Array" : "Object";
}

const STATUS_FUNCTIONS = /\b(success|failure|always|cancelled)\s*\(/i;
const STRING_LITERALS = /'(?:[^']|'')*'/g;

/** An `if:` without a status function means `success() && (...)`. */
export function withImplicitSuccess(condition: string): string {
  const trimmed = condition.trim();
  if (trimmed === "") return "success()";
  // A status function's name inside a string literal (`contains(msg, 'always()')`) is not a call.
  return STATUS_FUNCTIONS.test(trimmed.replace(STRING_LITERALS, "''")) ? trimmed : `success() && (${trimmed})`;
}
