/**
 * What went wrong with an artifact itself, before or after talking to the registry:
 * - INVALID_REFERENCE, INVALID_ANNOTATION: the caller's input;
 * - PATH_MISSING, PATH_OUTSIDE, UNSUPPORTED_FILE, SYMLINK_OUTSIDE: the paths given to push;
 * - CHANGED_WHILE_ARCHIVING: a file changed size while it was being read (retry when the build is done);
 * - NOT_AN_ARTIFACT: the manifest is not a Ferry artifact (another artifact type, an index, an image);
 * - NO_VERSIONS: the repository has no tags to choose from;
 * - TARGET_NOT_EMPTY: pull only extracts into a new or empty directory.
 */
export const artifactErrorCodes = [
  "INVALID_REFERENCE", "INVALID_ANNOTATION", "PATH_MISSING", "PATH_OUTSIDE", "UNSUPPORTED_FILE", "SYMLINK_OUTSIDE",
  "CHANGED_WHILE_ARCHIVING", "NOT_AN_ARTIFACT", "NO_VERSIONS", "TARGET_NOT_EMPTY",
] as const;
export type ArtifactErrorCode = (typeof artifactErrorCodes)[number];

export class ArtifactError extends Error {
  constructor(readonly code: ArtifactErrorCode, message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "ArtifactError";
  }

  /** Whether the caller's input is at fault (a usage error), rather than the content found. */
  get isInput(): boolean {
    return ["INVALID_REFERENCE", "INVALID_ANNOTATION", "PATH_MISSING", "PATH_OUTSIDE", "UNSUPPORTED_FILE", "SYMLINK_OUTSIDE", "TARGET_NOT_EMPTY"].includes(this.code);
  }
}
