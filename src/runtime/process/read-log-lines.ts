import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { sleep } from "../sleep.js";

export type ReadLogOptions = {
  follow?: boolean;
  tailLines?: number;
  signal?: AbortSignal;
  /** Whether the writer is gone: following ends once this is true and the file is read to its end. */
  isDone: () => boolean;
  pollMs?: number;
};

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

/** Where the last `lines` lines of the file begin (a final newline ends the last line, it does not start one). */
async function tailOffset(handle: FileHandle, size: number, lines: number): Promise<number> {
  if (lines <= 0) return size;
  let end = size;
  let seen = 0;
  let skipFinal = true;
  const buffer = Buffer.alloc(CHUNK);
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const { bytesRead } = await handle.read(buffer, 0, end - start, start);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buffer[i] !== NEWLINE) {
        skipFinal = false;
        continue;
      }
      if (skipFinal) {
        skipFinal = false;
        continue;
      }
      if (++seen === lines) return start + i + 1;
    }
    end = start;
  }
  return 0;
}

/** The lines of a log file that a detached process appends to; with `follow`, until its writer is done. */
export async function* readLogLines(file: string, o: ReadLogOptions): AsyncGenerator<string> {
  let handle: FileHandle;
  try {
    handle = await open(file, "r");
  } catch (error: unknown) {
    if ((error as { code?: unknown }).code === "ENOENT") return;
    throw error;
  }
  try {
    let position = o.tailLines === undefined ? 0 : await tailOffset(handle, (await handle.stat()).size, o.tailLines);
    const decoder = new TextDecoder();
    const buffer = Buffer.alloc(CHUNK);
    let rest = "";
    for (;;) {
      // Read before looking at the file's end: what the writer wrote before it was done is all there.
      const done = o.isDone();
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const lines = (rest + decoder.decode(buffer.subarray(0, bytesRead), { stream: true })).split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) yield line;
        if (o.signal?.aborted) return;
      }
      if (!o.follow || done || o.signal?.aborted) break;
      await sleep(o.pollMs ?? 100, o.signal);
      if (o.signal?.aborted) return;
    }
    rest += decoder.decode();
    if (rest !== "") yield rest;
  } finally {
    await handle.close();
  }
}
