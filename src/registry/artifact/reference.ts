import { isDigest } from "../digest.js";
import { isRepositoryName, isTag } from "../names.js";
import { ArtifactError } from "./artifact-error.js";

/** `NAME`, `NAME:VERSION` or `NAME@DIGEST`: a repository and, when given, a tag or a digest. */
export type ArtifactReference =
  | { name: string; tag: string; digest?: undefined }
  | { name: string; digest: string; tag?: undefined }
  | { name: string; tag?: undefined; digest?: undefined };

const invalid = (text: string, why: string): ArtifactError =>
  new ArtifactError("INVALID_REFERENCE", `"${text}" is not NAME[:VERSION|@DIGEST]: ${why}`);

/** Parses an artifact reference; NAME is a repository name, VERSION a tag, DIGEST a sha256 digest. */
export function parseArtifactReference(text: string): ArtifactReference {
  const at = text.indexOf("@");
  const colon = text.lastIndexOf(":");
  const name = at !== -1 ? text.slice(0, at) : colon !== -1 ? text.slice(0, colon) : text;
  if (!isRepositoryName(name)) {
    throw invalid(text, `"${name}" is not a repository name (lower-case [a-z0-9] components joined by ".", "_", "__" or "-", separated by "/")`);
  }
  if (at !== -1) {
    const digest = text.slice(at + 1);
    if (!isDigest(digest)) throw invalid(text, `"${digest}" is not a sha256 digest`);
    return { name, digest };
  }
  if (colon === -1) return { name };
  const tag = text.slice(colon + 1);
  if (!isTag(tag)) throw invalid(text, `"${tag}" is not a version ([a-zA-Z0-9_][a-zA-Z0-9._-]{0,127})`);
  return { name, tag };
}

/** How a reference reads back: `app:1.0.0`, `app@sha256:…`, `app`. */
export const formatReference = (r: ArtifactReference): string =>
  r.digest !== undefined ? `${r.name}@${r.digest}` : r.tag !== undefined ? `${r.name}:${r.tag}` : r.name;
