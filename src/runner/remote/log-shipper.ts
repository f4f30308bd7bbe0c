import type { ServerClient } from "./server-client.js";
import { ServerError } from "./server-client.js";

/**
 * Sends a job's events to the server in order, in batches, each with a sequence number. Unsent
 * records stay queued across failures and are resent; the server drops what it already has.
 */
export function createLogShipper(client: ServerClient, jobId: number, leaseToken: string, onLeaseLost: () => void): {
  push(record: Record<string, unknown>): void;
  flush(): Promise<void>;
  close(): Promise<void>;
} {
  let seq = 0;
  let queue: Array<Record<string, unknown> & { seq: number }> = [];
  let sending: Promise<void> | undefined;
  let lost = false;
  const timer = setInterval(() => { void ship(); }, 100);

  async function ship(): Promise<void> {
    if (sending || queue.length === 0 || lost) return sending;
    const batch = queue.slice(0, 1000);
    sending = (async () => {
      try {
        const r = await client.post<{ lastSeq: number }>(`/api/v1/runner/jobs/${jobId}/events`, { leaseToken, records: batch });
        queue = queue.filter((x) => x.seq > r.lastSeq);
      } catch (error: unknown) {
        if (error instanceof ServerError && (error.status === 409 || error.status === 404)) {
          lost = true;
          onLeaseLost();
        }
        // otherwise: keep the batch and retry on the next tick
      } finally {
        sending = undefined;
      }
    })();
    return sending;
  }

  return {
    push(record) {
      queue.push({ ...record, seq: ++seq, time: new Date().toISOString() });
      // Send at once when nothing is in flight (live logs); while a batch is in flight the
      // queue fills and goes next, so load batches itself.
      void ship();
    },
    async flush() {
      const deadline = Date.now() + 60_000;
      while ((queue.length > 0 || sending) && !lost && Date.now() < deadline) {
        await ship();
        if (queue.length > 0) await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await this.flush();
      clearInterval(timer);
    },
  };
}
