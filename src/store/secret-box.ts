import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

/** Encrypts secret values before they reach the store, and decrypts them for the runner. */
export type SecretBox = {
  /** `v1:<base64 iv>:<base64 tag>:<base64 ciphertext>`, AES-256-GCM with a fresh 12-byte IV. */
  seal(plaintext: string): string;
  /** The plaintext of a sealed value; throws SecretDecryptError if it was altered or sealed with another key. */
  open(sealed: string): string;
};

/** A sealed value could not be opened: it was altered, is malformed, or the key is not the one it was sealed with. */
export class SecretDecryptError extends Error {
  readonly code = "secret-decrypt";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SecretDecryptError";
  }
}

/** The encryption key is unusable (wrong length, not base64, unreadable key file); an operator must fix it. */
export class SecretKeyError extends Error {
  readonly code = "secret-key";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SecretKeyError";
  }
}

export const SECRET_KEY_FILE = "secret.key";

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = "aes-256-gcm";

/**
 * The box for this server. The key is `envKey` (the value of FERRY_SECRET_KEY: base64 of 32 bytes) when
 * given, else `<dataDir>/secret.key`, which is created on first use (32 random bytes, base64, mode 0600)
 * and never replaced once it exists.
 */
export function createSecretBox(opts: { dataDir: string; envKey?: string | undefined }): SecretBox {
  const key = opts.envKey !== undefined ? decodeKey(opts.envKey, "FERRY_SECRET_KEY") : loadOrCreateKeyFile(opts.dataDir);
  return {
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), ciphertext.toString("base64")].join(":");
    },
    open(sealed) {
      const parts = sealed.split(":");
      const [version, iv, tag, ciphertext] = [parts[0], decodeBase64(parts[1]), decodeBase64(parts[2]), decodeBase64(parts[3])];
      if (parts.length !== 4 || version !== "v1" || iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || ciphertext === undefined) {
        throw new SecretDecryptError("the sealed secret is malformed (expected v1:<iv>:<tag>:<ciphertext>)");
      }
      try {
        const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
      } catch (error: unknown) {
        throw new SecretDecryptError("the secret could not be decrypted: it was altered or sealed with a different key (check FERRY_SECRET_KEY or secret.key)", { cause: error });
      }
    },
  };
}

/** Canonical base64 only, so that a typo is an error rather than a different key. */
function decodeBase64(text: string | undefined): Buffer | undefined {
  if (text === undefined || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : undefined;
}

function decodeKey(text: string, source: string): Buffer {
  if (text.trim() === "") throw new SecretKeyError(`${source} is empty; it must be the base64 encoding of ${KEY_BYTES} random bytes (openssl rand -base64 ${KEY_BYTES})`);
  const key = decodeBase64(text.trim());
  if (key === undefined) throw new SecretKeyError(`${source} is not base64; it must be the base64 encoding of ${KEY_BYTES} random bytes (openssl rand -base64 ${KEY_BYTES})`);
  if (key.length !== KEY_BYTES) throw new SecretKeyError(`${source} decodes to ${key.length} bytes; it must be the base64 encoding of exactly ${KEY_BYTES} bytes (openssl rand -base64 ${KEY_BYTES})`);
  return key;
}

function loadOrCreateKeyFile(dataDir: string): Buffer {
  const path = join(dataDir, SECRET_KEY_FILE);
  const existing = readIfExists(path);
  if (existing !== undefined) return decodeKey(existing, path);
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(KEY_BYTES);
  // Write a private temporary file, then link it into place: link never replaces an existing file, so a
  // second server starting at the same moment reads the first one's key instead of overwriting it.
  const temp = join(dataDir, `.${SECRET_KEY_FILE}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(temp, "wx", 0o600);
  try {
    writeSync(fd, `${key.toString("base64")}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
  } catch (error: unknown) {
    if (errorCode(error) !== "EEXIST") throw error;
    return decodeKey(readFileSync(path, "utf8"), path);
  } finally {
    unlinkSync(temp);
  }
  return key;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error: unknown) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw new SecretKeyError(`cannot read the secret key file ${path}`, { cause: error });
  }
}

function errorCode(error: unknown): unknown {
  return typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
}
