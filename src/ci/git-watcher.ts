import type { Git } from "../git/git.js";
import { lsRemote } from "../git/ls-remote.js";
import type { Mirrors } from "../git/mirror.js";
import { matchesFilters } from "../workflow/index.js";
import type { Store } from "../store/index.js";
import { listResources, setResourceStatus } from "../store/index.js";
import type { RefChange } from "./trigger-commit.js";

type RepoSpec = { url: string; branches?: string[]; tags?: boolean | string[]; pollInterval?: string };

/** Milliseconds in "30s", "5m", "1h", "500ms". */
export function durationMs(s: string | undefined, fallback: number): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(s ?? "");
  if (!m) return fallback;
  const n = Number(m[1]);
  return m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : m[2] === "m" ? n * 60_000 : n * 3_600_000;
}

function watched(spec: RepoSpec, ref: string): boolean {
  if (ref.startsWith("refs/heads/")) return matchesFilters(ref.slice("refs/heads/".length), spec.branches ?? ["**"]);
  if (ref.startsWith("refs/tags/")) {
    const tags = spec.tags ?? true;
    return tags === true || (Array.isArray(tags) && matchesFilters(ref.slice("refs/tags/".length), tags));
  }
  return false;
}

/**
 * The git watcher: polls each Repository with `git ls-remote`, fetches what moved into the
 * repository's mirror once, and reports each moved branch or new tag. The first look at a
 * repository only records where its refs are.
 */
export function createGitWatcher(deps: { store: Store; git: Git; mirrors: Mirrors; onChange(change: RefChange): Promise<void>; log(msg: string, f?: Record<string, unknown>): void }): {
  refresh(name: string): Promise<void>;
  pushed(name: string, ref: string, after: string): Promise<void>;
  start(): void;
  stop(): void;
} {
  const { store } = deps;
  const lastPoll = new Map<string, number>();
  const inFlight = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;

  async function poll(name: string, spec: RepoSpec): Promise<void> {
    const known = new Map((store.sqlite.prepare("SELECT ref, sha FROM repo_refs WHERE repo = ?").all(name) as Array<{ ref: string; sha: string }>).map((r) => [r.ref, r.sha]));
    const firstLook = known.size === 0 && !(store.sqlite.prepare("SELECT 1 FROM resources WHERE kind = 'Repository' AND name = ? AND status IS NOT NULL").get(name));
    let remote: Map<string, string>;
    try {
      remote = await lsRemote(deps.git, spec.url, { timeoutMs: 60_000 });
    } catch (error: unknown) {
      await setResourceStatus(store, "Repository", name, { ready: false, reason: "FetchFailed", message: error instanceof Error ? error.message : String(error), lastPolledAt: new Date().toISOString() });
      return;
    }
    const moved = [...remote].filter(([ref, sha]) => watched(spec, ref) && known.get(ref) !== sha);
    if (moved.length > 0) await deps.mirrors.fetch(name, spec.url);
    const now = new Date().toISOString();
    const upsert = store.sqlite.prepare("INSERT INTO repo_refs (repo, ref, sha, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (repo, ref) DO UPDATE SET sha = excluded.sha, updated_at = excluded.updated_at");
    for (const [ref, sha] of moved) {
      const before = known.get(ref) ?? null;
      // Record first, then trigger: a crash in between loses no run twice; a trigger failure is logged.
      upsert.run(name, ref, sha, now);
      if (firstLook) continue;
      try {
        await deps.onChange({ repo: name, url: spec.url, ref, before, after: sha, actor: "ferry" });
      } catch (error: unknown) {
        deps.log("cannot trigger workflows", { repository: name, ref, error: error instanceof Error ? error.message : String(error) });
      }
    }
    const gone = [...known.keys()].filter((ref) => !remote.has(ref));
    for (const ref of gone) store.sqlite.prepare("DELETE FROM repo_refs WHERE repo = ? AND ref = ?").run(name, ref);
    await setResourceStatus(store, "Repository", name, { ready: true, reason: "Polled", refs: remote.size, lastPolledAt: now });
  }

  const refresh = async (name: string): Promise<void> => {
    const existing = inFlight.get(name);
    if (existing) return existing;
    const repo = (await listResources(store, "Repository")).find((r) => r.metadata.name === name);
    if (!repo) return;
    const p = poll(name, repo.spec as RepoSpec).finally(() => {
      inFlight.delete(name);
      lastPoll.set(name, Date.now());
    });
    inFlight.set(name, p);
    return p;
  };

  /**
   * A verified webhook says `ref` is now at `after`: fetch just that ref and trigger, without a
   * full poll (the next poll reconciles anything else). Serialized with polls of the repository.
   */
  const pushed = async (name: string, ref: string, after: string): Promise<void> => {
    const previous = inFlight.get(name) ?? Promise.resolve();
    const p = previous.catch(() => undefined).then(async () => {
      const repo = (await listResources(store, "Repository")).find((r) => r.metadata.name === name);
      if (!repo) return;
      const spec = repo.spec as RepoSpec;
      if (!/^[0-9a-f]{40}$/.test(after) || !watched(spec, ref) || !/^refs\/(heads|tags)\/[^\s]+$/.test(ref)) return poll(name, spec);
      const known = store.sqlite.prepare("SELECT sha FROM repo_refs WHERE repo = ? AND ref = ?").get(name, ref) as { sha: string } | undefined;
      if (known?.sha === after) return;
      await deps.mirrors.fetch(name, spec.url, [ref]);
      store.sqlite.prepare("INSERT INTO repo_refs (repo, ref, sha, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (repo, ref) DO UPDATE SET sha = excluded.sha, updated_at = excluded.updated_at")
        .run(name, ref, after, new Date().toISOString());
      await deps.onChange({ repo: name, url: spec.url, ref, before: known?.sha ?? null, after, actor: "ferry" });
    }).finally(() => {
      if (inFlight.get(name) === p) inFlight.delete(name);
    });
    inFlight.set(name, p);
    return p;
  };

  return {
    refresh,
    pushed,
    start() {
      timer = setInterval(() => {
        void (async () => {
          for (const repo of await listResources(store, "Repository")) {
            const every = durationMs((repo.spec as RepoSpec).pollInterval, 30_000);
            if (Date.now() - (lastPoll.get(repo.metadata.name) ?? 0) >= every) void refresh(repo.metadata.name).catch(() => undefined);
          }
        })();
      }, 250);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
