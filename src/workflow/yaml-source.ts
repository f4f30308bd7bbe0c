import { LineCounter, isNode, parseDocument } from "yaml";
import type { Document } from "yaml";

/** A YAML document kept with its line table, so values can be traced back to lines. */
export type YamlSource = { doc: Document; value: unknown; lineOf(path: readonly (string | number)[]): { line: number; column: number } | undefined };

export function readYaml(content: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(content, { lineCounter, uniqueKeys: false, strict: false });
  return {
    doc,
    value: doc.toJS({ maxAliasCount: 1000 }) as unknown,
    lineOf(path) {
      const node = doc.getIn(path, true);
      if (!isNode(node) || !node.range) return undefined;
      const pos = lineCounter.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    },
  };
}
