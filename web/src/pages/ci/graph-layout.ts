/**
 * Columns for a job graph: a job's column is one past the deepest job it needs (jobs that need
 * nothing are in the first). Unknown needs and cycles are ignored. Order within a column follows
 * the workflow.
 */
export function layoutColumns<T extends { id: string; needs: readonly string[] }>(jobs: readonly T[]): T[][] {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (j: T): number => {
    const known = depth.get(j.id);
    if (known !== undefined) return known;
    if (visiting.has(j.id)) return 0;
    visiting.add(j.id);
    let d = 0;
    for (const n of j.needs) {
      const dep = byId.get(n);
      if (dep) d = Math.max(d, depthOf(dep) + 1);
    }
    visiting.delete(j.id);
    depth.set(j.id, d);
    return d;
  };
  const columns: T[][] = [];
  for (const j of jobs) {
    const d = depthOf(j);
    while (columns.length <= d) columns.push([]);
    columns[d]?.push(j);
  }
  return columns;
}
