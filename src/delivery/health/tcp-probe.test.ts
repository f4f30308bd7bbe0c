import { createServer, type AddressInfo, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createTcpProbe } from "./tcp-probe.js";

const servers: Server[] = [];

async function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.end());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

describe("createTcpProbe", () => {
  it("is ok when something accepts connections on the port", async () => {
    const { port } = await listen();
    expect(await createTcpProbe()({ host: "127.0.0.1", port }, new AbortController().signal)).toEqual({ ok: true, message: "connected" });
  });

  it("reports a closed port as connection refused", async () => {
    const { server, port } = await listen();
    await new Promise((resolve) => server.close(resolve));
    servers.pop();
    expect(await createTcpProbe()({ host: "127.0.0.1", port }, new AbortController().signal)).toEqual({ ok: false, message: "connection refused" });
  });

  it("fails without a port", async () => {
    expect(await createTcpProbe()({ host: "127.0.0.1" }, new AbortController().signal)).toEqual({ ok: false, message: "no port to probe" });
  });
});
