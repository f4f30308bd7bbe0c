import { abortReason } from "./abort-reason.js";
import { ProberStoppedError } from "./prober-stopped-error.js";
import type { HealthChange, HealthState, Prober } from "./types.js";

/**
 * The prober of a replica without a health check: Healthy as soon as its process runs, which is when
 * the caller creates it. `onChange` (if given) hears Progressing → Healthy once, on the next microtask,
 * so callers treat both kinds of prober alike.
 */
export function alwaysHealthyProber(options: { onChange?: (change: HealthChange) => void } = {}): Prober {
  const message = "running (no health check configured)";
  const pending = new Set<{ wanted: HealthState; reject: (reason: Error) => void }>();
  let stopped = false;
  if (options.onChange !== undefined) {
    const onChange = options.onChange;
    queueMicrotask(() => {
      if (!stopped) onChange({ state: "Healthy", previous: "Progressing", message });
    });
  }
  return {
    state: "Healthy",
    lastMessage: message,
    waitFor(wanted, signal) {
      if (wanted === "Healthy") return Promise.resolve();
      if (stopped) return Promise.reject(new ProberStoppedError(wanted, "Healthy"));
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      // Never reached: wait for stop or abort.
      return new Promise<void>((_resolve, reject) => {
        const entry = {
          wanted,
          reject: (reason: Error) => {
            signal?.removeEventListener("abort", onAbort);
            reject(reason);
          },
        };
        const onAbort = (): void => {
          pending.delete(entry);
          reject(abortReason(signal));
        };
        pending.add(entry);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      for (const entry of pending) entry.reject(new ProberStoppedError(entry.wanted, "Healthy"));
      pending.clear();
    },
  };
}
