import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./open-store.js";
import {
  ADMIN_TOKEN_FILE,
  AGENT_TOKEN_FILE, createToken, ensureBootstrapTokens, listTokens, revokeToken, roleAllows, RUNNER_TOKEN_FILE, verifyToken, type TokenRole,
} from "./token-store.js";

describe("token store", () => {
  let dataDir: string;
  let store: Store;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "ferry-token-store-"));
    store = openStore(dataDir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates a ferry_ token whose plaintext is returned once and stored only as its sha256", () => {
    const created = createToken(store, { name: "ci bot", role: "operator" });

    expect(created.token).toMatch(/^ferry_[A-Za-z0-9_-]{43}$/);
    const rows = store.sqlite.prepare("SELECT * FROM tokens").all() as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(created.token);
    expect(JSON.stringify(rows)).not.toContain(created.token.slice(6));
  });

  it("verifies a token to its identity", () => {
    const { id, token } = createToken(store, { name: "viewer", role: "viewer" });
    expect(verifyToken(store, token)).toEqual({ id, name: "viewer", role: "viewer" });
  });

  it.each([
    ["an unknown token", "ferry_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["an empty string", ""],
    ["a token without the prefix", "AAAA"],
  ])("does not verify %s", (_what, token) => {
    createToken(store, { name: "x", role: "admin" });
    expect(verifyToken(store, token)).toBeUndefined();
  });

  it("does not verify a token with one character changed", () => {
    const { token } = createToken(store, { name: "x", role: "admin" });
    const last = token.endsWith("A") ? "B" : "A";
    expect(verifyToken(store, `${token.slice(0, -1)}${last}`)).toBeUndefined();
  });

  it("lists tokens without hashes and revokes them", () => {
    const a = createToken(store, { name: "a", role: "admin" });
    const b = createToken(store, { name: "b", role: "runner" });

    const listed = listTokens(store);
    expect(listed.map(({ id, name, role }) => ({ id, name, role })).sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { id: a.id, name: "a", role: "admin" },
      { id: b.id, name: "b", role: "runner" },
    ]);
    for (const t of listed) expect(Object.keys(t).sort()).toEqual(["createdAt", "id", "name", "role"]);

    expect(revokeToken(store, a.id)).toBe(true);
    expect(revokeToken(store, a.id)).toBe(false);
    expect(verifyToken(store, a.token)).toBeUndefined();
    expect(verifyToken(store, b.token)?.id).toBe(b.id);
  });

  it("refuses an unknown role and an empty name", () => {
    expect(() => createToken(store, { name: "x", role: "root" as TokenRole })).toThrow();
    expect(() => createToken(store, { name: "  ", role: "admin" })).toThrow();
    expect(listTokens(store)).toEqual([]);
  });

  describe("ensureBootstrapTokens", () => {
    it("creates an admin and a runner token on first start, in private files", () => {
      const tokens = ensureBootstrapTokens(store, dataDir);

      expect(verifyToken(store, tokens.admin)?.role).toBe("admin");
      expect(verifyToken(store, tokens.runner)?.role).toBe("runner");
      expect(verifyToken(store, tokens.agent)?.role).toBe("agent");
      for (const [file, token] of [[ADMIN_TOKEN_FILE, tokens.admin], [RUNNER_TOKEN_FILE, tokens.runner], [AGENT_TOKEN_FILE, tokens.agent]] as const) {
        expect(readFileSync(join(dataDir, file), "utf8").trim()).toBe(token);
        expect(statSync(join(dataDir, file)).mode & 0o777).toBe(0o600);
      }
      expect(readdirSync(dataDir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    });

    it("keeps the tokens on the next start", () => {
      const first = ensureBootstrapTokens(store, dataDir);
      const second = ensureBootstrapTokens(store, dataDir);
      expect(second).toEqual(first);
      expect(listTokens(store).map((t) => t.role).sort()).toEqual(["admin", "agent", "runner"]);
    });

    it("replaces a token file that no longer verifies", () => {
      const first = ensureBootstrapTokens(store, dataDir);
      const adminId = verifyToken(store, first.admin)?.id ?? "";
      revokeToken(store, adminId);

      const second = ensureBootstrapTokens(store, dataDir);

      expect(second.admin).not.toBe(first.admin);
      expect(second.runner).toBe(first.runner);
      expect(verifyToken(store, second.admin)?.role).toBe("admin");
      expect(readFileSync(join(dataDir, ADMIN_TOKEN_FILE), "utf8").trim()).toBe(second.admin);
    });

    it("does not accept a runner token in admin.token", () => {
      const { runner } = ensureBootstrapTokens(store, dataDir);
      writeFileSync(join(dataDir, ADMIN_TOKEN_FILE), runner);
      const { admin } = ensureBootstrapTokens(store, dataDir);
      expect(admin).not.toBe(runner);
      expect(verifyToken(store, admin)?.role).toBe("admin");
    });
  });
});

describe("roleAllows", () => {
  it.each([
    ["admin", "admin", true],
    ["admin", "operator", true],
    ["admin", "viewer", true],
    ["admin", "runner", false],
    ["operator", "admin", false],
    ["operator", "operator", true],
    ["operator", "viewer", true],
    ["operator", "runner", false],
    ["viewer", "admin", false],
    ["viewer", "operator", false],
    ["viewer", "viewer", true],
    ["viewer", "runner", false],
    ["runner", "admin", false],
    ["runner", "operator", false],
    ["runner", "viewer", false],
    ["runner", "runner", true],
  ] as const)("%s may do what needs %s: %s", (role, needed, allowed) => {
    expect(roleAllows(role, needed)).toBe(allowed);
  });
});
