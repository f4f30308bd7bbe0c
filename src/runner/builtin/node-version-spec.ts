/**
 * A small matcher for the version specs actions/setup-node accepts, enough to
 * decide whether the host's node will do: `20`, `v20`, `20.x`, `20.1`,
 * `20.1.2`, `*`, comparators (`>=18`, `<21`, `^20.1`, `~20.1.2`, `=20.1.2`),
 * space-separated comparator sets, `a - b` ranges, `||` alternatives, and the
 * aliases `latest`/`current`/`node` and `lts/*`, `lts/-n`, `lts/<codename>`.
 */

export type NodeVersion = readonly [number, number, number];

export type HostNode = {
  version: NodeVersion;
  /** process.release.lts: the LTS codename, undefined for a Current release. */
  lts: string | undefined;
};

export type SpecMatch = { ok: true; note?: string } | { ok: false; reason?: string };

const LTS_CODENAMES: Readonly<Record<string, number>> = {
  argon: 4,
  boron: 6,
  carbon: 8,
  dubnium: 10,
  erbium: 12,
  fermium: 14,
  gallium: 16,
  hydrogen: 18,
  iron: 20,
  jod: 22,
  krypton: 24,
};

/** Parses `v20.1.2` (as in process.version). */
export function parseNodeVersion(text: string): NodeVersion | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function formatNodeVersion(version: NodeVersion): string {
  return `v${version.join(".")}`;
}

function compare(a: NodeVersion, b: NodeVersion): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A version with some parts left open: `20` is [20], `20.x` is [20], `*` is []. */
type Partial = number[];

function parsePartial(text: string): Partial | undefined {
  const t = text.replace(/^v/i, "");
  if (t === "" || t === "*" || t === "x" || t === "X") return [];
  const parts = t.split(".");
  if (parts.length > 3) return undefined;
  const out: number[] = [];
  for (const part of parts) {
    if (part === "x" || part === "X" || part === "*") break;
    if (!/^\d+$/.test(part)) return undefined;
    out.push(Number(part));
  }
  return out;
}

function floor(p: Partial): NodeVersion {
  return [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];
}

/** The first version above everything `p` covers (undefined for `*`). */
function ceiling(p: Partial): NodeVersion | undefined {
  if (p.length === 0) return undefined;
  if (p.length === 1) return [(p[0] ?? 0) + 1, 0, 0];
  if (p.length === 2) return [p[0] ?? 0, (p[1] ?? 0) + 1, 0];
  return [p[0] ?? 0, p[1] ?? 0, (p[2] ?? 0) + 1];
}

type Test = (v: NodeVersion) => boolean;

const atLeast = (min: NodeVersion): Test => (v) => compare(v, min) >= 0;
const below = (max: NodeVersion | undefined): Test => (v) => max === undefined || compare(v, max) < 0;
const within = (p: Partial): Test => (v) => atLeast(floor(p))(v) && below(ceiling(p))(v);

function caretCeiling(p: Partial): NodeVersion | undefined {
  const [major = 0, minor = 0] = p;
  if (p.length === 0) return undefined;
  if (major > 0 || p.length === 1) return [major + 1, 0, 0];
  if (minor > 0 || p.length === 2) return [0, minor + 1, 0];
  return [0, 0, (p[2] ?? 0) + 1];
}

function parseComparator(text: string): Test | undefined {
  const m = /^(>=|<=|>|<|=|\^|~>?)?\s*(.*)$/.exec(text);
  if (!m) return undefined;
  const op = m[1] ?? "";
  const p = parsePartial(m[2] ?? "");
  if (p === undefined) return undefined;
  switch (op) {
    case "":
    case "=":
      return within(p);
    case ">=":
      return atLeast(floor(p));
    case ">": {
      const c = ceiling(p);
      return c === undefined ? () => false : atLeast(c);
    }
    case "<":
      return p.length === 0 ? () => false : below(floor(p));
    case "<=":
      return below(ceiling(p));
    case "^":
      return (v) => atLeast(floor(p))(v) && below(caretCeiling(p))(v);
    default: {
      // ~ and ~>: patch-level changes when a minor is given, else minor-level.
      const c = p.length >= 2 ? ceiling(p.slice(0, 2)) : ceiling(p);
      return (v) => atLeast(floor(p))(v) && below(c)(v);
    }
  }
}

function parseRange(text: string): Test | undefined {
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
  if (hyphen) {
    const low = parsePartial(hyphen[1] ?? "");
    const high = parsePartial(hyphen[2] ?? "");
    if (low === undefined || high === undefined) return undefined;
    return (v) => atLeast(floor(low))(v) && below(ceiling(high))(v);
  }
  // Glue operators to their versions: ">= 18" is ">=18".
  const tokens = text.replace(/(>=|<=|>|<|=|\^|~>?)\s+/g, "$1").split(/\s+/).filter((t) => t !== "");
  const tests: Test[] = [];
  for (const token of tokens) {
    const test = parseComparator(token);
    if (test === undefined) return undefined;
    tests.push(test);
  }
  return (v) => tests.every((test) => test(v));
}

/** Whether the host's node satisfies `spec`; `note` explains a match that could not be checked fully offline. */
export function matchNodeSpec(spec: string, host: HostNode): SpecMatch {
  const s = spec.trim();
  const lower = s.toLowerCase();
  if (lower === "latest" || lower === "current" || lower === "node") {
    return { ok: true, note: `"${s}" means the newest release, which cannot be looked up offline; using the host's node` };
  }
  if (lower === "lts" || lower.startsWith("lts/")) {
    const which = lower === "lts" ? "*" : lower.slice("lts/".length);
    if (host.lts === undefined) return { ok: false, reason: "the host's node is not an LTS release" };
    if (which === "*" || /^-\d+$/.test(which)) {
      return { ok: true, note: `the host's node is an LTS release (${host.lts}); whether it is the one "${s}" names cannot be checked offline` };
    }
    const major = LTS_CODENAMES[which];
    if (major === undefined) return { ok: false, reason: `unknown LTS codename "${which}"` };
    return host.version[0] === major ? { ok: true } : { ok: false };
  }
  const alternatives = s.split("||").map((part) => part.trim());
  const tests: Test[] = [];
  for (const alternative of alternatives) {
    const test = parseRange(alternative);
    if (test === undefined) return { ok: false, reason: `unsupported version spec "${s}"` };
    tests.push(test);
  }
  return tests.some((test) => test(host.version)) ? { ok: true } : { ok: false };
}
