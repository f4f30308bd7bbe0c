/**
 * Why an archive was refused. Every one is terminal: the same archive fails the same way again.
 * - ABSOLUTE_PATH, PATH_TRAVERSAL, INVALID_NAME: the entry's name;
 * - SYMLINK_PARENT: the entry would be written through a symlink that leads out of the target;
 * - SYMLINK_ESCAPE, HARDLINK_ESCAPE: a link that points out of the target (or, for a hard link, at nothing
 *   extracted);
 * - UNSUPPORTED_ENTRY: device files, FIFOs and types Ferry does not write;
 * - TOO_LARGE, TOO_MANY_ENTRIES: a limit;
 * - CORRUPT_ARCHIVE: not a readable tar;
 * - CONFLICT: the entry collides with what is there (a file where a directory must be);
 * - WRITE_FAILED: the file system refused (permissions, space).
 */
export const extractErrorCodes = [
  "ABSOLUTE_PATH", "PATH_TRAVERSAL", "INVALID_NAME", "SYMLINK_PARENT", "SYMLINK_ESCAPE", "HARDLINK_ESCAPE",
  "UNSUPPORTED_ENTRY", "TOO_LARGE", "TOO_MANY_ENTRIES", "CORRUPT_ARCHIVE", "CONFLICT", "WRITE_FAILED",
] as const;
export type ExtractErrorCode = (typeof extractErrorCodes)[number];

/** An archive that was refused part-way; what had been written is removed before this is thrown. */
export class ExtractError extends Error {
  constructor(readonly code: ExtractErrorCode, message: string, readonly entry?: string, opts: { cause?: unknown } = {}) {
    super(entry === undefined ? message : `${entry}: ${message}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "ExtractError";
  }
}
