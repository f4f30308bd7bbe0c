import { useEffect, useState } from "react";
import { apiUrl, authHeaders, readSse } from "../../api/index.js";
import type { LogRecord } from "./log-model.js";

export type JobLogState = { records: LogRecord[]; done: boolean; error: string | undefined };

/**
 * The records of a job's log, live: replays what is stored, then follows new lines over SSE until
 * the job ends (`event: end`); a dropped connection resumes after the last record seen. Batches
 * updates per animation frame, so a chatty step does not re-render per line.
 */
export function useJobLog(jobId: number | null): JobLogState {
  const [state, setState] = useState<JobLogState>({ records: [], done: false, error: undefined });
  useEffect(() => {
    setState({ records: [], done: false, error: undefined });
    if (jobId === null) return;
    const abort = new AbortController();
    let after = 0;
    let pending: LogRecord[] = [];
    let frame: number | undefined;
    const flush = (): void => {
      frame = undefined;
      const batch = pending;
      pending = [];
      if (batch.length) setState((s) => ({ ...s, records: [...s.records, ...batch] }));
    };
    void (async () => {
      let delay = 500;
      let done = false;
      while (!abort.signal.aborted && !done) {
        try {
          await readSse(apiUrl(`/api/v1/jobs/${jobId}/logs?follow=1&after=${after}`), { headers: authHeaders(), signal: abort.signal }, (res) => {
            if (!res.ok) {
              done = true;
              setState((s) => ({ ...s, error: `cannot read the log (HTTP ${res.status})` }));
            }
          }, (m) => {
            if (m.event === "end") {
              done = true;
              return;
            }
            try {
              const r = JSON.parse(m.data) as LogRecord;
              if (r.seq <= after) return;
              after = r.seq;
              pending.push(r);
              frame ??= requestAnimationFrame(flush);
            } catch {
              // not a record
            }
          });
        } catch {
          // dropped: resume below
        }
        if (abort.signal.aborted) return;
        if (!done) {
          await new Promise((r) => setTimeout(r, delay));
          delay = Math.min(delay * 2, 10_000);
        }
      }
      if (frame !== undefined) cancelAnimationFrame(frame);
      flush();
      setState((s) => ({ ...s, done: true }));
    })();
    return () => {
      abort.abort();
      if (frame !== undefined) cancelAnimationFrame(frame);
    };
  }, [jobId]);
  return state;
}
