import { createHash } from "node:crypto";
import { RegistryError } from "./errors.js";

/** The only algorithm stored: `sha256:` followed by 64 lower-case hex digits. */
export const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
/** The digest grammar of the OCI image spec: `algorithm ":" encoded`. */
const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * Checks a digest from a client: well-formed sha256 is returned as is; another well-formed algorithm is
 * UNSUPPORTED; anything else (including sha256 with the wrong length or upper-case hex) is DIGEST_INVALID.
 */
export function parseDigest(value: string | undefined): string {
  if (value === undefined || value === "") throw new RegistryError("DIGEST_INVALID", "a digest is required");
  if (SHA256_DIGEST.test(value)) return value;
  if (!DIGEST_GRAMMAR.test(value)) throw new RegistryError("DIGEST_INVALID", `"${value}" is not a digest (algorithm:hex)`, { detail: { digest: value } });
  const algorithm = value.slice(0, value.indexOf(":"));
  if (algorithm === "sha256") throw new RegistryError("DIGEST_INVALID", "a sha256 digest has 64 lower-case hex digits", { detail: { digest: value } });
  throw new RegistryError("UNSUPPORTED", `digest algorithm "${algorithm}" is not supported; use sha256`, { detail: { digest: value } });
}

export const isDigest = (value: string): boolean => SHA256_DIGEST.test(value);

export const sha256Digest = (data: Uint8Array): string => `sha256:${createHash("sha256").update(data).digest("hex")}`;

/** The hex part of a sha256 digest. */
export const digestHex = (digest: string): string => digest.slice("sha256:".length);
