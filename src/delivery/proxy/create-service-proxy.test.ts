import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createServiceProxy } from "./create-service-proxy.js";
import type { Backend } from "./schema.js";
import type { ServiceProxy, ServiceProxyOptions } from "./types.js";

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type TestBackend = Backend & { served: () => number; close: () => Promise<void> };

/** A real replica: answers `<name> <METHOD> <url>` (POST/PUT bodies echoed after a colon), after `delayMs`. */
async function startBackend(name: string, options: { delayMs?: number; handler?: (req: IncomingMessage, res: ServerResponse) => void } = {}): Promise<TestBackend> {
  let served = 0;
  const server: Server = createServer((req, res) => {
    if (options.handler !== undefined) {
      options.handler(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      setTimeout(() => {
        served += 1;
        res.writeHead(200, { "content-type": "text/plain" }).end(`${name} ${req.method} ${req.url}${body === "" ? "" : `:${body}`}`);
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const done = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await done;
  };
  cleanups.push(close);
  return { id: name, host: "127.0.0.1", port: (server.address() as AddressInfo).port, served: () => served, close };
}

async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startProxy(options: Partial<ServiceProxyOptions> = {}): Promise<ServiceProxy> {
  const proxy = createServiceProxy({ port: 0, protocol: "http", ...options });
  await proxy.listen();
  cleanups.push(() => proxy.close());
  return proxy;
}

function keepAliveAgent(maxSockets = 8): Agent {
  const agent = new Agent({ keepAlive: true, maxSockets });
  cleanups.push(() => agent.destroy());
  return agent;
}

type Reply = { status: number; body: string; headers: IncomingHttpHeaders; reused: boolean };

function send(proxy: ServiceProxy, options: { agent?: Agent; method?: string; path?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: proxy.address().port, method: options.method ?? "GET", path: options.path ?? "/", headers: options.headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers, reused: req.reusedSocket }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("createServiceProxy (http)", () => {
  it("spreads requests round-robin across backends", async () => {
    const a = await startBackend("a");
    const b = await startBackend("b");
    const proxy = await startProxy();
    proxy.setBackends([a, b]);
    const agent = keepAliveAgent(1);

    const bodies: string[] = [];
    for (let i = 0; i < 6; i += 1) bodies.push((await send(proxy, { agent, path: `/n/${i}` })).body);

    expect(bodies.filter((body) => body.startsWith("a ")).length).toBe(3);
    expect(bodies.filter((body) => body.startsWith("b ")).length).toBe(3);
    expect(proxy.stats()).toMatchObject({
      requests: 6,
      failures: 0,
      perBackend: { a: { requests: 3, failures: 0, inFlight: 0, active: true }, b: { requests: 3, active: true } },
    });
  });

  it("passes method, path, headers and status through and adds x-forwarded-*", async () => {
    let seen: { method?: string | undefined; url?: string | undefined; headers?: IncomingHttpHeaders } = {};
    const backend = await startBackend("h", {
      handler: (req, res) => {
        seen = { method: req.method, url: req.url, headers: req.headers };
        res.writeHead(201, "Made It", { "x-custom": "yes", "set-cookie": ["one=1", "two=2"], connection: "x-hop, keep-alive", "x-hop": "hidden" });
        res.end("created");
      },
    });
    const proxy = await startProxy();
    proxy.setBackends([backend]);

    const reply = await send(proxy, { method: "PUT", path: "/items/7?dry=1", headers: { host: "app.example", "x-request-id": "r1", "x-forwarded-for": "10.0.0.9" }, body: "x" });

    expect(reply).toMatchObject({ status: 201, body: "created" });
    expect(reply.headers["x-custom"]).toBe("yes");
    expect(reply.headers["set-cookie"]).toEqual(["one=1", "two=2"]);
    expect(reply.headers["x-hop"]).toBeUndefined();
    expect(seen.method).toBe("PUT");
    expect(seen.url).toBe("/items/7?dry=1");
    expect(seen.headers).toMatchObject({
      host: "app.example",
      "x-request-id": "r1",
      "x-forwarded-for": "10.0.0.9, 127.0.0.1",
      "x-forwarded-proto": "http",
      "x-forwarded-host": "app.example",
    });
  });

  it("streams request and response bodies both ways without buffering them", async () => {
    const backend = await startBackend("s", {
      handler: (req, res) => {
        res.writeHead(200);
        let total = 0;
        req.on("data", (chunk: Buffer) => {
          total += chunk.length;
          res.write(`got ${chunk.toString()};`);
        });
        req.on("end", () => res.end(`total ${total}`));
      },
    });
    const proxy = await startProxy();
    proxy.setBackends([backend]);

    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: proxy.address().port, method: "POST", path: "/upload", agent: false }, (res) => {
        let text = "";
        let sentSecond = false;
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          // The second chunk is only sent once the backend's answer to the first came back through the proxy.
          if (!sentSecond && text.includes("got first;")) {
            sentSecond = true;
            req.end("second");
          }
        });
        res.on("end", () => resolve(text));
      });
      req.on("error", reject);
      req.write("first");
    });

    expect(body).toBe("got first;got second;total 11");
  });

  it("keeps a client's keep-alive connection working when the backends change under it", async () => {
    const a = await startBackend("a");
    const b = await startBackend("b");
    const proxy = await startProxy();
    const agent = keepAliveAgent(1);
    proxy.setBackends([a]);
    expect((await send(proxy, { agent })).body).toBe("a GET /");

    proxy.setBackends([b]);
    const second = await send(proxy, { agent });

    expect(second).toMatchObject({ status: 200, body: "b GET /", reused: true });
  });

  it("drops no request while replicas are replaced one generation after another", async () => {
    let current = await startBackend("gen0", { delayMs: 3 });
    const proxy = await startProxy();
    proxy.setBackends([current]);
    const agent = keepAliveAgent(6);
    const problems: string[] = [];
    let done = 0;
    let running = true;
    const worker = async (method: "GET" | "POST", index: number): Promise<void> => {
      for (let n = 0; running; n += 1) {
        try {
          const reply = await send(proxy, { agent, method, path: `/w${index}/${n}`, ...(method === "POST" ? { body: `payload-${n}` } : {}) });
          const expected = method === "POST" ? `POST /w${index}/${n}:payload-${n}` : `GET /w${index}/${n}`;
          if (reply.status !== 200 || !reply.body.endsWith(expected)) problems.push(`${reply.status} ${reply.body}`);
        } catch (error) {
          problems.push(String(error));
        }
        done += 1;
      }
    };
    const until = async (condition: () => boolean): Promise<void> => {
      while (!condition()) await sleep(5);
    };
    // One sequential client and several concurrent ones, GETs and POSTs.
    const workers = [worker("GET", 0), worker("GET", 1), worker("GET", 2), worker("POST", 3), worker("POST", 4)];

    for (let generation = 1; generation <= 3; generation += 1) {
      const next = await startBackend(`gen${generation}`, { delayMs: 3 });
      await until(() => current.served() >= 10);
      proxy.setBackends([current, next]);
      await until(() => next.served() >= 10);
      proxy.setBackends([next]);
      await proxy.drain(current.id, 10_000);
      expect(proxy.stats().perBackend[current.id]).toBeUndefined();
      await current.close();
      current = next;
    }
    const finalCount = done;
    await until(() => done >= finalCount + 20);
    running = false;
    await Promise.all(workers);

    expect(problems).toEqual([]);
    expect(proxy.stats().failures).toBe(0);
  });

  it("retries a request on another backend when one refuses the connection", async () => {
    const live = await startBackend("live");
    const proxy = await startProxy();
    proxy.setBackends([{ id: "dead", host: "127.0.0.1", port: await refusedPort() }, live]);

    const replies = [];
    for (let i = 0; i < 4; i += 1) replies.push(await send(proxy, { method: "POST", path: `/p${i}`, body: `b${i}` }));

    expect(replies.map((reply) => reply.body)).toEqual(["live POST /p0:b0", "live POST /p1:b1", "live POST /p2:b2", "live POST /p3:b3"]);
    expect(proxy.stats().perBackend.dead?.failures).toBeGreaterThan(0);
    expect(proxy.stats().failures).toBe(0);
  });

  it("holds a request while there is no backend and sends it to the first one that appears", async () => {
    const proxy = await startProxy({ backendWaitMs: 30_000 });
    proxy.setBackends([]);
    const pending = send(proxy, { path: "/early" });
    while (proxy.stats().requests === 0) await sleep(5);

    const backend = await startBackend("late");
    proxy.setBackends([backend]);

    expect(await pending).toMatchObject({ status: 200, body: "late GET /early" });
  });

  it("answers 503 with a clear body once the wait for a backend runs out", async () => {
    const proxy = await startProxy({ backendWaitMs: 50 });

    const reply = await send(proxy, { path: "/nothing" });

    expect(reply.status).toBe(503);
    expect(reply.body).toContain("no healthy backend for this service");
    expect(reply.headers["retry-after"]).toBe("1");
    expect(proxy.stats()).toMatchObject({ requests: 1, failures: 1 });
  });

  it("answers 502 when no backend can be reached before the wait runs out", async () => {
    const proxy = await startProxy({ backendWaitMs: 50, retryBackoffMs: 10 });
    proxy.setBackends([{ id: "dead", host: "127.0.0.1", port: await refusedPort() }]);

    const reply = await send(proxy);

    expect(reply.status).toBe(502);
    expect(reply.body).toContain("ECONNREFUSED");
  });

  it("drain waits for a removed backend's in-flight request, and gives up at the timeout for a stuck one", async () => {
    let release: () => void = () => undefined;
    const slow = await startBackend("slow", {
      handler: (req, res) => {
        if (req.url === "/stuck") return; // never answers
        release = () => res.end("finally");
      },
    });
    const proxy = await startProxy({ backendWaitMs: 100 });
    proxy.setBackends([slow]);
    const slowReply = send(proxy, { path: "/slow" });
    const stuckReply = send(proxy, { path: "/stuck" }).catch(() => undefined);
    while (proxy.stats().perBackend.slow?.inFlight !== 2) await sleep(5);
    proxy.setBackends([]);

    let drained = false;
    const draining = proxy.drain("slow", 60_000).then(() => {
      drained = true;
    });
    await proxy.drain("slow", 20); // the timeout path: resolves although requests are still in flight
    expect(drained).toBe(false);
    expect(proxy.stats().perBackend.slow).toMatchObject({ inFlight: 2, active: false });

    release();
    expect((await slowReply).body).toBe("finally");
    await slow.close(); // cuts the stuck request
    await draining;
    await stuckReply;
    expect(proxy.stats().perBackend.slow).toBeUndefined();
  });

  it("lets an in-flight request finish when the proxy closes", async () => {
    let answer: () => void = () => undefined;
    let arrived: () => void = () => undefined;
    const atBackend = new Promise<void>((resolve) => { arrived = resolve; });
    const backend = await startBackend("b", {
      handler: (_req, res) => {
        answer = () => res.end("done");
        arrived();
      },
    });
    const proxy = await startProxy();
    proxy.setBackends([backend]);
    const reply = send(proxy);
    // The request must have reached the backend before the proxy closes.
    await atBackend;

    const closing = proxy.close();
    answer();

    expect(await reply).toMatchObject({ status: 200, body: "done" });
    await closing;
  });

  it("pipes an Upgrade (websocket-style) connection to the backend", async () => {
    const server = await new Promise<Server>((resolve) => {
      // A backend speaking a tiny echo protocol after the switch.
      const s = createServer();
      s.on("upgrade", (req: IncomingMessage, socket: Socket) => {
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: echo\r\nx-path: ${req.url}\r\n\r\n`);
        socket.pipe(socket);
      });
      s.listen(0, "127.0.0.1", () => resolve(s));
    });
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    const proxy = await startProxy();
    proxy.setBackends([{ id: "ws", host: "127.0.0.1", port: (server.address() as AddressInfo).port }]);

    const echoed = await new Promise<string>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: proxy.address().port, path: "/socket", headers: { connection: "upgrade", upgrade: "echo" } });
      req.on("upgrade", (res, socket) => {
        expect(res.statusCode).toBe(101);
        expect(res.headers["x-path"]).toBe("/socket");
        socket.once("data", (chunk: Buffer) => {
          socket.destroy();
          resolve(chunk.toString());
        });
        socket.write("ping");
      });
      req.on("error", reject);
      req.end();
    });

    expect(echoed).toBe("ping");
  });

  it("rejects backends with duplicate ids", async () => {
    const proxy = await startProxy();
    expect(() => proxy.setBackends([{ id: "x", host: "127.0.0.1", port: 1 }, { id: "x", host: "127.0.0.1", port: 2 }])).toThrow();
  });

  it("fails listen with a typed error when the port is taken", async () => {
    const first = await startProxy();
    const second = createServiceProxy({ port: first.address().port, protocol: "http" });
    await expect(second.listen()).rejects.toMatchObject({ code: "proxy-listen-failed" });
    await second.close();
  });
});
