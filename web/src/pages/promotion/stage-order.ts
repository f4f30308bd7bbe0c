import type { StageView } from "./promotion-types.js";

/** The stages a stage takes verified freight from, over all its requests, without repeats. */
export function upstreamStages(stage: Pick<StageView, "spec">): string[] {
  return [...new Set(stage.spec.requestedFreight.flatMap((r) => r.sources.stages ?? []))];
}

/**
 * The stages in pipeline order, left to right: a stage comes after every stage it takes freight
 * from (its depth is one more than its deepest upstream), and stages at the same depth are ordered
 * by name. Upstream names that are not stages are ignored; a cycle (which the server should never
 * hold) does not loop: a stage met again while its depth is being worked out counts as a root.
 */
export function orderStages<S extends Pick<StageView, "name" | "spec">>(stages: readonly S[]): S[] {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const stage = byName.get(name);
    if (stage === undefined || visiting.has(name)) return -1;
    visiting.add(name);
    const d = 1 + Math.max(-1, ...upstreamStages(stage).map(depthOf));
    visiting.delete(name);
    depth.set(name, d);
    return d;
  };
  return [...stages].sort((a, b) => depthOf(a.name) - depthOf(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
