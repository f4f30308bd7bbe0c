import type { ExitListener } from "./types.js";
import type { Replica } from "./schema.js";

export type ExitListeners = {
  add(listener: ExitListener): () => void;
  /** Calls every listener; one that throws is reported to `onError` and does not stop the others. */
  emit(replica: Replica): void;
  clear(): void;
};

export function createExitListeners(onError: (error: unknown) => void): ExitListeners {
  const listeners = new Set<ExitListener>();
  return {
    add(listener) {
      // A wrapper, so that the same function subscribed twice is two subscriptions.
      const entry: ExitListener = (r) => listener(r);
      listeners.add(entry);
      return () => { listeners.delete(entry); };
    },
    emit(replica) {
      for (const l of [...listeners]) {
        try {
          l({ ...replica });
        } catch (error: unknown) {
          onError(error);
        }
      }
    },
    clear() {
      listeners.clear();
    },
  };
}
