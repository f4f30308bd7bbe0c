import { z } from "zod";
import { backendSchema, type Backend } from "./schema.js";
import type { BackendStats } from "./types.js";

/** One use of a backend: held while a request or connection uses it. */
export type BackendLease = {
  readonly backend: Backend;
  /** Identifies the backend at this address (`id@host:port`). */
  readonly key: string;
  /** Counts a failed attempt against the backend. */
  fail(): void;
  /** Ends the use; safe to call more than once. */
  release(): void;
};

export type NextBackendRequest = {
  /** Keys already tried by this request/connection; updated as backends are handed out. */
  tried: Set<string>;
  /** Epoch ms after which to stop waiting. */
  deadline: number;
  signal: AbortSignal;
};

export type BackendPool = ReturnType<typeof createBackendPool>;

type Entry = { backend: Backend; key: string; requests: number; failures: number; inFlight: number; active: boolean };

const backendListSchema = z.array(backendSchema).refine((list) => new Set(list.map((b) => b.id)).size === list.length, {
  message: "backend ids must be unique",
});

/**
 * The current backends of a proxy: round-robin choice, in-flight counting per backend, waiting for a
 * backend to appear, and waiting for a removed backend to drain. `onRetired(key)` runs once a backend
 * at an address is neither current nor in use, so per-address resources (HTTP agents) can be freed.
 */
export function createBackendPool(options: { retryBackoffMs: number; onRetired?: (key: string) => void }) {
  const entries = new Map<string, Entry>();
  let active: Entry[] = [];
  let cursor = 0;
  const changeWaiters = new Set<() => void>();
  const idleWaiters = new Set<{ id: string; done: () => void }>();

  const inFlightOf = (id: string): number => {
    let total = 0;
    for (const entry of entries.values()) if (entry.backend.id === id) total += entry.inFlight;
    return total;
  };

  const retireIfUnused = (entry: Entry): void => {
    if (entry.active || entry.inFlight > 0 || entries.get(entry.key) !== entry) return;
    entries.delete(entry.key);
    options.onRetired?.(entry.key);
  };

  const notifyIdle = (id: string): void => {
    if (inFlightOf(id) > 0) return;
    for (const waiter of [...idleWaiters]) if (waiter.id === id) waiter.done();
  };

  const lease = (entry: Entry): BackendLease => {
    entry.requests += 1;
    entry.inFlight += 1;
    let released = false;
    return {
      backend: entry.backend,
      key: entry.key,
      fail: () => {
        entry.failures += 1;
      },
      release: () => {
        if (released) return;
        released = true;
        entry.inFlight -= 1;
        if (entry.inFlight === 0) {
          retireIfUnused(entry);
          notifyIdle(entry.backend.id);
        }
      },
    };
  };

  const pick = (tried: Set<string>): BackendLease | undefined => {
    for (let i = 0; i < active.length; i += 1) {
      const index = (cursor + i) % active.length;
      const entry = active[index];
      if (entry === undefined || tried.has(entry.key)) continue;
      cursor = (index + 1) % active.length;
      tried.add(entry.key);
      return lease(entry);
    }
    return undefined;
  };

  /** Resolves on the next setBackends, after `ms`, or when `signal` aborts, whichever is first. */
  const waitForChange = (ms: number, signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        changeWaiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      changeWaiters.add(done);
      signal.addEventListener("abort", done, { once: true });
    });

  return {
    setBackends(backends: readonly Backend[]): void {
      const list = backendListSchema.parse(backends);
      const next: Entry[] = [];
      for (const backend of list) {
        const key = `${backend.id}@${backend.host}:${backend.port}`;
        const entry = entries.get(key) ?? { backend, key, requests: 0, failures: 0, inFlight: 0, active: true };
        entry.active = true;
        entries.set(key, entry);
        next.push(entry);
      }
      const current = new Set(next);
      for (const entry of active) {
        if (current.has(entry)) continue;
        entry.active = false;
        retireIfUnused(entry);
      }
      active = next;
      cursor = active.length === 0 ? 0 : cursor % active.length;
      for (const waiter of [...changeWaiters]) waiter();
    },

    /** How many backends are current. */
    size(): number {
      return active.length;
    },

    /**
     * The next untried backend, round-robin. When every current backend was tried, waits
     * `retryBackoffMs` (or for a change) and starts a new round; when there is none, waits for one.
     * Undefined once `deadline` passes or `signal` aborts (an untried backend is still handed out).
     */
    async next(request: NextBackendRequest): Promise<BackendLease | undefined> {
      for (;;) {
        const picked = pick(request.tried);
        if (picked !== undefined) return picked;
        if (request.signal.aborted) return undefined;
        const remaining = request.deadline - Date.now();
        if (remaining <= 0) return undefined;
        if (active.length > 0) {
          await waitForChange(Math.min(remaining, options.retryBackoffMs), request.signal);
          request.tried.clear();
        } else {
          await waitForChange(remaining, request.signal);
        }
      }
    },

    /** Resolves once backend `id` has nothing in flight, or after `timeoutMs`; true when it drained. */
    waitIdle(id: string, timeoutMs: number): Promise<boolean> {
      if (inFlightOf(id) === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const waiter = {
          id,
          done: () => {
            clearTimeout(timer);
            idleWaiters.delete(waiter);
            resolve(true);
          },
        };
        const timer = setTimeout(() => {
          idleWaiters.delete(waiter);
          resolve(false);
        }, timeoutMs);
        idleWaiters.add(waiter);
      });
    },

    inFlight(id: string): number {
      return inFlightOf(id);
    },

    stats(): Record<string, BackendStats> {
      const perBackend: Record<string, BackendStats> = {};
      for (const entry of entries.values()) {
        const seen = perBackend[entry.backend.id] ?? { requests: 0, failures: 0, inFlight: 0, active: false };
        seen.requests += entry.requests;
        seen.failures += entry.failures;
        seen.inFlight += entry.inFlight;
        seen.active ||= entry.active;
        perBackend[entry.backend.id] = seen;
      }
      return perBackend;
    },
  };
}
