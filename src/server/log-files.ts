import { createReadStream, existsSync, mkdirSync, openSync, closeSync, readSync, fstatSync, writeSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

export type LogRecord = { seq: number; time: string; [k: string]: unknown };

/**
 * Job logs as append-only NDJSON files, one per job. Records carry a sequence number given by
 * the runner; a record at or below the last stored one is a resend and is dropped, so retries
 * after a reconnect neither lose nor duplicate lines.
 */
export function createLogFiles(dir: string): {
  append(jobId: number, records: readonly LogRecord[]): LogRecord[];
  lastSeq(jobId: number): number;
  read(jobId: number, afterSeq?: number): AsyncIterable<LogRecord>;
  path(jobId: number): string;
} {
  mkdirSync(dir, { recursive: true });
  const last = new Map<number, number>();
  const path = (jobId: number): string => join(dir, `job-${jobId}.ndjson`);

  function scanLastSeq(jobId: number): number {
    const file = path(jobId);
    if (!existsSync(file)) return 0;
    const fd = openSync(file, "r");
    try {
      const size = fstatSync(fd).size;
      const len = Math.min(size, 1 << 16);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      const lines = buf.toString("utf8").split("\n").filter(Boolean);
      for (let i = lines.length - 1; i >= 0; i--) {
        try {
          return (JSON.parse(lines[i] ?? "") as LogRecord).seq;
        } catch {
          // a torn last line from a crash: look further back
        }
      }
      return 0;
    } finally {
      closeSync(fd);
    }
  }

  const lastSeq = (jobId: number): number => {
    let n = last.get(jobId);
    if (n === undefined) {
      n = scanLastSeq(jobId);
      last.set(jobId, n);
    }
    return n;
  };

  return {
    path,
    lastSeq,
    append(jobId, records) {
      let seq = lastSeq(jobId);
      const fresh = records.filter((r) => r.seq > seq).sort((a, b) => a.seq - b.seq);
      if (fresh.length === 0) return [];
      const fd = openSync(path(jobId), "a");
      try {
        writeSync(fd, fresh.map((r) => `${JSON.stringify(r)}\n`).join(""));
      } finally {
        closeSync(fd);
      }
      seq = fresh[fresh.length - 1]?.seq ?? seq;
      last.set(jobId, seq);
      return fresh;
    },
    async *read(jobId, afterSeq = 0) {
      const file = path(jobId);
      if (!existsSync(file)) return;
      const rl = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
      for await (const line of rl) {
        if (!line) continue;
        let rec: LogRecord;
        try {
          rec = JSON.parse(line) as LogRecord;
        } catch {
          continue;
        }
        if (rec.seq > afterSeq) yield rec;
      }
    },
  };
}
