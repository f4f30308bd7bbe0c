/** One server-sent event: its `event:` name (default "message"), `id:` and joined `data:` lines. */
export type SseMessage = { event: string; id: string | undefined; data: string };

/**
 * An incremental text/event-stream parser: feed it chunks as they arrive; it returns the complete
 * messages so far and keeps the unfinished tail. Comment lines (heartbeats) are skipped.
 */
export function createSseParser(): { push(chunk: string): SseMessage[] } {
  let buffer = "";
  let event = "";
  let id: string | undefined;
  let data: string[] = [];
  return {
    push(chunk) {
      buffer += chunk;
      const out: SseMessage[] = [];
      let nl: number;
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        // A lone "\r" at the end may be the first half of "\r\n": wait for the next chunk.
        if (buffer[nl] === "\r" && nl === buffer.length - 1) break;
        const line = buffer.slice(0, nl);
        const sepLength = buffer.startsWith("\r\n", nl) ? 2 : 1;
        buffer = buffer.slice(nl + sepLength);
        if (line === "") {
          if (data.length > 0) out.push({ event: event || "message", id, data: data.join("\n") });
          event = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "data") data.push(value);
        else if (field === "event") event = value;
        else if (field === "id") id = value;
      }
      return out;
    },
  };
}

/**
 * Reads an SSE response over fetch (EventSource cannot send an Authorization header) until it ends
 * or `signal` aborts; calls `onMessage` for each message.
 */
export async function readSse(url: string, init: { headers: Record<string, string>; signal: AbortSignal }, onOpen: (res: Response) => void, onMessage: (m: SseMessage) => void): Promise<void> {
  const res = await fetch(url, { headers: { accept: "text/event-stream", ...init.headers }, signal: init.signal, cache: "no-store" });
  onOpen(res);
  if (!res.ok || !res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = createSseParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      for (const m of parser.push(value)) onMessage(m);
    }
  } finally {
    reader.releaseLock();
  }
}
