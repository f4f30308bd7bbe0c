import { createHash, randomBytes, randomUUID } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { Store } from "./open-store.js";

export const tokenRoles = ["admin", "approver", "operator", "viewer", "runner", "agent"] as const;
export const tokenRoleSchema = z.enum(tokenRoles);
export type TokenRole = z.infer<typeof tokenRoleSchema>;

export const newTokenSchema = z.strictObject({
  name: z.string().trim().min(1, { error: "must not be empty" }).max(200),
  role: tokenRoleSchema,
});
export type NewToken = z.infer<typeof newTokenSchema>;

export type TokenIdentity = { id: string; name: string; role: TokenRole };
export type TokenInfo = TokenIdentity & { createdAt: string };

/** Every token starts with this, so it is recognisable in a leaked file or log (and by secret scanners). */
export const TOKEN_PREFIX = "ferry_";

const hashOf = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex");

/** Creates a token and returns its plaintext, which is shown this once: only its sha256 is stored. */
export function createToken(store: Store, input: NewToken): TokenIdentity & { token: string } {
  const { name, role } = newTokenSchema.parse(input);
  const id = randomUUID();
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  store.sqlite.prepare("INSERT INTO tokens (id, name, role, hash, created_at) VALUES (?, ?, ?, ?, ?)").run(id, name, role, hashOf(token), new Date().toISOString());
  return { id, name, role, token };
}

/**
 * Who a presented token belongs to, or undefined. The token is hashed and looked up by hash, so no
 * comparison ever runs over the secret itself.
 */
export function verifyToken(store: Store, token: string): TokenIdentity | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const row = store.sqlite.prepare("SELECT id, name, role FROM tokens WHERE hash = ?").get(hashOf(token)) as { id: string; name: string; role: string } | undefined;
  if (row === undefined) return undefined;
  const role = tokenRoleSchema.safeParse(row.role);
  return role.success ? { id: row.id, name: row.name, role: role.data } : undefined;
}

/** All tokens, oldest first; never their hashes. */
export function listTokens(store: Store): TokenInfo[] {
  const rows = store.sqlite.prepare("SELECT id, name, role, created_at AS createdAt FROM tokens ORDER BY created_at, id").all() as Array<Omit<TokenInfo, "role"> & { role: string }>;
  return rows.flatMap((r) => {
    const role = tokenRoleSchema.safeParse(r.role);
    return role.success ? [{ ...r, role: role.data }] : [];
  });
}

/** Revokes a token at once; false when no token has this id. */
export function revokeToken(store: Store, id: string): boolean {
  return store.sqlite.prepare("DELETE FROM tokens WHERE id = ?").run(id).changes > 0;
}

/** Whether a token of `role` may do what needs `needed`: admin ⊇ approver ⊇ operator ⊇ viewer; runner and agent only themselves. */
export function roleAllows(role: TokenRole, needed: TokenRole): boolean {
  if (role === "runner" || needed === "runner" || role === "agent" || needed === "agent") return role === needed;
  const rank = { viewer: 1, operator: 2, approver: 3, admin: 4 } as const;
  return rank[role] >= rank[needed];
}

export const ADMIN_TOKEN_FILE = "admin.token";
export const RUNNER_TOKEN_FILE = "runner.token";
export const AGENT_TOKEN_FILE = "agent.token";

/**
 * The tokens an operator and the first runner start with. A token file that still verifies for its role is
 * kept; otherwise (first start, revoked token, new database) a new token is created and the file is
 * (re)written atomically with mode 0600.
 */
export function ensureBootstrapTokens(store: Store, dataDir: string): { admin: string; runner: string; agent: string } {
  mkdirSync(dataDir, { recursive: true });
  return {
    admin: ensureTokenFile(store, join(dataDir, ADMIN_TOKEN_FILE), "admin"),
    runner: ensureTokenFile(store, join(dataDir, RUNNER_TOKEN_FILE), "runner"),
    agent: ensureTokenFile(store, join(dataDir, AGENT_TOKEN_FILE), "agent"),
  };
}

function ensureTokenFile(store: Store, path: string, role: "admin" | "runner" | "agent"): string {
  const existing = readIfExists(path)?.trim();
  if (existing !== undefined && verifyToken(store, existing)?.role === role) return existing;
  const { token } = createToken(store, { name: `bootstrap-${role}`, role });
  writePrivateFile(path, `${token}\n`);
  return token;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error: unknown) {
    if (typeof error === "object" && error !== null && "code" in error && error.code === "ENOENT") return undefined;
    throw error;
  }
}

/** Writes a temporary sibling with mode 0600, flushes it and renames it over `path`: readers see all or nothing. */
function writePrivateFile(path: string, data: string): void {
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const fd = openSync(temp, "wx", 0o600);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error: unknown) {
    rmSync(temp, { force: true });
    throw error;
  }
}
