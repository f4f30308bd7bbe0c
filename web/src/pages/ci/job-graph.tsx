import { useLayoutEffect, useRef, useState } from "react";
import type { ReactNode } from "react";
import { StatusBadge } from "../../ui/index.js";
import { layoutColumns } from "./graph-layout.js";
import type { GraphNode, JobSummary } from "./run-types.js";

/** A workflow job's state: running while any instance runs, else its result once completed, else waiting. */
export function nodeState(node: GraphNode, instances: readonly JobSummary[]): string {
  if (instances.some((j) => j.status === "in_progress")) return "in_progress";
  if (node.status === "completed") return node.result ?? "completed";
  if (instances.some((j) => j.status === "queued")) return "queued";
  return instances.length ? "in_progress" : "pending";
}

type Edge = { from: string; to: string; d: string };

/** The run's jobs as columns by `needs` depth, with lines from each job to those that need it. */
export function JobGraph(props: { graph: GraphNode[]; jobs: JobSummary[]; selected: number | null; onSelect: (jobRowId: number) => void }): ReactNode {
  const columns = layoutColumns(props.graph);
  const box = useRef<HTMLDivElement>(null);
  const [edges, setEdges] = useState<Edge[]>([]);
  const instancesOf = (id: string): JobSummary[] => props.jobs.filter((j) => j.jobId === id || j.jobId.startsWith(`${id}/`));
  const shape = JSON.stringify(props.graph.map((n) => [n.id, n.needs]));

  useLayoutEffect(() => {
    const root = box.current;
    if (!root) return;
    const measure = (): void => {
      const origin = root.getBoundingClientRect();
      const at = (id: string): DOMRect | undefined => root.querySelector(`[data-node="${CSS.escape(id)}"]`)?.getBoundingClientRect();
      const next: Edge[] = [];
      for (const n of JSON.parse(shape) as Array<[string, string[]]>) {
        const to = at(n[0]);
        for (const need of n[1]) {
          const from = at(need);
          if (!from || !to) continue;
          const x1 = from.right - origin.left + root.scrollLeft;
          const y1 = from.top + from.height / 2 - origin.top;
          const x2 = to.left - origin.left + root.scrollLeft;
          const y2 = to.top + to.height / 2 - origin.top;
          const mid = (x1 + x2) / 2;
          next.push({ from: need, to: n[0], d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}` });
        }
      }
      setEdges(next);
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(root);
    return () => ro.disconnect();
  }, [shape, props.jobs.map((j) => `${j.status}${j.conclusion ?? ""}`).join()]);

  if (props.graph.length === 0) return null;
  return (
    <div className="graph" ref={box} aria-label="job graph">
      <svg width="100%" height="100%" aria-hidden="true">
        {edges.map((e) => <path key={`${e.from}>${e.to}`} d={e.d} fill="none" stroke="#9aa4b5" strokeWidth="1.5" />)}
      </svg>
      {columns.map((col, i) => (
        <div className="graph-col" key={i}>
          {col.map((n) => {
            const instances = instancesOf(n.id);
            const first = instances[0];
            const selected = instances.some((j) => j.id === props.selected);
            return (
              <button type="button" key={n.id} data-node={n.id} className={`job-node${selected ? " selected" : ""}`} disabled={!first}
                onClick={() => { if (first) props.onSelect(first.id); }} title={n.needs.length ? `needs ${n.needs.join(", ")}` : undefined}>
                <StatusBadge value={nodeState(n, instances)} />
                <span>{n.name}{instances.length > 1 ? <span className="muted"> ×{instances.length}</span> : null}</span>
              </button>
            );
          })}
        </div>
      ))}
    </div>
  );
}
