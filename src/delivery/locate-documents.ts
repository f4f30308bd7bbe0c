import { isScalar, LineCounter, parseAllDocuments, type Document } from "yaml";

/** A 1-based line and column. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/** Finds where fields of one YAML document are written. */
export interface DocumentLocator {
  /** The `kind` written in the document, when it is a string. */
  readonly kind: string | undefined;
  /** Where `path` is written, or where its nearest existing parent is, or the document's start. */
  position(path: readonly (string | number)[]): TextPosition;
}

function isEmpty(doc: Document.Parsed): boolean {
  const root = doc.contents;
  return root === null || (isScalar(root) && root.value === null);
}

function locator(doc: Document.Parsed, lineCounter: LineCounter): DocumentLocator {
  const at = (offset: number): TextPosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const kind: unknown = doc.get("kind");
  return {
    kind: typeof kind === "string" ? kind : undefined,
    position(path) {
      for (let length = path.length; length > 0; length--) {
        const node: unknown = doc.getIn(path.slice(0, length), true);
        if (isScalar(node) && node.range) return at(node.range[0]);
        if (typeof node === "object" && node !== null && "range" in node && Array.isArray(node.range)) {
          return at(Number(node.range[0]));
        }
      }
      return at(doc.contents?.range?.[0] ?? 0);
    },
  };
}

/**
 * One locator per document of a multi-document YAML text, in order, leaving out empty documents
 * and documents that do not parse: the same documents, in the same order, that `loadResources`
 * turns into resources when the whole text is valid.
 */
export function locateDocuments(text: string): DocumentLocator[] {
  const lineCounter = new LineCounter();
  return parseAllDocuments(text, { lineCounter, prettyErrors: false })
    .filter((doc) => doc.errors.length === 0 && !isEmpty(doc))
    .map((doc) => locator(doc, lineCounter));
}
