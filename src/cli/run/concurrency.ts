type Slot = { controller: AbortController; done: Promise<void> };
type Group = { running?: Slot | undefined; pending?: { cancel(): void } | undefined };

export type Admission = { cancelled: true } | { cancelled: false; signal: AbortSignal; leave(): void };

/**
 * GitHub's concurrency groups: at most one running and one pending per group. A newcomer
 * replaces (cancels) the pending one, and with `cancel-in-progress` also cancels the running one.
 */
export function createConcurrencyGroups(): { enter(group: string, cancelInProgress: boolean): Promise<Admission> } {
  const groups = new Map<string, Group>();
  return {
    async enter(name, cancelInProgress) {
      let g = groups.get(name);
      if (!g) {
        g = {};
        groups.set(name, g);
      }
      g.pending?.cancel();
      if (cancelInProgress) g.running?.controller.abort();
      while (g.running) {
        const running = g.running;
        let cancel!: () => void;
        const replaced = new Promise<"replaced">((r) => { cancel = () => r("replaced"); });
        const mine = { cancel };
        g.pending = mine;
        const why = await Promise.race([running.done.then(() => "done" as const), replaced]);
        if (g.pending === mine) g.pending = undefined;
        if (why === "replaced") return { cancelled: true };
      }
      const controller = new AbortController();
      let release!: () => void;
      const slot: Slot = { controller, done: new Promise<void>((r) => { release = r; }) };
      g.running = slot;
      const group = g;
      return {
        cancelled: false,
        signal: controller.signal,
        leave() {
          if (group.running === slot) group.running = undefined;
          release();
        },
      };
    },
  };
}
