import Fastify from "fastify";
import type { FastifyInstance } from "fastify";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBus } from "../../ci/index.js";
import type { Bus } from "../../ci/index.js";
import { appendEvent, createToken, openStore } from "../../store/index.js";
import type { Store } from "../../store/index.js";
import { toHttp } from "../errors.js";
import { registerEventRoutes } from "./event-routes.js";
import { registerWhoamiRoutes } from "./whoami-routes.js";

let dir: string;
let store: Store;
let bus: Bus;
let app: FastifyInstance;
let url: string;
let admin: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ferry-event-routes-"));
  store = openStore(dir);
  bus = createBus();
  admin = createToken(store, { name: "ops", role: "admin" }).token;
  app = Fastify({ logger: false });
  app.setErrorHandler((error, _req, reply) => {
    const { status, body } = toHttp(error);
    void reply.code(status).send(body);
  });
  registerEventRoutes(app, { store, bus });
  registerWhoamiRoutes(app, { store });
  url = await app.listen({ host: "127.0.0.1", port: 0 });
});

afterEach(async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = async <T>(path: string, token = admin): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() as T };
};

/** Reads SSE `data:` messages from the stream until `count` arrived. */
async function collect(res: Response, count: number): Promise<Array<Record<string, unknown>>> {
  const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader();
  if (!reader) throw new Error("no body");
  const out: Array<Record<string, unknown>> = [];
  let buffer = "";
  while (out.length < count) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      if (data) out.push(JSON.parse(data) as Record<string, unknown>);
    }
  }
  await reader.cancel();
  return out;
}

describe("GET /api/v1/whoami", () => {
  it("names the token and its role, and refuses an unknown token", async () => {
    const viewer = createToken(store, { name: "reader", role: "viewer" }).token;
    expect((await get("/api/v1/whoami", viewer)).body).toEqual({ name: "reader", role: "viewer" });
    expect((await get("/api/v1/whoami", "ferry_nope")).status).toBe(401);
  });
});

describe("GET /api/v1/events", () => {
  it("filters by actor, action prefix and subject, and pages with before", async () => {
    await appendEvent(store, { actor: "alice", action: "promotion.approve", kind: "Stage", name: "prod" });
    await appendEvent(store, { actor: "bob", action: "promotion.abort", kind: "Promotion", name: "7" });
    await appendEvent(store, { actor: "alice", action: "run.rerun", kind: "WorkflowRun", name: "3" });
    await appendEvent(store, { actor: "alice", action: "promotions.bogus", kind: "Stage", name: "dev" });
    type List = { items: Array<{ id: number; actor: string; action: string; subject: string }>; next: number | null };

    const byAlice = (await get<List>("/api/v1/events?actor=alice")).body.items.map((e) => e.action);
    expect(byAlice).toEqual(["promotions.bogus", "run.rerun", "promotion.approve"]);
    expect((await get<List>("/api/v1/events?action=promotion")).body.items.map((e) => e.action)).toEqual(["promotion.abort", "promotion.approve"]);
    expect((await get<List>("/api/v1/events?subject=Stage/prod")).body.items.map((e) => e.subject)).toEqual(["Stage/prod"]);

    const first = (await get<List>("/api/v1/events?limit=2")).body;
    expect(first.items).toHaveLength(2);
    expect(first.next).not.toBeNull();
    const second = (await get<List>(`/api/v1/events?limit=2&before=${first.next}`)).body;
    expect(second.items.map((e) => e.action)).toEqual(["promotion.abort", "promotion.approve"]);
    expect(second.next).not.toBeNull();
    expect((await get<List>(`/api/v1/events?limit=2&before=${second.next}`)).body).toEqual({ items: [], next: null });
    expect((await get("/api/v1/events?before=soon")).status).toBe(400);
  });
});

describe("GET /api/v1/events/stream", () => {
  it("streams event-log entries as they are appended, and run and job changes, without log text", async () => {
    await appendEvent(store, { actor: "alice", action: "old.thing", kind: "Stage", name: "dev" });
    const res = await fetch(`${url}/api/v1/events/stream`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const got = collect(res, 4);
    bus.emit({ type: "job-log", jobId: 5, seq: 1, line: JSON.stringify({ seq: 1, type: "line", text: "some output" }) });
    bus.emit({ type: "run-updated", runId: 9, status: "in_progress" });
    bus.emit({ type: "job-log", jobId: 5, seq: 2, line: JSON.stringify({ seq: 2, type: "step-end", index: 0, step: "Build", conclusion: "success" }) });
    bus.emit({ type: "job-updated", runId: 9, jobId: 5, status: "completed", conclusion: "success" });
    await appendEvent(store, { actor: "bob", action: "promotion.approve", kind: "Stage", name: "prod", data: { freight: "abc" } });
    const events = await got;
    expect(events).toEqual([
      { action: "run.updated", subject: "WorkflowRun/9", runId: 9, status: "in_progress", conclusion: null },
      { action: "step.updated", subject: "Job/5", jobId: 5, step: 0, status: "completed", conclusion: "success" },
      { action: "job.updated", subject: "Job/5", runId: 9, jobId: 5, status: "completed", conclusion: "success" },
      expect.objectContaining({ actor: "bob", action: "promotion.approve", subject: "Stage/prod", data: { freight: "abc" } }),
    ]);
    expect(JSON.stringify(events)).not.toContain("some output");
  });

  it("is refused without a token", async () => {
    const res = await fetch(`${url}/api/v1/events/stream`);
    expect(res.status).toBe(401);
  });
});
