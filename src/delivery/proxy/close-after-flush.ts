import type { Duplex } from "node:stream";

/**
 * Closes a piped socket whose peer is gone: ends it so what is already written still reaches the
 * other side, then destroys it (nothing it could still receive has anywhere to go).
 */
export function closeAfterFlush(socket: Duplex): void {
  if (socket.destroyed) return;
  if (socket.writableFinished) {
    socket.destroy();
    return;
  }
  socket.once("finish", () => socket.destroy());
  socket.end();
}
