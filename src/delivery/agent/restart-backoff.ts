const BACKOFF_START_MS = 200;
const BACKOFF_MAX_MS = 30_000;

/** How one replica slot has been exiting. */
export type SlotExits = { failures: number; notBefore: number; lastExit: string };

/**
 * Restart backoff per replica slot (index): the first restart goes at once, then 200 ms, 400 ms, … up to
 * 30 s; a slot counts as crashing after three exits in a row.
 */
export function createRestartBackoff() {
  const slots = new Map<number, SlotExits>();
  return {
    get: (index: number): SlotExits | undefined => slots.get(index),
    /** A replica of the slot exited (`lastExit`: "exit code N" or "signal S"). */
    exited(index: number, lastExit: string, now = Date.now()): void {
      const failures = (slots.get(index)?.failures ?? 0) + 1;
      const delay = failures <= 1 ? 0 : Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** (failures - 2));
      slots.set(index, { failures, notBefore: now + delay, lastExit });
    },
    /** The slot ran stable: it starts over. */
    reset: (index: number): void => { slots.delete(index); },
    clear: (): void => slots.clear(),
    crashing(): { index: number; lastExit: string } | undefined {
      const found = [...slots.entries()].find(([, b]) => b.failures >= 3);
      return found ? { index: found[0], lastExit: found[1].lastExit } : undefined;
    },
  };
}
