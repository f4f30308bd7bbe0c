/**
 * Secret masking for log output: every registered value, and the forms a
 * secret commonly leaks in (its lines, base64, JSON-escaped, URI-encoded),
 * is replaced with `***`.
 */

export type Masker = {
  /** Registers a secret (and its derived forms). Empty values are ignored. */
  add(secret: string): void;
  /** Returns `text` with every registered value replaced by `***`. */
  mask(text: string): string;
  /** How many distinct values (secrets and derived forms) are masked. */
  readonly size: number;
};

const MASK = "***";

/**
 * Base64 fragments cut out of a longer encoding are shorter than the full
 * form; below this length they would mask ordinary text too often.
 */
const MIN_BASE64_FRAGMENT = 6;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

/**
 * The part of base64(prefix + secret) that depends only on the secret, for a
 * prefix of `offset` (0, 1 or 2) bytes: a secret embedded in a longer encoded
 * string starts at one of these three alignments. Leading characters that
 * mix prefix bits and trailing characters that would mix following bytes are
 * cut off.
 */
function stableBase64(bytes: Buffer, offset: 0 | 1 | 2): string {
  const total = offset + bytes.length;
  const padded = Buffer.alloc(total);
  bytes.copy(padded, offset);
  const encoded = padded.toString("base64");
  const rest = total % 3;
  // Full 3-byte groups give 4 characters; a trailing partial group gives
  // `rest` characters that hold only its own bits.
  const end = Math.floor(total / 3) * 4 + rest;
  // A 1-byte prefix taints 2 characters, a 2-byte prefix 3.
  const start = offset === 0 ? 0 : offset + 1;
  return encoded.slice(start, end);
}

/** Every form of `secret` to mask, including itself. */
function derivedForms(secret: string): string[] {
  const forms = [secret];
  const lines = secret.split("\n");
  if (lines.length > 1) {
    for (const line of lines) {
      const l = line.endsWith("\r") ? line.slice(0, -1) : line;
      if (l.trim() !== "") forms.push(l);
    }
  }

  const bytes = Buffer.from(secret, "utf8");
  forms.push(bytes.toString("base64"));
  for (const offset of [0, 1, 2] as const) {
    const fragment = stableBase64(bytes, offset);
    if (fragment.length >= MIN_BASE64_FRAGMENT) forms.push(fragment);
  }

  forms.push(JSON.stringify(secret).slice(1, -1));
  forms.push(encodeURIComponent(secret));
  return forms;
}

export function createMasker(initial?: Iterable<string>): Masker {
  const values = new Set<string>();
  let pattern: RegExp | undefined;
  let dirty = false;

  function regex(): RegExp | undefined {
    if (dirty) {
      // Longest first: at any position the first alternative that matches
      // is then the longest one. The lookahead makes every match zero-width,
      // so matches starting inside another one are still found.
      const sorted = [...values].sort((a, b) => b.length - a.length);
      pattern = sorted.length === 0 ? undefined : new RegExp(`(?=(${sorted.map(escapeRegExp).join("|")}))`, "g");
      dirty = false;
    }
    return pattern;
  }

  const masker: Masker = {
    add(secret: string): void {
      if (secret === "") return;
      for (const form of derivedForms(secret)) {
        if (form === "" || values.has(form)) continue;
        values.add(form);
        dirty = true;
      }
    },

    mask(text: string): string {
      const re = regex();
      if (re === undefined || text === "") return text;
      let out = "";
      let copied = 0; // text before this index is already in `out`
      let hideUntil = -1; // end of the secret span being built
      let hideFrom = 0;
      for (const m of text.matchAll(re)) {
        const start = m.index;
        const end = start + (m[1]?.length ?? 0);
        if (start <= hideUntil) {
          // Overlapping or adjacent: one span, one `***`.
          hideUntil = Math.max(hideUntil, end);
          continue;
        }
        if (hideUntil >= 0) {
          out += text.slice(copied, hideFrom) + MASK;
          copied = hideUntil;
        }
        hideFrom = start;
        hideUntil = end;
      }
      if (hideUntil < 0) return text;
      return out + text.slice(copied, hideFrom) + MASK + text.slice(hideUntil);
    },

    get size(): number {
      return values.size;
    },
  };

  if (initial !== undefined) for (const secret of initial) masker.add(secret);
  return masker;
}
