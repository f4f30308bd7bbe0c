import { compileFilterPattern, matchesAnyPath, matchesFilters } from "./filters.js";

/**
 * A workflow's `on`, normalized: event name -> its config mapping, or null when the event is
 * given without config (`on: push`, `on: [push]` and `on: { push: null }` all give `{ push: null }`).
 */
export type EventTriggers = Record<string, Record<string, unknown> | null>;

export type TriggerEvent = {
  /** "push", "pull_request", "workflow_dispatch", ... */
  name: string;
  /** GitHub webhook-shaped payload. */
  payload: Record<string, unknown>;
  /** Repo-relative paths changed by the push or pull request; undefined when unknown. */
  changedFiles?: readonly string[] | undefined;
};

export type TriggerDecision = { triggered: true } | { triggered: false; reason: string };

const TRIGGERED: TriggerDecision = { triggered: true };

function skip(reason: string): TriggerDecision {
  return { triggered: false, reason };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Normalizes a workflow's `on` (an event name, a list of names, or a mapping). A non-mapping
 * config (such as `schedule`'s list of crons) normalizes to null: it carries no trigger filters.
 * Throws on any other shape.
 */
export function normalizeOn(on: unknown): EventTriggers {
  const triggers: EventTriggers = {};
  if (typeof on === "string") {
    triggers[on] = null;
    return triggers;
  }
  if (Array.isArray(on)) {
    for (const item of on) {
      if (typeof item !== "string") {
        throw new Error(`workflow "on" list entries must be event names, got ${JSON.stringify(item)}`);
      }
      triggers[item] = null;
    }
    return triggers;
  }
  if (isRecord(on)) {
    for (const [name, config] of Object.entries(on)) {
      triggers[name] = isRecord(config) ? config : null;
    }
    return triggers;
  }
  throw new Error(`workflow "on" must be an event name, a list of event names, or a mapping`);
}

function stringAt(value: unknown, ...path: string[]): string | undefined {
  let current = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return typeof current === "string" ? current : undefined;
}

/** A filter given as a single string or a list; YAML scalars that parsed as numbers or booleans count as strings. */
function listAt(config: Record<string, unknown> | null, key: string): string[] | undefined {
  const value = config?.[key];
  if (value === undefined || value === null) return undefined;
  const items: unknown[] = Array.isArray(value) ? value : [value];
  return items.flatMap((item) =>
    typeof item === "string" || typeof item === "number" || typeof item === "boolean" ? [String(item)] : [],
  );
}

function describeExclusion(value: string, patterns: readonly string[]): string {
  const last = patterns.findLast((pattern) => {
    const body = pattern.startsWith("!") ? pattern.slice(1) : pattern;
    return compileFilterPattern(body).test(value);
  });
  return last === undefined ? "not in" : `excluded by "${last}" in`;
}

type NameFilter = { kind: "branch" | "tag"; key: "branches" | "tags" };

/** Applies `<key>` / `<key>-ignore` to a branch or tag name. */
function matchNameFilter(
  config: Record<string, unknown> | null,
  event: string,
  filter: NameFilter,
  name: string,
): TriggerDecision {
  const include = listAt(config, filter.key);
  const ignore = listAt(config, `${filter.key}-ignore`);
  if (include !== undefined && !matchesFilters(name, include)) {
    return skip(`${filter.kind} "${name}" ${describeExclusion(name, include)} on.${event}.${filter.key}`);
  }
  if (ignore !== undefined && matchesFilters(name, ignore)) {
    return skip(`${filter.kind} "${name}" matches on.${event}.${filter.key}-ignore`);
  }
  return TRIGGERED;
}

function hasNameFilter(config: Record<string, unknown> | null, key: "branches" | "tags"): boolean {
  return listAt(config, key) !== undefined || listAt(config, `${key}-ignore`) !== undefined;
}

/** Applies `paths` / `paths-ignore`; an unknown change set satisfies both. */
function matchPathFilter(
  config: Record<string, unknown> | null,
  event: string,
  changedFiles: readonly string[] | undefined,
): TriggerDecision {
  const include = listAt(config, "paths");
  const ignore = listAt(config, "paths-ignore");
  if (changedFiles === undefined || (include === undefined && ignore === undefined)) return TRIGGERED;
  // GitHub: "If there are no files changed, the workflow will not run."
  if (changedFiles.length === 0) {
    return skip(`no changed files to match on.${event}.${include !== undefined ? "paths" : "paths-ignore"}`);
  }
  if (include !== undefined && !matchesAnyPath(changedFiles, include)) {
    return skip(`no changed file matches on.${event}.paths`);
  }
  if (ignore !== undefined && changedFiles.every((file) => matchesFilters(file, ignore))) {
    return skip(`all changed files match on.${event}.paths-ignore`);
  }
  return TRIGGERED;
}

/** `types` against `payload.action`; a payload without an action (a synthesized event) satisfies it. */
function matchTypes(
  config: Record<string, unknown> | null,
  event: string,
  payload: Record<string, unknown>,
  defaults?: readonly string[],
): TriggerDecision {
  const action = stringAt(payload, "action");
  if (action === undefined) return TRIGGERED;
  const configured = listAt(config, "types");
  const types = configured ?? defaults;
  if (types === undefined || types.includes(action)) return TRIGGERED;
  return configured === undefined
    ? skip(`action "${action}" not in the default types of ${event} (${types.join(", ")})`)
    : skip(`action "${action}" not in on.${event}.types`);
}

/** GitHub rejects a workflow that gives both a filter and its `-ignore` form for one event. */
function findConflict(config: Record<string, unknown> | null, event: string): string | undefined {
  for (const key of ["branches", "tags", "paths"]) {
    if (listAt(config, key) !== undefined && listAt(config, `${key}-ignore`) !== undefined) {
      return `on.${event} defines both ${key} and ${key}-ignore`;
    }
  }
  return undefined;
}

function firstRejection(...decisions: (() => TriggerDecision)[]): TriggerDecision {
  for (const decide of decisions) {
    const decision = decide();
    if (!decision.triggered) return decision;
  }
  return TRIGGERED;
}

const BRANCHES: NameFilter = { kind: "branch", key: "branches" };
const TAGS: NameFilter = { kind: "tag", key: "tags" };

function matchPush(config: Record<string, unknown> | null, event: TriggerEvent): TriggerDecision {
  const ref = stringAt(event.payload, "ref");
  const branchFiltered = hasNameFilter(config, "branches");
  const tagFiltered = hasNameFilter(config, "tags");
  const paths = (): TriggerDecision => matchPathFilter(config, "push", event.changedFiles);
  // Without a ref (a synthesized local event) the ref filters cannot be judged; treat them as met.
  if (ref === undefined) return paths();

  if (ref.startsWith("refs/tags/")) {
    const tag = ref.slice("refs/tags/".length);
    if (tagFiltered) return matchNameFilter(config, "push", TAGS, tag);
    if (branchFiltered) return skip(`tag "${tag}" pushed but on.push filters only branches`);
    // GitHub does not evaluate path filters for tag pushes.
    return TRIGGERED;
  }

  const isBranch = ref.startsWith("refs/heads/") || !ref.startsWith("refs/");
  if (!isBranch) {
    return branchFiltered || tagFiltered ? skip(`ref "${ref}" is neither a branch nor a tag`) : paths();
  }
  const branch = ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : ref;
  if (!branchFiltered && tagFiltered) return skip(`branch "${branch}" pushed but on.push filters only tags`);
  return firstRejection(() => matchNameFilter(config, "push", BRANCHES, branch), paths);
}

function stripHeads(ref: string): string {
  return ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : ref;
}

/** Applies branch filters to `branch` when it is known. */
function matchBranchIfKnown(
  config: Record<string, unknown> | null,
  event: string,
  branch: string | undefined,
): TriggerDecision {
  return branch === undefined ? TRIGGERED : matchNameFilter(config, event, BRANCHES, branch);
}

const PULL_REQUEST_DEFAULT_TYPES = ["opened", "synchronize", "reopened"];

function matchPullRequest(config: Record<string, unknown> | null, event: TriggerEvent): TriggerDecision {
  const base = stringAt(event.payload, "pull_request", "base", "ref");
  return firstRejection(
    () => matchTypes(config, event.name, event.payload, PULL_REQUEST_DEFAULT_TYPES),
    () => matchBranchIfKnown(config, event.name, base === undefined ? undefined : stripHeads(base)),
    () => matchPathFilter(config, event.name, event.changedFiles),
  );
}

function matchWorkflowRun(config: Record<string, unknown> | null, event: TriggerEvent): TriggerDecision {
  const workflows = listAt(config, "workflows");
  const name = stringAt(event.payload, "workflow_run", "name") ?? stringAt(event.payload, "workflow", "name");
  if (workflows !== undefined && name !== undefined && !workflows.includes(name)) {
    return skip(`workflow "${name}" not in on.workflow_run.workflows`);
  }
  return firstRejection(
    () => matchTypes(config, event.name, event.payload),
    () => matchBranchIfKnown(config, event.name, stringAt(event.payload, "workflow_run", "head_branch")),
  );
}

function matchMergeGroup(config: Record<string, unknown> | null, event: TriggerEvent): TriggerDecision {
  const base = stringAt(event.payload, "merge_group", "base_ref");
  return firstRejection(
    () => matchTypes(config, event.name, event.payload),
    () => matchBranchIfKnown(config, event.name, base === undefined ? undefined : stripHeads(base)),
  );
}

/** Decides whether a workflow whose normalized `on` is `on` runs for `event`. */
export function matchTrigger(on: EventTriggers, event: TriggerEvent): TriggerDecision {
  if (event.name === "workflow_call") return skip("workflow_call is only triggered by a calling workflow");
  if (!Object.hasOwn(on, event.name)) return skip(`event "${event.name}" not in on`);
  const config = on[event.name] ?? null;
  const conflict = findConflict(config, event.name);
  if (conflict !== undefined) return skip(conflict);
  switch (event.name) {
    case "push":
      return matchPush(config, event);
    case "pull_request":
    case "pull_request_target":
      return matchPullRequest(config, event);
    case "workflow_run":
      return matchWorkflowRun(config, event);
    case "merge_group":
      return matchMergeGroup(config, event);
    default:
      return matchTypes(config, event.name, event.payload);
  }
}
