import { isDeepStrictEqual } from "node:util";
import { Document, isCollection, isMap, isScalar, isSeq, parseDocument, Scalar } from "yaml";
import { formatPath } from "../../resources/index.js";
import { StepFailedError } from "./step-failed-error.js";
import type { KeyPath } from "./yaml-key-path.js";

export type YamlUpdate = { path: KeyPath; value: unknown };

type ScalarValue = string | number | boolean | null;

function isScalarValue(value: unknown): value is ScalarValue {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function parse(text: string, file: string): Document.Parsed {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) throw new StepFailedError(`${file}: cannot parse YAML: ${error.message}`);
  return doc;
}

/**
 * Walks to the node at `path`. Returns the node (undefined when the path does not exist yet but
 * can be created) and its parent collection. Throws when the path cannot be created.
 */
function locate(doc: Document.Parsed, path: KeyPath, file: string): { node: unknown; emptyAt?: number } {
  let node: unknown = doc.contents;
  for (const [i, segment] of path.entries()) {
    const here = formatPath(path.slice(0, i)) || "the document root";
    if (node === undefined || node === null || (isScalar(node) && node.value === null && i > 0)) {
      // Missing (or empty) from here on: created as mappings; only index 0 of a new sequence.
      if (path.slice(i).some((s) => typeof s === "number" && s !== 0)) {
        throw new StepFailedError(`${file}: cannot set ${formatPath(path)}: ${here} does not exist, and only index [0] of a new list can be created`);
      }
      return isScalar(node) ? { node: undefined, emptyAt: i } : { node: undefined };
    }
    if (typeof segment === "number") {
      if (!isSeq(node)) throw new StepFailedError(`${file}: cannot set ${formatPath(path)}: ${here} is ${describe(node)}, not a list`);
      if (segment > node.items.length) {
        throw new StepFailedError(`${file}: cannot set ${formatPath(path)}: index ${segment} is past the end of ${here} (${node.items.length} items)`);
      }
      node = node.get(segment, true);
    } else {
      if (!isMap(node)) throw new StepFailedError(`${file}: cannot set ${formatPath(path)}: ${here} is ${describe(node)}, not a mapping`);
      node = node.get(segment, true);
    }
  }
  return { node };
}

function describe(node: unknown): string {
  if (isSeq(node)) return "a list";
  if (isMap(node)) return "a mapping";
  if (isScalar(node)) return `the value ${JSON.stringify(node.value)}`;
  return "not a collection";
}

/** Source text for `value` written as a scalar in the style of `old` (plain, 'single' or "double" quoted). */
function scalarSource(old: Scalar, value: ScalarValue): string {
  const next = new Scalar(value);
  if (typeof value === "string" && (old.type === "PLAIN" || old.type === "QUOTE_SINGLE" || old.type === "QUOTE_DOUBLE")) {
    next.type = old.type;
  }
  return new Document(next).toString({ lineWidth: 0 }).replace(/\n$/, "");
}

/**
 * Rewrites only the bytes of an existing scalar, so everything else (comments, spacing, quoting
 * elsewhere) stays exactly as written. Returns undefined when that cannot be done faithfully.
 */
function splice(text: string, node: Scalar, value: ScalarValue, expected: unknown, file: string): string | undefined {
  if (node.anchor !== undefined || node.tag !== undefined || node.range === undefined || node.range === null) return undefined;
  if (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED") return undefined;
  const [start, valueEnd] = node.range;
  const source = scalarSource(node, value);
  if (source.includes("\n")) return undefined;
  const candidate = text.slice(0, start) + source + text.slice(valueEnd);
  try {
    return isDeepStrictEqual(parse(candidate, file).toJS(), expected) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

function applyOne(text: string, update: YamlUpdate, file: string): string {
  const doc = parse(text, file);
  const { node, emptyAt } = locate(doc, update.path, file);
  const { value } = update;
  if (isScalar(node) && isScalarValue(value) && node.value === value) return text;

  const edited = parse(text, file);
  if (emptyAt !== undefined) {
    // An empty value (`key:`) on the way becomes the collection the rest of the path needs.
    edited.setIn(update.path.slice(0, emptyAt), edited.createNode(typeof update.path[emptyAt] === "number" ? [] : {}));
  }
  edited.setIn(update.path, isScalarValue(value) ? value : edited.createNode(value));
  if (isScalar(node) && isScalarValue(value)) {
    const spliced = splice(text, node, value, edited.toJS(), file);
    if (spliced !== undefined) return spliced;
  }
  if (isCollection(node) && isDeepStrictEqual(node.toJSON(), value)) return text;
  return edited.toString({ lineWidth: 0 });
}

/**
 * Sets fields in a YAML document through the `yaml` Document API. An existing scalar is changed
 * in place (its quoting and trailing comment kept, the rest of the file byte-for-byte); new keys
 * and replaced collections are written by re-serialising the document, which keeps comments.
 */
export function applyYamlUpdates(text: string, updates: readonly YamlUpdate[], file: string): { text: string; changed: boolean } {
  let out = text;
  for (const update of updates) out = applyOne(out, update, file);
  return { text: out, changed: out !== text };
}
