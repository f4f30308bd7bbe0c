import { RegistryError } from "./errors.js";
import type { ByteRange } from "./blob-store.js";

/**
 * The single byte range a `Range: bytes=…` header asks for within `size` bytes: undefined to send the whole
 * blob (no header, another unit, several ranges), "unsatisfiable" for a range outside the blob.
 */
export function parseRangeHeader(header: string | undefined, size: number): ByteRange | "unsatisfiable" | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m === null || (m[1] === "" && m[2] === "")) return undefined;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}

/** The `Content-Range: <start>-<end>` of an upload chunk (inclusive); undefined when absent. */
export function parseContentRange(header: string | undefined): ByteRange | undefined {
  if (header === undefined) return undefined;
  const m = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (m === null || Number(m[2]) < Number(m[1])) {
    throw new RegistryError("BLOB_UPLOAD_INVALID", `Content-Range "${header}" is not <start>-<end>`, { detail: { contentRange: header } });
  }
  return { start: Number(m[1]), end: Number(m[2]) };
}

/** The `Range` header of an upload holding `size` bytes: `0-<last byte>` (`0-0` while empty, as registries do). */
export const uploadRange = (size: number): string => `0-${Math.max(0, size - 1)}`;
