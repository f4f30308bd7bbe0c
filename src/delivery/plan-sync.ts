import type { Service } from "../resources/index.js";
import { diffServices } from "./diff-services.js";
import type { HealthStatus } from "./schema.js";

/** Why a Service is applied: new in Git, changed in Git, or recorded as applied but not running. */
export type ApplyReason = "added" | "changed" | "missing";

/** One action of a sync: put a desired Service in place, or remove a live one. */
export type SyncStep =
  | { readonly type: "apply"; readonly service: Service; readonly reason: ApplyReason }
  | { readonly type: "delete"; readonly service: Service };

/** A Service left out of this sync until the Services it depends on are healthy. */
export interface BlockedService {
  readonly service: string;
  /** The Services it depends on that are neither healthy nor applied by this plan (or are blocked themselves). */
  readonly waitingFor: string[];
}

export interface SyncPlan {
  /**
   * Steps in order, wave after wave. Steps of one wave may run at once; the caller finishes a wave
   * before starting the next (for applies, until those Services are Healthy).
   */
  readonly waves: SyncStep[][];
  /** Every step of `waves`, flattened in order. */
  readonly steps: SyncStep[];
  /** Live Services no longer in Git that are kept: pruning is off, or it would delete every Service. */
  readonly skippedPrune: string[];
  /** True when deletes were held back because Git defines no Services and `allowEmpty` is off. */
  readonly refusedEmpty: boolean;
  readonly blocked: BlockedService[];
}

export interface PlanSyncInput {
  /** The Services rendered from Git. */
  readonly desired: readonly Service[];
  /** The Services as last applied by the agent. */
  readonly live: readonly Service[];
  /** Current health of each Service by name; a name left out counts as `Unknown`. */
  readonly observedHealth: Readonly<Record<string, HealthStatus>>;
  readonly prune: boolean;
  readonly allowEmpty: boolean;
}

const byName = (services: readonly Service[]): Map<string, Service> => new Map(services.map((s) => [s.metadata.name, s]));

const sortedNames = (names: Iterable<string>): string[] => [...names].sort();

function applyReasons(input: PlanSyncInput): Map<string, ApplyReason> {
  const diff = diffServices(input.desired, input.live);
  const reasons = new Map<string, ApplyReason>();
  for (const name of diff.added) reasons.set(name, "added");
  for (const { name } of diff.changed) reasons.set(name, "changed");
  for (const name of diff.unchanged) if (input.observedHealth[name] === "Missing") reasons.set(name, "missing");
  return reasons;
}

/**
 * Which wave each Service to apply goes in: 0 when everything it depends on is already Healthy,
 * else one after the latest wave of a dependency applied in this plan. A Service depending on one
 * that is unhealthy and not applied here, unknown, blocked or in a cycle is blocked.
 */
function applyWaves(input: PlanSyncInput, reasons: ReadonlyMap<string, ApplyReason>) {
  const desired = byName(input.desired);
  const waveOf = new Map<string, number | undefined>();
  const visiting = new Set<string>();
  const blocked: BlockedService[] = [];

  const place = (name: string): number | undefined => {
    if (waveOf.has(name)) return waveOf.get(name);
    if (visiting.has(name)) return undefined; // a cycle: never ready
    visiting.add(name);
    let wave = 0;
    const waitingFor: string[] = [];
    for (const dependency of desired.get(name)?.spec.dependsOn ?? []) {
      if (reasons.has(dependency)) {
        const before = place(dependency);
        if (before === undefined) waitingFor.push(dependency);
        else wave = Math.max(wave, before + 1);
      } else if (!desired.has(dependency) || input.observedHealth[dependency] !== "Healthy") {
        waitingFor.push(dependency);
      }
    }
    visiting.delete(name);
    const placed = waitingFor.length === 0 ? wave : undefined;
    waveOf.set(name, placed);
    if (placed === undefined) blocked.push({ service: name, waitingFor: sortedNames(waitingFor) });
    return placed;
  };

  const waves: SyncStep[][] = [];
  for (const name of sortedNames(reasons.keys())) {
    const wave = place(name);
    const service = desired.get(name);
    const reason = reasons.get(name);
    if (wave === undefined || service === undefined || reason === undefined) continue;
    for (let i = waves.length; i <= wave; i++) waves.push([]);
    waves[wave]?.push({ type: "apply", service, reason });
  }
  for (const wave of waves) wave.sort((a, b) => (a.service.metadata.name < b.service.metadata.name ? -1 : 1));
  blocked.sort((a, b) => (a.service < b.service ? -1 : 1));
  return { waves: waves.filter((wave) => wave.length > 0), blocked };
}

/** Deletes in reverse dependency order: a Service goes only after every removed Service depending on it. */
function deleteWaves(removed: readonly Service[]): SyncStep[][] {
  const names = new Set(removed.map((s) => s.metadata.name));
  const dependents = new Map<string, string[]>();
  for (const service of removed) {
    for (const dependency of service.spec.dependsOn) {
      if (names.has(dependency)) dependents.set(dependency, [...(dependents.get(dependency) ?? []), service.metadata.name]);
    }
  }
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const place = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return 0; // a cycle among recorded Services: break it anywhere
    visiting.add(name);
    const after = (dependents.get(name) ?? []).map((dependent) => place(dependent) + 1);
    visiting.delete(name);
    const placed = Math.max(0, ...after);
    depth.set(name, placed);
    return placed;
  };
  const waves: SyncStep[][] = [];
  for (const service of [...removed].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
    const wave = place(service.metadata.name);
    for (let i = waves.length; i <= wave; i++) waves.push([]);
    waves[wave]?.push({ type: "delete", service });
  }
  return waves.filter((wave) => wave.length > 0);
}

/**
 * Plans a sync without doing anything: which Services to apply (added or changed in Git, or
 * recorded as applied but `Missing`) in waves ordered by `dependsOn`, and which to delete. A
 * Service is applied only once all it depends on are Healthy now or applied in an earlier wave;
 * otherwise it is `blocked` until a later pass. Services no longer in Git are deleted only with
 * `prune`, never all of them unless `allowEmpty`, and after every apply, dependents first.
 */
export function planSync(input: PlanSyncInput): SyncPlan {
  const { waves: applies, blocked } = applyWaves(input, applyReasons(input));
  const desired = byName(input.desired);
  const removed = input.live.filter((s) => !desired.has(s.metadata.name));
  const refusedEmpty = input.prune && removed.length > 0 && input.desired.length === 0 && !input.allowEmpty;
  const pruning = input.prune && !refusedEmpty;
  const waves = [...applies, ...(pruning ? deleteWaves(removed) : [])];
  return {
    waves,
    steps: waves.flat(),
    skippedPrune: pruning ? [] : sortedNames(removed.map((s) => s.metadata.name)),
    refusedEmpty,
    blocked,
  };
}
