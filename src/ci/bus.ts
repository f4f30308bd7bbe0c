/** What happened, for whoever is listening in this process (waiting runners, SSE streams). */
export type BusEvent =
  | { type: "jobs-queued" }
  | { type: "run-updated"; runId: number; status: string; conclusion?: string | null | undefined }
  | { type: "job-updated"; runId: number; jobId: number; status: string; conclusion?: string | null | undefined }
  | { type: "job-log"; jobId: number; seq: number; line: string }
  | { type: "commit"; repo: string; ref: string; sha: string };

export type Bus = { emit(e: BusEvent): void; on(listener: (e: BusEvent) => void): () => void };

export function createBus(): Bus {
  const listeners = new Set<(e: BusEvent) => void>();
  return {
    emit(e) {
      for (const l of [...listeners]) {
        try {
          l(e);
        } catch {
          // a failing listener must not stop the others
        }
      }
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
