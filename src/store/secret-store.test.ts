import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./open-store.js";
import { createSecretBox, SecretDecryptError, type SecretBox } from "./secret-box.js";
import {
  deleteSecret, deleteVariable, listSecretNames, listVariables, MAX_VALUE_BYTES, SecretInputError, secretValues, setSecret, setVariable,
} from "./secret-store.js";

describe("secret store", () => {
  let dataDir: string;
  let store: Store;
  let box: SecretBox;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "ferry-secret-store-"));
    store = openStore(dataDir);
    box = createSecretBox({ dataDir });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("stores secret values sealed, never in plain text", () => {
    setSecret(store, box, "shop", "DEPLOY_KEY", "super-secret-value");
    const row = store.sqlite.prepare("SELECT value FROM secrets WHERE repo = 'shop' AND name = 'DEPLOY_KEY'").get() as { value: string };
    expect(row.value).toMatch(/^v1:/);
    expect(row.value).not.toContain("super-secret-value");
    expect(box.open(row.value)).toBe("super-secret-value");
  });

  it("lists names and update times only, per repository, sorted", () => {
    setSecret(store, box, "shop", "b_token", "1");
    setSecret(store, box, "shop", "A_TOKEN", "2");
    setSecret(store, box, "other", "C", "3");

    const listed = listSecretNames(store, "shop");

    expect(listed.map((s) => s.name)).toEqual(["A_TOKEN", "B_TOKEN"]);
    for (const s of listed) expect(Object.keys(s).sort()).toEqual(["name", "updatedAt"]);
    expect(JSON.stringify(listed)).not.toMatch(/v1:/);
  });

  it("treats names case-insensitively, like GitHub: setting again replaces", () => {
    setSecret(store, box, "shop", "token", "old");
    setSecret(store, box, "shop", "TOKEN", "new");
    expect(listSecretNames(store, "shop").map((s) => s.name)).toEqual(["TOKEN"]);
    expect(secretValues(store, box, "shop", ["Token"])).toEqual({ TOKEN: "new" });
  });

  it("returns the named secrets decrypted, leaving out unknown names and other repositories", () => {
    setSecret(store, box, "shop", "ONE", "1");
    setSecret(store, box, "shop", "TWO", "2");
    setSecret(store, box, "other", "ONE", "other-1");

    expect(secretValues(store, box, "shop", ["ONE", "MISSING", "GITHUB_TOKEN"])).toEqual({ ONE: "1" });
    expect(secretValues(store, box, "shop", "*")).toEqual({ ONE: "1", TWO: "2" });
    expect(secretValues(store, box, "shop", [])).toEqual({});
    expect(secretValues(store, box, "nowhere", "*")).toEqual({});
  });

  it("keeps a secret named __proto__ as an ordinary key", () => {
    setSecret(store, box, "shop", "__proto__", "p");
    const values = secretValues(store, box, "shop", "*");
    expect(Object.keys(values)).toEqual(["__PROTO__"]);
    setSecret(store, box, "shop", "__PROTO__", "q");
    expect(Object.getPrototypeOf(secretValues(store, box, "shop", ["__proto__"]))).toBe(Object.prototype);
  });

  it("deletes a secret by name, in any case", () => {
    setSecret(store, box, "shop", "GONE", "x");
    expect(deleteSecret(store, "shop", "gone")).toBe(true);
    expect(deleteSecret(store, "shop", "GONE")).toBe(false);
    expect(listSecretNames(store, "shop")).toEqual([]);
  });

  it("names the secret that a different key cannot open", () => {
    setSecret(store, box, "shop", "OLD_KEY_SECRET", "x");
    const otherBox = createSecretBox({ dataDir, envKey: randomBytes(32).toString("base64") });
    expect(() => secretValues(store, otherBox, "shop", "*")).toThrow(SecretDecryptError);
    expect(() => secretValues(store, otherBox, "shop", "*")).toThrow("OLD_KEY_SECRET");
  });

  it.each([
    ["1ABC", "starting with a digit"],
    ["WITH-DASH", "with a dash"],
    ["with space", "with a space"],
    ["", "empty"],
    ["GITHUB_TOKEN", "with the GITHUB_ prefix"],
    ["github_anything", "with the GITHUB_ prefix in lower case"],
    ["ÄPFEL", "with a non-ASCII letter"],
  ])("refuses the secret name %j (%s) with an input error", (name) => {
    const error = ((): unknown => {
      try {
        setSecret(store, box, "shop", name, "v");
        return undefined;
      } catch (e: unknown) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SecretInputError);
    expect(error).toMatchObject({ code: "input", field: "name" });
    expect(listSecretNames(store, "shop")).toEqual([]);
  });

  it.each(["_", "_LEADING", "a1", "GITHUBX", "MY_GITHUB_TOKEN"])("accepts the secret name %j", (name) => {
    setSecret(store, box, "shop", name, "v");
    expect(secretValues(store, box, "shop", [name])).toEqual({ [name.toUpperCase()]: "v" });
  });

  it("refuses values larger than 48 KiB", () => {
    setSecret(store, box, "shop", "FITS", "x".repeat(MAX_VALUE_BYTES));
    expect(() => setSecret(store, box, "shop", "TOO_BIG", "x".repeat(MAX_VALUE_BYTES + 1))).toThrow(SecretInputError);
  });
});

describe("variable store", () => {
  let dataDir: string;
  let store: Store;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "ferry-variable-store-"));
    store = openStore(dataDir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("sets, replaces, lists and deletes variables per repository", () => {
    setVariable(store, "shop", "region", "eu");
    setVariable(store, "shop", "REGION", "us");
    setVariable(store, "shop", "ALPHA", "a");
    setVariable(store, "other", "REGION", "ap");

    expect(listVariables(store, "shop").map(({ name, value }) => ({ name, value }))).toEqual([
      { name: "ALPHA", value: "a" },
      { name: "REGION", value: "us" },
    ]);
    expect(listVariables(store, "shop")[0]?.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    expect(deleteVariable(store, "shop", "Region")).toBe(true);
    expect(deleteVariable(store, "shop", "REGION")).toBe(false);
    expect(listVariables(store, "shop").map((v) => v.name)).toEqual(["ALPHA"]);
    expect(listVariables(store, "other").map((v) => v.value)).toEqual(["ap"]);
  });

  it("validates variable names like secret names", () => {
    expect(() => setVariable(store, "shop", "GITHUB_SHA", "x")).toThrow(SecretInputError);
    expect(() => setVariable(store, "shop", "9LIVES", "x")).toThrow(SecretInputError);
    expect(listVariables(store, "shop")).toEqual([]);
  });
});
