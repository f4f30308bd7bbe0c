/** A duration: one or more `<number><unit>` parts, units `ms`, `s`, `m`, `h` (e.g. `30s`, `1h30m`, `1.5h`). */
export const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** Thrown by {@link parseDuration} for text that is not a duration; an input error. */
export class InvalidDurationError extends Error {
  readonly code = "invalid-duration";
  readonly input: string;

  constructor(input: string) {
    super(`invalid duration ${JSON.stringify(input)}: expected <number><unit> parts with units ms, s, m, h, e.g. "30s", "5m", "1h30m"`);
    this.name = "InvalidDurationError";
    this.input = input;
  }
}

/** Parses a duration string such as `30s`, `5m`, `1h30m` or `250ms` into whole milliseconds. */
export function parseDuration(text: string): number {
  if (!DURATION_PATTERN.test(text)) throw new InvalidDurationError(text);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  const ms = Math.round(total);
  if (!Number.isSafeInteger(ms)) throw new InvalidDurationError(text);
  return ms;
}
