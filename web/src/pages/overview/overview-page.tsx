import type { ReactNode } from "react";
import { useApi } from "../../api/index.js";
import type { LiveEvent } from "../../api/index.js";
import type { PageProps } from "../../router.js";
import { Loadable } from "../../ui/index.js";
import type { StageView } from "../promotion/index.js";
import { FreightLane } from "./freight-lane.js";
import { RepositoryLane } from "./repository-lane.js";
import { StageCard } from "./stage-card.js";

/** Stages left to right: a stage after the stages it takes freight from. */
export function orderByUpstream(stages: readonly StageView[]): StageView[] {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const depth = new Map<string, number>();
  const depthOf = (s: StageView, seen: Set<string>): number => {
    const known = depth.get(s.name);
    if (known !== undefined) return known;
    if (seen.has(s.name)) return 0;
    seen.add(s.name);
    const ups = (s.spec.requestedFreight ?? []).flatMap((r) => r.sources.stages ?? []);
    const d = Math.max(0, ...ups.map((u) => { const up = byName.get(u); return up ? depthOf(up, seen) + 1 : 0; }));
    depth.set(s.name, d);
    return d;
  };
  return [...stages].sort((a, b) => depthOf(a, new Set()) - depthOf(b, new Set()) || a.name.localeCompare(b.name));
}

const stageEvents = (e: LiveEvent): boolean => e.id !== undefined && ["Stage", "Freight", "Promotion", "Warehouse", "Application"].includes(e.kind ?? "")
  || e.action.startsWith("promotion") || e.action.startsWith("freight");

/** `/`: the value stream, left to right — repositories and their runs, freight, then each stage. */
export function OverviewPage(_props: PageProps): ReactNode {
  const stages = useApi<{ items: StageView[] }>("/api/v1/stages", { live: stageEvents, refreshMs: 15_000 });
  return (
    <div className="stream">
      <RepositoryLane />
      <FreightLane />
      <section aria-label="stages">
        <h2>Stages</h2>
        <Loadable state={stages} what="stages">
          {(d) => d.items.length === 0 ? <p className="muted">No stage yet: apply Warehouse and Stage resources to promote freight.</p> : (
            <div className="stages">{orderByUpstream(d.items).map((s) => <StageCard key={s.name} stage={s} />)}</div>
          )}
        </Loadable>
      </section>
    </div>
  );
}
