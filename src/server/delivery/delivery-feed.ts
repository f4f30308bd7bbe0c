import { randomBytes } from "node:crypto";

/** Something agents must hear about: a new commit in a repository, Applications changed, an operation asked for. */
export type FeedEvent =
  | { seq: number; type: "commit"; url: string; sha: string; ref: string }
  | { seq: number; type: "applications" }
  | { seq: number; type: "operation"; app: string };

type NewFeedEvent = { type: "commit"; url: string; sha: string; ref: string } | { type: "applications" } | { type: "operation"; app: string };

export type DeliveryFeed = {
  /** `<epoch>:<seq>`; the epoch changes with every server start, so an agent knows to take everything afresh. */
  cursor(): string;
  publish(e: NewFeedEvent): void;
  /** Events after `cursor`, or undefined when the cursor is from another epoch or too old (take everything). */
  since(cursor: string | undefined): FeedEvent[] | undefined;
  /** Resolves when something is published or after `ms`, or when `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void>;
};

const KEEP = 1000;

/** An in-process, bounded log of what agents must hear about, for their long-polls. */
export function createDeliveryFeed(): DeliveryFeed {
  const epoch = randomBytes(6).toString("hex");
  let seq = 0;
  const events: FeedEvent[] = [];
  const waiters = new Set<() => void>();
  return {
    cursor: () => `${epoch}:${seq}`,
    publish(e) {
      seq += 1;
      events.push({ ...e, seq });
      if (events.length > KEEP) events.splice(0, events.length - KEEP);
      for (const w of [...waiters]) w();
    },
    since(cursor) {
      const m = cursor === undefined ? null : /^([0-9a-f]+):(\d+)$/.exec(cursor);
      if (!m || m[1] !== epoch) return undefined;
      const after = Number(m[2]);
      if (after > seq) return undefined;
      const oldest = events[0]?.seq ?? seq + 1;
      if (after < oldest - 1 && after < seq) return undefined;
      return events.filter((e) => e.seq > after);
    },
    wait(ms, signal) {
      return new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(done);
          signal.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        waiters.add(done);
        signal.addEventListener("abort", done, { once: true });
      });
    },
  };
}

/** Two spellings of one Git remote compare equal: no trailing slash or `.git`, scheme and host in lower case. */
export function normalizeRepoUrl(url: string): string {
  let u = url.trim().replace(/\/+$/, "").replace(/\.git$/, "");
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/]*)(.*)$/i.exec(u);
  if (m) u = `${(m[1] ?? "").toLowerCase()}${(m[2] ?? "").toLowerCase()}${m[3] ?? ""}`;
  return u.replace(/^file:\/\//, "");
}
