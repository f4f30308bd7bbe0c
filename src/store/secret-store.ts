import type { Store } from "./open-store.js";
import { SecretDecryptError, type SecretBox } from "./secret-box.js";

/** A secret or variable was refused before anything was stored. Maps to HTTP 400. */
export class SecretInputError extends Error {
  readonly code = "input";
  constructor(readonly field: "name" | "value", message: string) {
    super(message);
    this.name = "SecretInputError";
  }
}

export type SecretName = { name: string; updatedAt: string };
export type Variable = { name: string; value: string; updatedAt: string };

/** GitHub's limit for one secret or variable value. */
export const MAX_VALUE_BYTES = 48 * 1024;

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The stored form of a secret or variable name, or a SecretInputError. GitHub's rules: letters, digits and
 * `_`, not starting with a digit nor with `GITHUB_`; names are case-insensitive, so they are kept upper-case.
 */
export function canonicalName(kind: "secret" | "variable", name: string): string {
  if (!NAME_PATTERN.test(name)) {
    throw new SecretInputError("name", `${kind} name ${JSON.stringify(name)} is invalid: use letters, digits and '_', not starting with a digit`);
  }
  const upper = name.toUpperCase();
  if (upper.startsWith("GITHUB_")) throw new SecretInputError("name", `${kind} name ${JSON.stringify(name)} is invalid: names starting with GITHUB_ are reserved`);
  return upper;
}

function checkValue(kind: "secret" | "variable", value: string): void {
  if (Buffer.byteLength(value, "utf8") > MAX_VALUE_BYTES) throw new SecretInputError("value", `${kind} value is larger than ${MAX_VALUE_BYTES / 1024} KiB`);
}

const now = (): string => new Date().toISOString();

/** Creates or replaces a repository secret; the value is sealed before it is stored. */
export function setSecret(store: Store, box: SecretBox, repo: string, name: string, value: string): void {
  const key = canonicalName("secret", name);
  checkValue("secret", value);
  store.sqlite
    .prepare("INSERT INTO secrets (repo, name, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (repo, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
    .run(repo, key, box.seal(value), now());
}

/** Removes a secret; false when there was none by that name. */
export function deleteSecret(store: Store, repo: string, name: string): boolean {
  return store.sqlite.prepare("DELETE FROM secrets WHERE repo = ? AND name = ?").run(repo, name.toUpperCase()).changes > 0;
}

/** The repository's secret names, sorted; never their values. */
export function listSecretNames(store: Store, repo: string): SecretName[] {
  return store.sqlite
    .prepare("SELECT name, updated_at AS updatedAt FROM secrets WHERE repo = ? ORDER BY name")
    .all(repo) as SecretName[];
}

/**
 * Decrypted values of the named secrets (any case), or of all with "*", keyed by stored (upper-case) name.
 * Names with no secret are left out. Throws SecretDecryptError naming the secret that cannot be opened.
 */
export function secretValues(store: Store, box: SecretBox, repo: string, names: readonly string[] | "*"): Record<string, string> {
  const wanted = names === "*" ? undefined : new Set(names.map((n) => n.toUpperCase()));
  const rows = store.sqlite.prepare("SELECT name, value FROM secrets WHERE repo = ? ORDER BY name").all(repo) as Array<{ name: string; value: string }>;
  const entries: Array<[string, string]> = [];
  for (const row of rows) {
    if (wanted !== undefined && !wanted.has(row.name)) continue;
    try {
      entries.push([row.name, box.open(row.value)]);
    } catch (error: unknown) {
      throw new SecretDecryptError(`secret ${row.name} of repository ${repo} could not be decrypted: it was altered or sealed with a different key (check FERRY_SECRET_KEY or secret.key)`, { cause: error });
    }
  }
  // fromEntries defines own properties, so a name such as __proto__ stays an ordinary key.
  return Object.fromEntries(entries);
}

/** Creates or replaces a repository variable (stored in plain text: variables are not secret). */
export function setVariable(store: Store, repo: string, name: string, value: string): void {
  const key = canonicalName("variable", name);
  checkValue("variable", value);
  store.sqlite
    .prepare("INSERT INTO variables (repo, name, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (repo, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
    .run(repo, key, value, now());
}

/** Removes a variable; false when there was none by that name. */
export function deleteVariable(store: Store, repo: string, name: string): boolean {
  return store.sqlite.prepare("DELETE FROM variables WHERE repo = ? AND name = ?").run(repo, name.toUpperCase()).changes > 0;
}

/** The repository's variables with their values, sorted by name. */
export function listVariables(store: Store, repo: string): Variable[] {
  return store.sqlite
    .prepare("SELECT name, value, updated_at AS updatedAt FROM variables WHERE repo = ? ORDER BY name")
    .all(repo) as Variable[];
}
