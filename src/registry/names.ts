import { RegistryError } from "./errors.js";

/** Repository names, from the distribution spec. */
const NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
/** Tags, from the distribution spec. */
export const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
/** Names longer than this do not fit `host:port/name` in the 255 characters many clients allow. */
export const MAX_NAME_LENGTH = 255;

export const isRepositoryName = (name: string): boolean => name.length <= MAX_NAME_LENGTH && NAME.test(name);
export const isTag = (tag: string): boolean => TAG.test(tag);

export function checkRepositoryName(name: string): string {
  if (!isRepositoryName(name)) {
    throw new RegistryError("NAME_INVALID", `"${name}" is not a repository name: lower-case components of [a-z0-9] joined by ".", "_", "__" or "-", separated by "/", at most ${MAX_NAME_LENGTH} characters`, { detail: { name } });
  }
  return name;
}
