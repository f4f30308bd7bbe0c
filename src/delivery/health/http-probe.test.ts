import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpProbe } from "./http-probe.js";

const servers: Server[] = [];

async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe("createHttpProbe", () => {
  it.each([
    [200, true],
    [204, true],
    [302, true],
    [404, false],
    [503, false],
  ])("HTTP %i is ok=%s", async (status, ok) => {
    const port = await serve((_req, res) => {
      res.writeHead(status, { location: "/elsewhere" }).end();
    });
    const result = await createHttpProbe()({ host: "127.0.0.1", port }, new AbortController().signal);
    expect(result).toEqual({ ok, message: `HTTP ${status}` });
  });

  it("requests the configured path with the configured headers", async () => {
    const seen: string[] = [];
    const port = await serve((req, res) => {
      seen.push(`${req.method} ${req.url} ${String(req.headers["x-probe"])}`);
      res.end("ok");
    });
    const probe = createHttpProbe({ path: "/healthz?full=1", headers: { "x-probe": "yes" } });
    expect(await probe({ host: "127.0.0.1", port }, new AbortController().signal)).toMatchObject({ ok: true });
    expect(seen).toEqual(["GET /healthz?full=1 yes"]);
  });

  it("does not wait for an endless body once the status is known", async () => {
    const port = await serve((_req, res) => {
      res.writeHead(200);
      res.write("streaming forever");
    });
    expect(await createHttpProbe()({ host: "127.0.0.1", port }, new AbortController().signal)).toEqual({ ok: true, message: "HTTP 200" });
  });

  it("reports a closed port as connection refused", async () => {
    const port = await serve(() => undefined);
    const server = servers.pop();
    await new Promise((resolve) => server?.close(resolve));
    expect(await createHttpProbe()({ host: "127.0.0.1", port }, new AbortController().signal)).toEqual({ ok: false, message: "connection refused" });
  });

  it("gives up on a hanging server when the signal aborts", async () => {
    const port = await serve(() => undefined);
    const controller = new AbortController();
    const result = createHttpProbe()({ host: "127.0.0.1", port }, controller.signal);
    setTimeout(() => controller.abort(), 30);
    expect(await result).toEqual({ ok: false, message: "aborted" });
  });

  it("rejects a path that is not absolute", () => {
    expect(() => createHttpProbe({ path: "healthz" })).toThrow(TypeError);
  });
});
