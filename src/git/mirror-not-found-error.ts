/** A mirror was read before `ensure()` or `fetch()` created it. */
export class MirrorNotFoundError extends Error {
  readonly code = "mirror-not-found";
  readonly mirror: string;

  constructor(mirror: string) {
    super(`mirror ${JSON.stringify(mirror)} does not exist; ensure or fetch it first`);
    this.name = "MirrorNotFoundError";
    this.mirror = mirror;
  }
}
