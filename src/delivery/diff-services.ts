import { formatPath, type Service } from "../resources/index.js";
import { canonicalJson } from "./canonical-json.js";

/** One field that differs; `from` or `to` is `undefined` when the field is absent on that side. */
export interface FieldChange {
  /** Dotted path into the Service, e.g. `spec.replicas`, `spec.env.LOG_LEVEL`, `spec.ports[0].port`. */
  readonly path: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface ServiceChange {
  readonly name: string;
  readonly fields: FieldChange[];
}

/** How the desired Services differ from the live ones, each list sorted by name. */
export interface ServiceDiff {
  /** In Git, not running. */
  readonly added: string[];
  /** Running, no longer in Git. */
  readonly removed: string[];
  readonly changed: ServiceChange[];
  readonly unchanged: string[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function diffValues(path: readonly PropertyKey[], from: unknown, to: unknown, out: FieldChange[]): void {
  if (isPlainObject(from) && isPlainObject(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    for (const key of keys) diffValues([...path, key], from[key], to[key], out);
    return;
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) {
    from.forEach((item: unknown, index) => diffValues([...path, index], item, to[index], out));
    return;
  }
  if (canonicalJson(from) !== canonicalJson(to)) out.push({ path: formatPath(path), from, to });
}

/** The parts of a Service that a sync puts in place: its labels, annotations and spec. */
function comparable(service: Service): Record<string, unknown> {
  const { name: _name, ...metadata } = service.metadata;
  return { metadata, spec: service.spec };
}

const byName = (services: readonly Service[]): Map<string, Service> => new Map(services.map((s) => [s.metadata.name, s]));

/**
 * Compares the desired Services (rendered from Git) with the live ones (as last applied by the
 * agent), field by field. Lists of equal length are compared item by item; a list that grew or
 * shrank is one change. Key order never matters.
 */
export function diffServices(desired: readonly Service[], live: readonly Service[]): ServiceDiff {
  const want = byName(desired);
  const have = byName(live);
  const added: string[] = [];
  const changed: ServiceChange[] = [];
  const unchanged: string[] = [];
  for (const name of [...want.keys()].sort()) {
    const target = want.get(name);
    const current = have.get(name);
    if (target === undefined) continue;
    if (current === undefined) {
      added.push(name);
      continue;
    }
    const fields: FieldChange[] = [];
    diffValues([], comparable(current), comparable(target), fields);
    if (fields.length === 0) unchanged.push(name);
    else changed.push({ name, fields });
  }
  const removed = [...have.keys()].filter((name) => !want.has(name)).sort();
  return { added, removed, changed, unchanged };
}
