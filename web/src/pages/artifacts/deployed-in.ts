import type { Freight, StageView } from "../promotion/index.js";

/**
 * Where each digest is deployed: the stages whose current freight pins it (as an artifact or an
 * image), in the order the stages are given. Freight the list does not hold is skipped.
 */
export function deployedIn(stages: readonly Pick<StageView, "name" | "currentFreight">[], freight: readonly Pick<Freight, "name" | "data">[]): Map<string, string[]> {
  const byName = new Map(freight.map((f) => [f.name, f]));
  const out = new Map<string, string[]>();
  for (const stage of stages) {
    const f = stage.currentFreight === null ? undefined : byName.get(stage.currentFreight);
    if (f === undefined) continue;
    const digests = new Set([...(f.data.artifacts ?? []), ...(f.data.images ?? [])].map((a) => a.digest));
    for (const d of digests) out.set(d, [...(out.get(d) ?? []), stage.name]);
  }
  return out;
}

/** Bytes for people: `812 B`, `1.5 KiB`, `20.3 MiB`. */
export function formatBytes(n: number | null): string {
  if (n === null) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
