import type { FastifyReply, FastifyRequest } from "fastify";
import type { Store } from "../store/index.js";
import { roleAllows, verifyJobToken, verifyToken } from "../store/index.js";
import type { JobTokenIdentity } from "../store/index.js";
import { forbidden, unauthorized } from "./errors.js";

export type Role = "admin" | "approver" | "operator" | "viewer" | "runner" | "agent";
export type Principal = { id: string; name: string; role: Role };

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
    /** Set when the request came with a running job's token instead of an API token. */
    job?: JobTokenIdentity;
  }
}

/** A preHandler that lets through only tokens whose role includes `needed`. */
export function requireRole(store: Store, needed: Role) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = req.headers.authorization ?? "";
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m?.[1]) throw unauthorized();
    const who = await Promise.resolve(verifyToken(store, m[1]));
    if (!who) throw unauthorized("the token is not valid");
    if (!roleAllows(who.role as Role, needed)) throw forbidden(`this needs the ${needed} role; the token has ${who.role}`);
    req.principal = { id: who.id, name: who.name, role: who.role as Role };
  };
}

/**
 * Like requireRole, but also lets through the token of a running job; the route then finds it in
 * `req.job` and must confine it to that job's run.
 */
export function requireRoleOrJob(store: Store, needed: Role) {
  const byRole = requireRole(store, needed);
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    const job = m?.[1] ? verifyJobToken(store, m[1]) : undefined;
    if (job) {
      req.job = job;
      return;
    }
    await byRole(req, reply);
  };
}
