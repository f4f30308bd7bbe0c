import { tokenFromAuthorization } from "./credentials.js";
import type { Authorize, RegistryAction } from "./types.js";

/** Who a token belongs to, as far as the registry cares; undefined for an unknown or revoked token. */
export type TokenVerifier = (token: string) => { role: string } | undefined | Promise<{ role: string } | undefined>;

export type BasicAuthorizerOptions = {
  verify: TokenVerifier;
  /** Repositories anyone may pull from without credentials. */
  publicRepositories?(name: string): boolean;
};

/** push and delete: operator, admin or runner (CI publishes); pull: viewer and up, or runner; a running job's token pulls and pushes. */
const allowed: Record<RegistryAction, readonly string[]> = {
  pull: ["viewer", "operator", "approver", "admin", "runner", "job", "agent"],
  push: ["operator", "approver", "admin", "runner", "job"],
  delete: ["operator", "approver", "admin", "runner"],
};

/**
 * Builds the registry's `authorize` from a Ferry token verifier. The token comes as the password of Basic
 * credentials (`podman push --creds anyuser:<token>`) or as `Authorization: Bearer <token>`.
 */
export function createBasicAuthorizer(opts: BasicAuthorizerOptions): Authorize {
  return async (req, action, repository) => {
    if (action === "pull" && repository !== "" && opts.publicRepositories?.(repository) === true) return true;
    const token = tokenFromAuthorization(req.headers.authorization);
    if (token === undefined) return false;
    const who = await opts.verify(token);
    return who !== undefined && allowed[action].includes(who.role);
  };
}
