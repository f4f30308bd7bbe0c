import { isScalar, LineCounter, parseAllDocuments, type Document, type Node } from "yaml";
import type { z } from "zod";
import { resourceErrorMap } from "./resource-error-map.js";
import { formatPath } from "./format-path.js";
import { kinds, lookupKind, type Resource } from "./kinds.js";
import type { ResourceProblem } from "./resource-problem.js";
import { envelopeSchema } from "./schema/envelope.js";
import { positionOfPath, type PositionTarget } from "./position-of-path.js";

/** A valid resource and where its `metadata.name` is written. */
export interface LoadedResource {
  readonly resource: Resource;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface LoadedDocuments {
  readonly loaded: LoadedResource[];
  readonly problems: ResourceProblem[];
}

interface DocumentContext {
  readonly file: string;
  readonly root: Node;
  readonly lineCounter: LineCounter;
}

function problemAt(ctx: DocumentContext, path: readonly PropertyKey[], message: string, target?: PositionTarget): ResourceProblem {
  const { line, column } = positionOfPath(ctx.root, path, ctx.lineCounter, target);
  return { file: ctx.file, line, column, path: formatPath(path), message };
}

function issueProblems(ctx: DocumentContext, issues: readonly z.core.$ZodIssue[]): ResourceProblem[] {
  return issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => problemAt(ctx, [...issue.path, key], "unknown field", "key"))
      : [problemAt(ctx, issue.path, issue.message)],
  );
}

function kindProblem(kind: unknown): string {
  if (kind === undefined) return "is required";
  if (typeof kind !== "string") return "expected a string";
  const known = [...kinds.keys()].join(", ");
  const alias = lookupKind(kind);
  return alias === undefined
    ? `unknown kind ${JSON.stringify(kind)}; known kinds: ${known}`
    : `unknown kind ${JSON.stringify(kind)}; did you mean ${JSON.stringify(alias.kind)}?`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkDocument(ctx: DocumentContext, doc: Document.Parsed, out: LoadedDocuments): void {
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error: unknown) {
    // yaml refuses documents that expand aliases excessively (a resource-exhaustion guard).
    if (!(error instanceof Error)) throw error;
    out.problems.push(problemAt(ctx, [], error.message));
    return;
  }
  if (!isRecord(data)) {
    out.problems.push(problemAt(ctx, [], "expected a mapping with apiVersion, kind, metadata and spec"));
    return;
  }
  // status is written by the system; a resource read back from Ferry may carry it, so it is ignored.
  const { status: _status, ...desired } = data;
  const definition = typeof desired.kind === "string" ? kinds.get(desired.kind) : undefined;
  if (definition === undefined) {
    out.problems.push(problemAt(ctx, ["kind"], kindProblem(desired.kind)));
    const envelope = envelopeSchema.safeParse(desired, { error: resourceErrorMap });
    if (!envelope.success) out.problems.push(...issueProblems(ctx, envelope.error.issues));
    return;
  }
  const parsed = definition.schema.safeParse(desired, { error: resourceErrorMap });
  if (!parsed.success) {
    out.problems.push(...issueProblems(ctx, parsed.error.issues));
    return;
  }
  const { line, column } = positionOfPath(ctx.root, ["metadata", "name"], ctx.lineCounter);
  out.loaded.push({ resource: parsed.data, file: ctx.file, line, column });
}

/**
 * Parses multi-document YAML and validates each document against its kind's schema. Returns
 * every valid resource and every problem; empty documents are skipped.
 */
export function loadDocuments(text: string, file: string): LoadedDocuments {
  const lineCounter = new LineCounter();
  const out: LoadedDocuments = { loaded: [], problems: [] };
  for (const doc of parseAllDocuments(text, { lineCounter, prettyErrors: false })) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        out.problems.push({ file, line, column: col, path: "", message: error.message });
      }
      continue;
    }
    const root = doc.contents;
    if (root === null || (isScalar(root) && root.value === null)) continue; // an empty document
    checkDocument({ file, root, lineCounter }, doc, out);
  }
  return out;
}
