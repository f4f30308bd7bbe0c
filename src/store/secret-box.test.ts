import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSecretBox, SECRET_KEY_FILE, SecretDecryptError, SecretKeyError } from "./secret-box.js";

describe("createSecretBox", () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "ferry-secret-box-"));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("seals to v1:<iv>:<tag>:<ciphertext> and opens it again", () => {
    const box = createSecretBox({ dataDir });
    const sealed = box.seal("hunter2 ✓");
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/);
    expect(sealed).not.toContain("hunter2");
    expect(box.open(sealed)).toBe("hunter2 ✓");
  });

  it("uses a fresh IV for every seal", () => {
    const box = createSecretBox({ dataDir });
    expect(box.seal("same")).not.toBe(box.seal("same"));
  });

  it("seals an empty string", () => {
    const box = createSecretBox({ dataDir });
    expect(box.open(box.seal(""))).toBe("");
  });

  it("creates secret.key once, private, and reuses it", () => {
    const sealed = createSecretBox({ dataDir }).seal("kept");
    const keyFile = join(dataDir, SECRET_KEY_FILE);
    const key = readFileSync(keyFile, "utf8");
    expect(Buffer.from(key.trim(), "base64")).toHaveLength(32);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readdirSync(dataDir)).toEqual([SECRET_KEY_FILE]);

    const again = createSecretBox({ dataDir });
    expect(readFileSync(keyFile, "utf8")).toBe(key);
    expect(again.open(sealed)).toBe("kept");
  });

  it("creates the data directory when it is missing", () => {
    const nested = join(dataDir, "a", "b");
    createSecretBox({ dataDir: nested });
    expect(statSync(join(nested, SECRET_KEY_FILE)).isFile()).toBe(true);
  });

  it("takes the key from FERRY_SECRET_KEY and then writes no key file", () => {
    const envKey = randomBytes(32).toString("base64");
    const sealed = createSecretBox({ dataDir, envKey }).seal("from env");
    expect(readdirSync(dataDir)).toEqual([]);
    expect(createSecretBox({ dataDir, envKey: `${envKey}\n` }).open(sealed)).toBe("from env");
  });

  it.each([
    { what: "16 bytes", envKey: randomBytes(16).toString("base64"), says: "16 bytes" },
    { what: "64 bytes", envKey: randomBytes(64).toString("base64"), says: "64 bytes" },
    { what: "empty", envKey: "", says: "empty" },
    { what: "not base64", envKey: "not*base64!", says: "not base64" },
  ])("refuses a FERRY_SECRET_KEY of $what", ({ envKey, says }) => {
    const make = (): unknown => createSecretBox({ dataDir, envKey });
    expect(make).toThrow(SecretKeyError);
    expect(make).toThrow(says);
    expect(make).toThrow("FERRY_SECRET_KEY");
  });

  it("refuses a secret.key of the wrong length instead of replacing it", () => {
    const short = randomBytes(8).toString("base64");
    writeFileSync(join(dataDir, SECRET_KEY_FILE), short);
    expect(() => createSecretBox({ dataDir })).toThrow(SecretKeyError);
    expect(readFileSync(join(dataDir, SECRET_KEY_FILE), "utf8")).toBe(short);
  });

  it("throws SecretDecryptError when opened with another key", () => {
    const sealed = createSecretBox({ dataDir, envKey: randomBytes(32).toString("base64") }).seal("mine");
    const other = createSecretBox({ dataDir, envKey: randomBytes(32).toString("base64") });
    expect(() => other.open(sealed)).toThrow(SecretDecryptError);
  });

  const flip = (b64: string): string => {
    const bytes = Buffer.from(b64, "base64");
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    return bytes.toString("base64");
  };

  it.each([
    { part: "iv", index: 1 },
    { part: "tag", index: 2 },
    { part: "ciphertext", index: 3 },
  ])("throws SecretDecryptError when the $part was altered", ({ index }) => {
    const box = createSecretBox({ dataDir });
    const parts = box.seal("do not touch").split(":");
    parts[index] = flip(parts[index] ?? "");
    const error = ((): unknown => {
      try {
        return box.open(parts.join(":"));
      } catch (e: unknown) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SecretDecryptError);
    expect(error).toMatchObject({ code: "secret-decrypt" });
    expect((error as Error).message).not.toContain("do not touch");
  });

  it.each(["", "plain text", "v2:a:b:c", "v1:AAAA:AAAA", "v1:!!:??:**"])("throws SecretDecryptError for the malformed value %j", (sealed) => {
    expect(() => createSecretBox({ dataDir }).open(sealed)).toThrow(SecretDecryptError);
  });

  it("refuses a shortened authentication tag", () => {
    const box = createSecretBox({ dataDir });
    const parts = box.seal("x").split(":");
    parts[2] = Buffer.from(parts[2] ?? "", "base64").subarray(0, 4).toString("base64");
    expect(() => box.open(parts.join(":"))).toThrow(SecretDecryptError);
  });
});
