import type { FastifyReply } from "fastify";

/** Sends JSON with exactly this Content-Type (a Buffer body, so fastify adds no charset parameter). */
export function sendJson(reply: FastifyReply, status: number, value: unknown, contentType = "application/json"): FastifyReply {
  return reply.code(status).header("content-type", contentType).send(Buffer.from(JSON.stringify(value)));
}
