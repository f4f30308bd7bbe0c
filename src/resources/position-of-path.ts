import { isMap, isScalar, isSeq, type LineCounter, type Node, type Pair } from "yaml";

/** A 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Which end of a `key: value` pair to point at when the whole path exists. */
export type PositionTarget = "key" | "value";

/**
 * Finds where a field path is written in a parsed YAML document. When the whole path exists it
 * points at the value if that is a scalar written in the file, otherwise at its key; when only a
 * prefix exists (a missing field) it points at the key of the nearest existing parent.
 */
export function positionOfPath(
  root: Node,
  path: readonly PropertyKey[],
  lineCounter: LineCounter,
  target: PositionTarget = "value",
): Position {
  let node: Node | null = root;
  let key: Node | undefined;
  let found = true;
  for (const segment of path) {
    const parent: Node | null = node;
    if (isMap(parent)) {
      const pair: Pair | undefined = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) {
        found = false;
        break;
      }
      key = isScalar(pair.key) ? pair.key : undefined;
      node = (pair.value as Node | null) ?? null;
    } else if (isSeq(parent) && typeof segment === "number") {
      const item = parent.items[segment] as Node | null | undefined;
      if (item === undefined || item === null) {
        found = false;
        break;
      }
      key = undefined;
      node = item;
    } else {
      found = false;
      break;
    }
  }
  const valueWritten = node?.range !== undefined && node.range !== null && node.range[0] < node.range[1];
  const pointAtValue = found && target === "value" && isScalar(node) && valueWritten;
  const chosen = pointAtValue || key === undefined ? node : key;
  const offset = chosen?.range?.[0] ?? root.range?.[0] ?? 0;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
