import { useEffect, useState } from "react";
import type { ReactNode } from "react";

/** "12 s ago", "3 min ago", "5 h ago", "2 d ago" (or "in …" for the future). */
export function formatRelative(time: string | number | Date, now = Date.now()): string {
  const t = new Date(time).getTime();
  if (Number.isNaN(t)) return "—";
  const s = Math.round((now - t) / 1000);
  const a = Math.abs(s);
  const text = a < 5 ? "just now" : a < 60 ? `${a} s` : a < 3600 ? `${Math.floor(a / 60)} min` : a < 86_400 ? `${Math.floor(a / 3600)} h` : `${Math.floor(a / 86_400)} d`;
  if (text === "just now") return text;
  return s >= 0 ? `${text} ago` : `in ${text}`;
}

/** "850 ms", "12 s", "3 min 4 s", "1 h 2 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "—";
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Re-renders every `ms` while mounted (for times that age). */
export function useNow(ms = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** A time as "3 min ago", with the exact time on hover. */
export function RelativeTime(props: { time: string | number | null | undefined }): ReactNode {
  const now = useNow();
  if (props.time === null || props.time === undefined) return <span className="muted">—</span>;
  const d = new Date(props.time);
  return <time dateTime={d.toISOString()} title={d.toLocaleString()}>{formatRelative(d, now)}</time>;
}

/** How long something took; while it still runs (no end), how long so far. */
export function Duration(props: { start: string | null | undefined; end?: string | null | undefined; ms?: number | null | undefined }): ReactNode {
  const now = useNow(1000);
  if (props.ms !== undefined && props.ms !== null) return <span>{formatDuration(props.ms)}</span>;
  if (!props.start) return <span className="muted">—</span>;
  const end = props.end ? Date.parse(props.end) : now;
  return <span>{formatDuration(end - Date.parse(props.start))}</span>;
}
