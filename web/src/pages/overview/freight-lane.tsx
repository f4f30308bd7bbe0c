import type { ReactNode } from "react";
import { useApi } from "../../api/index.js";
import type { LiveEvent } from "../../api/index.js";
import { Link } from "../../router.js";
import { Loadable } from "../../ui/index.js";
import { FreightHeading } from "../promotion/index.js";
import type { Freight } from "../promotion/index.js";

const freightEvents = (e: LiveEvent): boolean => e.kind === "Freight" || (e.action.startsWith("freight") || e.action.startsWith("promotion"));

/** The middle of the value stream: the newest freight (what CI produced, bundled for promotion). */
export function FreightLane(): ReactNode {
  const freight = useApi<{ items: Freight[]; total: number }>("/api/v1/freight?limit=5", { live: freightEvents });
  return (
    <section aria-label="freight">
      <h2>Freight</h2>
      <Loadable state={freight} what="freight">
        {(d) => d.items.length === 0 ? <p className="muted">No freight yet: a warehouse makes it from new artifacts.</p> : (
          <div className="lane">
            {d.items.map((f) => <div className="card" key={f.name}><FreightHeading freight={f} /></div>)}
            {d.total > d.items.length ? <Link to="/promotion">all {d.total} freight →</Link> : null}
          </div>
        )}
      </Loadable>
    </section>
  );
}
