import { abortReason } from "./abort-reason.js";
import { ProberStoppedError } from "./prober-stopped-error.js";
import { proberSettingsSchema, type ProberSettingsInput } from "./prober-settings.js";
import type { HealthChange, HealthState, Probe, ProbeResult, ProbeTarget, Prober } from "./types.js";

export type ProberOptions = ProberSettingsInput & {
  probe: Probe;
  target: ProbeTarget;
  /** Called on every state transition. It must not throw. */
  onChange?: (change: HealthChange) => void;
};

type Waiter = { state: HealthState; resolve: () => void; reject: (reason: Error) => void };

/**
 * Starts probing `target` at once (after `initialDelayMs`) and every `periodMs` after that, never two
 * probes at a time. The state starts `Progressing`, becomes `Healthy` after `successThreshold`
 * consecutive successes, `Degraded` after `failureThreshold` consecutive failures while Healthy, and
 * `Healthy` again after `successThreshold` successes. Failures before the first Healthy keep it
 * `Progressing` (the caller owns the deadline for a replica to come up).
 */
export function createProber(options: ProberOptions): Prober {
  const settings = proberSettingsSchema.parse({
    periodMs: options.periodMs,
    timeoutMs: options.timeoutMs,
    successThreshold: options.successThreshold,
    failureThreshold: options.failureThreshold,
    initialDelayMs: options.initialDelayMs,
  });
  const { probe, target, onChange } = options;
  const stopController = new AbortController();
  const waiters = new Set<Waiter>();
  let state: HealthState = "Progressing";
  let lastMessage = "waiting for the first probe";
  let successes = 0;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const transition = (next: HealthState): void => {
    const previous = state;
    state = next;
    for (const waiter of [...waiters]) {
      if (waiter.state === next) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
    onChange?.({ state: next, previous, message: lastMessage });
  };

  const record = (result: ProbeResult): void => {
    lastMessage = result.message;
    if (result.ok) {
      successes += 1;
      failures = 0;
      if (state !== "Healthy" && successes >= settings.successThreshold) transition("Healthy");
    } else {
      failures += 1;
      successes = 0;
      if (state === "Healthy" && failures >= settings.failureThreshold) transition("Degraded");
    }
  };

  const probeOnce = async (): Promise<ProbeResult> => {
    const attempt = new AbortController();
    const onStop = (): void => attempt.abort(stopController.signal.reason);
    stopController.signal.addEventListener("abort", onStop, { once: true });
    let timedOut = false;
    const timeout = setTimeout(() => {
      timedOut = true;
      attempt.abort(new Error(`probe timed out after ${settings.timeoutMs} ms`));
    }, settings.timeoutMs);
    try {
      const result = await probe(target, attempt.signal);
      return timedOut ? { ok: false, message: `timed out after ${settings.timeoutMs} ms` } : result;
    } catch (error) {
      if (timedOut) return { ok: false, message: `timed out after ${settings.timeoutMs} ms` };
      return { ok: false, message: `probe failed: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      clearTimeout(timeout);
      stopController.signal.removeEventListener("abort", onStop);
    }
  };

  const run = async (): Promise<void> => {
    timer = undefined;
    const started = Date.now();
    const result = await probeOnce();
    if (stopController.signal.aborted) return;
    try {
      record(result);
    } finally {
      if (!stopController.signal.aborted) schedule(Math.max(0, settings.periodMs - (Date.now() - started)));
    }
  };

  const schedule = (delayMs: number): void => {
    timer = setTimeout(() => void run(), delayMs);
  };

  schedule(settings.initialDelayMs);

  return {
    get state() {
      return state;
    },
    get lastMessage() {
      return lastMessage;
    },
    waitFor(wanted, signal) {
      if (state === wanted) return Promise.resolve();
      if (stopController.signal.aborted) return Promise.reject(new ProberStoppedError(wanted, state));
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      return new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          waiters.delete(waiter);
          reject(abortReason(signal));
        };
        const waiter: Waiter = {
          state: wanted,
          resolve: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
          reject: (reason: Error) => {
            signal?.removeEventListener("abort", onAbort);
            reject(reason);
          },
        };
        waiters.add(waiter);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    stop() {
      if (stopController.signal.aborted) return;
      stopController.abort(new ProberStoppedError(state, state));
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      for (const waiter of waiters) waiter.reject(new ProberStoppedError(waiter.state, state));
      waiters.clear();
    },
  };
}
