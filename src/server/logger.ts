import pino from "pino";
import type { Logger } from "pino";

export type { Logger };

/** JSON logs for operators (pino), to stderr. */
export function createLogger(level: string): Logger {
  return pino({ level }, pino.destination(2));
}
