import type { FastifyReply, FastifyRequest } from "fastify";
import type { Store } from "../store/index.js";
import { roleAllows, verifyToken } from "../store/index.js";
import { forbidden, unauthorized } from "./errors.js";

export type Role = "admin" | "operator" | "viewer" | "runner";
export type Principal = { id: string; name: string; role: Role };

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
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
