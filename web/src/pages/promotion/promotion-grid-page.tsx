import { useMemo, useState } from "react";
import type { ReactNode } from "react";
import { useApi } from "../../api/index.js";
import { useSession } from "../../auth.js";
import type { PageProps } from "../../router.js";
import { Link, useRoute, withQuery } from "../../router.js";
import { ErrorMessage, Loading, useNow } from "../../ui/index.js";
import { cellActions } from "./cell-actions.js";
import { FreightHeading } from "./freight-heading.js";
import { GridCell } from "./grid-cell.js";
import { abortPromotion, approveFreight, promoteFreight } from "./promotion-actions.js";
import { isPromotionEvent } from "./promotion-events.js";
import { buildPromotionGrid } from "./promotion-grid.js";
import type { Freight, Promotion, StageView } from "./promotion-types.js";
import { StageHeading } from "./stage-heading.js";
import "./promotion.css";

const PAGE = 25;

/**
 * `/promotion`: the freight × stage grid, like Kargo's pipeline view. Rows are freight (newest
 * first), columns the stages in pipeline order; each cell says whether the freight runs there, is
 * being promoted, passed verification, is approved, failed, or is blocked and why, with the
 * Promote, Approve and Abort buttons the signed-in role may use. It follows the live event stream.
 */
export function PromotionGridPage(_props: PageProps): ReactNode {
  const route = useRoute();
  const session = useSession();
  const shown = Math.max(PAGE, Number(route.query.get("freight") ?? PAGE) || PAGE);
  const live = { live: isPromotionEvent };
  const stages = useApi<{ items: StageView[] }>("/api/v1/stages", live);
  const freight = useApi<{ items: Freight[] }>(`/api/v1/freight?limit=${shown + 1}`, live);
  const promotions = useApi<{ items: Promotion[] }>("/api/v1/promotions?limit=1000", live);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const now = useNow(30_000);

  const grid = useMemo(() => stages.data && freight.data && promotions.data
    ? buildPromotionGrid({ stages: stages.data.items, freight: freight.data.items.slice(0, shown), promotions: promotions.data.items, now: new Date(now) })
    : undefined, [stages.data, freight.data, promotions.data, shown, now]);
  const aliases = useMemo(() => new Map((freight.data?.items ?? []).map((f) => [f.name, f.alias])), [freight.data]);
  const aliasOf = (name: string): string => aliases.get(name) ?? name.slice(0, 8);

  const act = async (what: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setProblem(undefined);
    try {
      if ((await what()) !== undefined) {
        stages.reload();
        freight.reload();
        promotions.reload();
      }
    } catch (error: unknown) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  const error = stages.error ?? freight.error ?? promotions.error;
  if (!grid) return <section><h1>Promotion</h1>{error ? <ErrorMessage error={error} /> : <Loading what="stages and freight" />}</section>;
  const more = (freight.data?.items.length ?? 0) > shown;
  return (
    <section className="promotion-grid-page">
      <h1>Promotion</h1>
      <ErrorMessage error={problem ?? error} />
      {grid.stages.length === 0 ? <p className="muted">No stages yet: apply Stage resources (<code>ferry apply -f</code>) to see freight move through them.</p> : null}
      {grid.stages.length > 0 && grid.rows.length === 0 ? <p className="muted">No freight yet: a Warehouse makes freight when a new artifact version is published.</p> : null}
      {grid.stages.length > 0 && grid.rows.length > 0 ? (
        <div className="grid-scroll">
          <table className="table promotion-grid">
            <thead>
              <tr>
                <th scope="col">Freight</th>
                {grid.stages.map((s) => <StageHeading key={s.name} stage={s} aliasOf={aliasOf} />)}
              </tr>
            </thead>
            <tbody>
              {grid.rows.map((row) => (
                <tr key={row.freight.name} data-freight={row.freight.name} data-alias={row.freight.alias}>
                  <th scope="row"><FreightHeading freight={row.freight} /></th>
                  {row.cells.map((cell, i) => {
                    const stage = grid.stages[i];
                    if (!stage) return null;
                    return (
                      <GridCell
                        key={stage.name} cell={cell} actions={cellActions(cell, stage, session)} busy={busy}
                        onPromote={() => void act(() => promoteFreight(row.freight, stage))}
                        onApprove={() => void act(() => approveFreight(row.freight, stage))}
                        onAbort={(id) => void act(() => abortPromotion({ id, stage: stage.name, phase: cell.promotion?.phase ?? "Running" }, row.freight))}
                      />
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {more ? <p><Link to={withQuery(route, { freight: String(shown + PAGE) })}>Show older freight</Link></p> : null}
    </section>
  );
}
