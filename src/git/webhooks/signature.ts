import { createHash, createHmac, timingSafeEqual } from "node:crypto";

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/** Constant-time equality of two byte strings; different lengths are unequal, not an error. */
export function bytesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether `signatureHex` is the hex HMAC-SHA256 of `body` keyed with `secret`. Anything that is not
 * 64 hex digits, a missing signature and an empty secret are all `false`; it never throws.
 */
export function verifyHmacSha256Hex(body: Buffer, secret: string, signatureHex: string | undefined): boolean {
  if (secret === "" || signatureHex === undefined || !SHA256_HEX.test(signatureHex)) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  return bytesEqual(expected, Buffer.from(signatureHex, "hex"));
}

/**
 * Constant-time comparison of a token sent in a header with the shared secret. Both are hashed first, so
 * the time taken says nothing about the secret's length either. An empty secret never matches.
 */
export function tokenMatches(token: string | undefined, secret: string): boolean {
  if (secret === "" || token === undefined) return false;
  const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();
  return bytesEqual(digest(token), digest(secret));
}
