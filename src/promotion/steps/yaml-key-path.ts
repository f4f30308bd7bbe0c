import { StepConfigError } from "./step-config-error.js";

export type KeyPath = (string | number)[];

/**
 * Parses a dotted key such as `spec.artifact`, `services[0].tag` or
 * `metadata.annotations["ferry.dev/commit"]` into path segments (numbers index sequences).
 */
export function parseKeyPath(key: string, field = "key"): KeyPath {
  const fail = (why: string): never => {
    throw new StepConfigError(`${field}: invalid key ${JSON.stringify(key)}: ${why}`, { path: field });
  };
  const out: KeyPath = [];
  let i = 0;
  let expectName = true;
  while (i < key.length) {
    const c = key[i];
    if (c === "[") {
      const close = key.indexOf("]", i);
      if (key[i + 1] === '"') {
        const end = key.indexOf('"]', i + 2);
        if (end < 0) fail(`unterminated ["..."] at ${i}`);
        out.push(JSON.parse(key.slice(i + 1, end + 1)) as string);
        i = end + 2;
      } else {
        if (close < 0) fail(`unterminated [ at ${i}`);
        const index = key.slice(i + 1, close);
        if (!/^\d+$/.test(index)) fail(`[${index}] is not an array index`);
        out.push(Number(index));
        i = close + 1;
      }
      expectName = false;
    } else if (c === ".") {
      if (expectName) fail(`empty segment at ${i}`);
      expectName = true;
      i++;
    } else {
      if (!expectName) fail(`expected "." or "[" at ${i}`);
      let end = i;
      while (end < key.length && key[end] !== "." && key[end] !== "[" && key[end] !== "]") end++;
      if (key[end] === "]") fail(`unexpected "]" at ${end}`);
      out.push(key.slice(i, end));
      i = end;
      expectName = false;
    }
  }
  if (out.length === 0 || expectName) fail("empty segment at the end");
  return out;
}
