import { createContext, createElement, useContext, useEffect, useRef, useState } from "react";
import type { ReactNode } from "react";
import { readSse } from "./sse.js";
import { getToken } from "./token.js";

/**
 * What the server's live stream says happened: an event-log entry (`action` like `promotion.approve`,
 * `subject` like `Stage/prod`), a run or job status change (`run.updated`, `job.updated`), a new
 * commit (`commit`), or `reconnected` after the stream was lost (something may have been missed).
 */
export type LiveEvent = {
  action: string;
  subject?: string;
  id?: number;
  time?: string;
  actor?: string;
  kind?: string;
  name?: string;
  runId?: number;
  jobId?: number;
  status?: string;
  conclusion?: string | null;
  data?: Record<string, unknown>;
  [k: string]: unknown;
};

type Listener = (e: LiveEvent) => void;
export type LiveHub = { subscribe(l: Listener): () => void; close(): void };

/**
 * One SSE connection to `/api/v1/events/stream` shared by every subscriber on the page; it
 * reconnects with backoff and tells subscribers `reconnected` once it is back.
 */
export function createLiveHub(opts: { url?: string; token: () => string | null }): LiveHub {
  const listeners = new Set<Listener>();
  const abort = new AbortController();
  const emit = (e: LiveEvent): void => {
    for (const l of [...listeners]) {
      try {
        l(e);
      } catch (error: unknown) {
        console.error(error);
      }
    }
  };
  void (async () => {
    let delay = 1000;
    let lost = false;
    while (!abort.signal.aborted) {
      const token = opts.token();
      try {
        await readSse(opts.url ?? "/api/v1/events/stream", { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: abort.signal }, (res) => {
          if (!res.ok) return;
          delay = 1000;
          if (lost) emit({ action: "reconnected" });
          lost = false;
        }, (m) => {
          if (m.event !== "message") return;
          try {
            emit(JSON.parse(m.data) as LiveEvent);
          } catch {
            // not JSON: not for us
          }
        });
      } catch {
        // network error or abort: retry below unless closed
      }
      lost = true;
      if (abort.signal.aborted) return;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 15_000);
    }
  })();
  return {
    subscribe(l) {
      listeners.add(l);
      return () => { listeners.delete(l); };
    },
    close() { abort.abort(); },
  };
}

const LiveContext = createContext<LiveHub | null>(null);

/** Opens the page's one live connection for everything below it (while signed in). */
export function LiveProvider(props: { children: ReactNode }): ReactNode {
  const [hub, setHub] = useState<LiveHub | null>(null);
  useEffect(() => {
    const h = createLiveHub({ token: getToken });
    setHub(h);
    return () => h.close();
  }, []);
  return createElement(LiveContext.Provider, { value: hub }, props.children);
}

/** Calls `onEvent` for every live event while the component is mounted. */
export function useLiveEvents(onEvent: (e: LiveEvent) => void): void {
  const hub = useContext(LiveContext);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => hub?.subscribe((e) => handler.current(e)), [hub]);
}
