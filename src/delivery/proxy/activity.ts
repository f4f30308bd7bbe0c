/** Counts requests/connections being handled, so close() can wait for them. */
export function createActivity() {
  let active = 0;
  const idleWaiters = new Set<() => void>();
  return {
    /** Marks one unit of work begun; call the returned function (once or more) when it ends. */
    begin(): () => void {
      active += 1;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        active -= 1;
        if (active === 0) for (const waiter of [...idleWaiters]) waiter();
      };
    },
    /** Resolves when nothing is active, or after `timeoutMs`. */
    idle(timeoutMs: number): Promise<void> {
      if (active === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          idleWaiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        idleWaiters.add(done);
      });
    },
  };
}

export type Activity = ReturnType<typeof createActivity>;
