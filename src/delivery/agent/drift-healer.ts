import type { Replica, Runtime } from "../../runtime/index.js";
import { detectDrift } from "../detect-drift.js";
import type { Drift, KnownService } from "../detect-drift.js";
import { createHealBackoff } from "./heal-backoff.js";
import type { ServiceRunner } from "./service-runner.js";

/** Drift as status shows it. */
export type DriftView = { kind: Drift["kind"]; service: string; replica: string; message: string };

export type DriftHealer = {
  /**
   * Compares what runs (`replicas`: a listing of the runtime) with what the runners supervise. With
   * self-heal, stops strays and has drifted replicas replaced; without, remembers the drift for status
   * (once seen in two listings in a row, so a replica caught between start and hand-over is not reported).
   */
  observe(replicas: readonly Replica[], selfHeal: boolean): void;
  /** Heals the drift last seen, whatever the policy (a sync puts Git's state back). */
  healNow(): void;
  /** The drift reported and not healed. */
  report(): DriftView[];
};

export type DriftHealerOptions = {
  app: string;
  runtime(): Runtime;
  runners(): Iterable<ServiceRunner>;
  runner(name: string): ServiceRunner | undefined;
  /** The reported drift changed. */
  onChange(): void;
  log(message: string, fields?: Record<string, unknown>): void;
};

const keyOf = (d: Drift): string => `${d.kind}:${d.replica.id}`;
const view = (d: Drift): DriftView => ({ kind: d.kind, service: d.kind === "changed" ? d.service : d.replica.service, replica: d.replica.id, message: d.message });

/** Self-heal of one Application: strays stopped, drifted replicas replaced, with backoff when something fights back. */
export function createDriftHealer(o: DriftHealerOptions): DriftHealer {
  const backoff = createHealBackoff();
  /** Strays being stopped, by replica id. */
  const stopping = new Set<string>();
  let seen = new Set<string>();
  let last: Drift[] = [];
  let reported: Drift[] = [];

  function heal(drift: readonly Drift[], force: boolean): void {
    for (const d of drift) {
      // A stray is one of a Service's many; a drifted replica is its slot.
      const key = d.kind === "stray" ? `stray:${d.replica.service}` : `changed:${d.service}:${d.replica.index}`;
      if (!force && !backoff.allows(key)) continue;
      if (d.kind === "changed") {
        if (o.runner(d.service)?.replace(d.replica.id, d.message) === true) backoff.healed(key);
        continue;
      }
      if (stopping.has(d.replica.id)) continue;
      stopping.add(d.replica.id);
      backoff.healed(key);
      o.log("stopping a stray replica", { app: o.app, replica: d.replica.id, reason: d.message });
      const runtime = o.runtime();
      void runtime.stop(d.replica.id)
        .then(() => runtime.forget(d.replica.id))
        .catch((error: unknown) => o.log("cannot stop a stray replica", { app: o.app, replica: d.replica.id, error: error instanceof Error ? error.message : String(error) }))
        .finally(() => stopping.delete(d.replica.id));
    }
  }

  function setReported(next: Drift[]): void {
    const before = reported.map(keyOf).join();
    reported = next;
    if (next.map(keyOf).join() !== before) o.onChange();
  }

  return {
    observe(replicas, selfHeal) {
      const known: KnownService[] = [];
      for (const r of o.runners()) {
        const desired = r.desiredSettings();
        known.push({ name: r.name, manages: (id) => r.has(id), starting: r.starting, ...(desired ? { desired } : {}) });
      }
      const found = detectDrift(o.app, known, replicas).filter((d) => !stopping.has(d.replica.id));
      last = found;
      if (selfHeal) {
        heal(found, false);
        seen = new Set();
        setReported([]);
        return;
      }
      const confirmed = found.filter((d) => seen.has(keyOf(d)));
      seen = new Set(found.map(keyOf));
      setReported(confirmed);
    },
    healNow() {
      heal(last, true);
      last = [];
      seen = new Set();
      setReported([]);
    },
    report: () => reported.map(view),
  };
}
