/** Heals in a row that go at once; then each waits twice as long as the one before, up to the maximum. */
const FREE_HEALS = 3;
const FIRST_WAIT_MS = 1000;
const MAX_WAIT_MS = 30_000;
/** A key quiet this long starts over. */
const QUIET_MS = 60_000;

export type HealBackoff = {
  /** Whether a heal of `key` may go now. */
  allows(key: string, now?: number): boolean;
  /** A heal of `key` went. */
  healed(key: string, now?: number): void;
};

/**
 * Exponential backoff for self-heal, per thing healed (a replica slot, the strays of a Service): when
 * something keeps fighting the agent (a supervisor restarting what the agent stops), the agent does not
 * fight back every second forever.
 */
export function createHealBackoff(): HealBackoff {
  const state = new Map<string, { count: number; last: number }>();
  return {
    allows(key, now = Date.now()) {
      const s = state.get(key);
      if (s === undefined || now - s.last > QUIET_MS || s.count < FREE_HEALS) return true;
      return now - s.last >= Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (s.count - FREE_HEALS));
    },
    healed(key, now = Date.now()) {
      const s = state.get(key);
      state.set(key, { count: s === undefined || now - s.last > QUIET_MS ? 1 : s.count + 1, last: now });
      if (state.size > 1000) for (const [k, v] of state) if (now - v.last > QUIET_MS) state.delete(k);
    },
  };
}
