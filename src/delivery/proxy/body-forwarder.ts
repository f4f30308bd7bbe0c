import type { ClientRequest, IncomingMessage } from "node:http";

export type BodyForwarder = {
  /** Whether any body byte was read from the client yet. */
  readonly consumed: boolean;
  /** Whether everything read so far is still kept, so the body can be sent again from the start. */
  readonly replayable: boolean;
  /** Sends the body (what was kept, then the rest as it arrives) to `target`, ending it with the body. */
  attach(target: ClientRequest): void;
  /** Stops sending to the current target and pauses reading from the client. */
  detach(): void;
};

/**
 * Streams a client's request body to one backend request at a time, with backpressure, keeping the
 * first `replayLimitBytes` so a failed attempt can be replayed to another backend.
 */
export function createBodyForwarder(req: IncomingMessage, replayLimitBytes: number): BodyForwarder {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let overflowed = false;
  let consumed = false;
  let ended = false;
  let listening = false;
  let target: ClientRequest | undefined;

  const onData = (chunk: Buffer): void => {
    consumed = true;
    if (!overflowed) {
      keptBytes += chunk.length;
      if (keptBytes > replayLimitBytes) {
        overflowed = true;
        kept.length = 0;
      } else {
        kept.push(chunk);
      }
    }
    const current = target;
    if (current === undefined) return;
    if (!current.write(chunk)) {
      req.pause();
      current.once("drain", () => {
        if (target === current) req.resume();
      });
    }
  };
  const onEnd = (): void => {
    ended = true;
    target?.end();
  };

  return {
    get consumed() {
      return consumed;
    },
    get replayable() {
      return !consumed || !overflowed;
    },
    attach(next) {
      target = next;
      for (const chunk of kept) next.write(chunk);
      if (ended) {
        next.end();
        return;
      }
      if (!listening) {
        listening = true;
        req.on("data", onData);
        req.once("end", onEnd);
      }
      req.resume();
    },
    detach() {
      target = undefined;
      if (!ended) req.pause();
    },
  };
}
