import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createServiceProxy } from "./create-service-proxy.js";
import type { Backend } from "./schema.js";
import type { ServiceProxy } from "./types.js";

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A real TCP replica: answers every connection with `<name>:` and then echoes what it receives. */
async function startEchoBackend(name: string): Promise<Backend & { close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.write(`${name}:`);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  cleanups.push(close);
  return { id: name, host: "127.0.0.1", port: (server.address() as AddressInfo).port, close };
}

async function startProxy(backendWaitMs = 5_000): Promise<ServiceProxy> {
  const proxy = createServiceProxy({ port: 0, protocol: "tcp", backendWaitMs });
  await proxy.listen();
  cleanups.push(() => proxy.close());
  return proxy;
}

/** Connects through the proxy, sends `message`, half-closes, and returns everything received. */
function exchange(proxy: ServiceProxy, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: proxy.address().port, allowHalfOpen: true });
    let received = "";
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString();
    });
    socket.on("end", () => {
      socket.end();
      resolve(received);
    });
    socket.on("error", reject);
    socket.end(message);
  });
}

function openConnection(proxy: ServiceProxy): Promise<{ socket: Socket; read: () => Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: proxy.address().port });
    socket.once("error", reject);
    socket.once("connect", () =>
      resolve({
        socket,
        read: () => new Promise((done) => socket.once("data", (chunk: Buffer) => done(chunk.toString()))),
      }),
    );
    cleanups.push(() => {
      socket.destroy();
    });
  });
}

describe("createServiceProxy (tcp)", () => {
  it("pipes each connection both ways to a backend, round-robin, including the half-close", async () => {
    const a = await startEchoBackend("a");
    const b = await startEchoBackend("b");
    const proxy = await startProxy();
    proxy.setBackends([a, b]);

    const replies = [await exchange(proxy, "one"), await exchange(proxy, "two"), await exchange(proxy, "three")];

    expect(replies).toEqual(["a:one", "b:two", "a:three"]);
    expect(proxy.stats()).toMatchObject({ requests: 3, failures: 0, perBackend: { a: { requests: 2 }, b: { requests: 1 } } });
  });

  it("tries the next backend when one refuses the connection", async () => {
    const dead = await startEchoBackend("dead");
    await dead.close();
    const live = await startEchoBackend("live");
    const proxy = await startProxy();
    proxy.setBackends([dead, live]);

    expect([await exchange(proxy, "x"), await exchange(proxy, "y")]).toEqual(["live:x", "live:y"]);
    expect(proxy.stats().perBackend.dead?.failures).toBeGreaterThan(0);
  });

  it("holds a connection until a backend appears", async () => {
    const proxy = await startProxy(30_000);
    const reply = exchange(proxy, "early");
    while (proxy.stats().requests === 0) await sleep(5);

    proxy.setBackends([await startEchoBackend("late")]);

    expect(await reply).toBe("late:early");
  });

  it("closes the connection when no backend appears in time", async () => {
    const proxy = await startProxy(50);

    expect(await exchange(proxy, "anyone?")).toBe("");
    expect(proxy.stats()).toMatchObject({ requests: 1, failures: 1 });
  });

  it("drain waits until the removed backend's open connections close", async () => {
    const a = await startEchoBackend("a");
    const b = await startEchoBackend("b");
    const proxy = await startProxy();
    proxy.setBackends([a]);
    const connection = await openConnection(proxy);
    expect(await connection.read()).toBe("a:");

    proxy.setBackends([b]);
    let drained = false;
    const draining = proxy.drain("a", 60_000).then(() => {
      drained = true;
    });
    expect(await exchange(proxy, "new")).toBe("b:new");
    connection.socket.write("still here");
    expect(await connection.read()).toBe("still here");
    expect(drained).toBe(false);

    connection.socket.end();
    await draining;
    expect(proxy.stats().perBackend.a).toBeUndefined();
  });
});
