import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createProber } from "./create-prober.js";
import { createHttpProbe } from "./http-probe.js";
import { ProberStoppedError } from "./prober-stopped-error.js";
import { createTcpProbe } from "./tcp-probe.js";
import type { HealthChange, Prober } from "./types.js";

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real server whose answer the test changes: a status code, or "hang" to never answer. */
async function controllableServer(): Promise<{ port: number; set(answer: number | "hang"): void; requests(): number }> {
  let answer: number | "hang" = 200;
  let requests = 0;
  const server: Server = createServer((_req, res) => {
    requests += 1;
    if (answer !== "hang") res.writeHead(answer).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    port: (server.address() as AddressInfo).port,
    set: (next) => {
      answer = next;
    },
    requests: () => requests,
  };
}

function track(prober: Prober): Prober {
  cleanups.push(() => prober.stop());
  return prober;
}

const fast = { periodMs: 20, timeoutMs: 500 } as const;

describe("createProber", () => {
  it("goes Progressing → Healthy → Degraded → Healthy as an HTTP server answers 200, 503, 200", async () => {
    const server = await controllableServer();
    const changes: HealthChange[] = [];
    let requestsWhenHealthy = 0;
    const prober = track(
      createProber({
        ...fast,
        probe: createHttpProbe({ path: "/healthz" }),
        target: { host: "127.0.0.1", port: server.port },
        successThreshold: 2,
        failureThreshold: 2,
        onChange: (change) => {
          changes.push(change);
          if (changes.length === 1) requestsWhenHealthy = server.requests();
        },
      }),
    );
    expect(prober.state).toBe("Progressing");

    await prober.waitFor("Healthy");
    expect(requestsWhenHealthy).toBeGreaterThanOrEqual(2);

    server.set(503);
    await prober.waitFor("Degraded");
    expect(prober.lastMessage).toBe("HTTP 503");

    server.set(200);
    await prober.waitFor("Healthy");

    expect(changes).toEqual([
      { state: "Healthy", previous: "Progressing", message: "HTTP 200" },
      { state: "Degraded", previous: "Healthy", message: "HTTP 503" },
      { state: "Healthy", previous: "Degraded", message: "HTTP 200" },
    ]);
  });

  it("stays Healthy through fewer consecutive failures than the threshold", async () => {
    const server = await controllableServer();
    const changes: HealthChange[] = [];
    const prober = track(
      createProber({
        ...fast,
        probe: createHttpProbe(),
        target: { host: "127.0.0.1", port: server.port },
        failureThreshold: 1_000,
        onChange: (change) => changes.push(change),
      }),
    );
    await prober.waitFor("Healthy");
    server.set(500);
    const seen = server.requests();
    while (server.requests() < seen + 3 || prober.lastMessage !== "HTTP 500") await new Promise((resolve) => setTimeout(resolve, 10));
    expect(prober.state).toBe("Healthy");
    expect(changes.map((change) => change.state)).toEqual(["Healthy"]);
  });

  it("keeps a replica Progressing while its port refuses connections", async () => {
    const server = await controllableServer();
    await cleanups.pop()?.();
    const prober = track(createProber({ ...fast, probe: createTcpProbe(), target: { host: "127.0.0.1", port: server.port } }));
    while (prober.lastMessage !== "connection refused") await new Promise((resolve) => setTimeout(resolve, 10));
    expect(prober.state).toBe("Progressing");
  });

  it("fails a probe that hangs past the timeout", async () => {
    const server = await controllableServer();
    const prober = track(
      createProber({
        periodMs: 20,
        timeoutMs: 50,
        failureThreshold: 1,
        probe: createHttpProbe(),
        target: { host: "127.0.0.1", port: server.port },
      }),
    );
    await prober.waitFor("Healthy");
    server.set("hang");
    await prober.waitFor("Degraded");
    expect(prober.lastMessage).toBe("timed out after 50 ms");
  });

  it("never runs two probes at once", async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const prober = track(
      createProber({
        periodMs: 1,
        timeoutMs: 1_000,
        target: { host: "127.0.0.1" },
        probe: async () => {
          running += 1;
          runs += 1;
          maxRunning = Math.max(maxRunning, running);
          await new Promise((resolve) => setTimeout(resolve, 15));
          running -= 1;
          return { ok: true, message: "fine" };
        },
      }),
    );
    while (runs < 5) await new Promise((resolve) => setTimeout(resolve, 10));
    prober.stop();
    expect(maxRunning).toBe(1);
  });

  it("reports a probe that throws as a failure with its message", async () => {
    const prober = track(
      createProber({
        ...fast,
        target: { host: "127.0.0.1" },
        probe: () => Promise.reject(new Error("probe exploded")),
      }),
    );
    while (prober.lastMessage === "waiting for the first probe") await new Promise((resolve) => setTimeout(resolve, 10));
    expect(prober.lastMessage).toBe("probe failed: probe exploded");
  });

  it("rejects waitFor when stopped first, and when the caller's signal aborts", async () => {
    const prober = createProber({ ...fast, initialDelayMs: 60_000, probe: createTcpProbe(), target: { host: "127.0.0.1", port: 1 } });
    const controller = new AbortController();
    const aborted = prober.waitFor("Healthy", controller.signal);
    controller.abort(new Error("caller gave up"));
    await expect(aborted).rejects.toThrow("caller gave up");

    const pending = prober.waitFor("Healthy");
    prober.stop();
    await expect(pending).rejects.toBeInstanceOf(ProberStoppedError);
    await expect(prober.waitFor("Degraded")).rejects.toMatchObject({ code: "prober-stopped" });
    await expect(prober.waitFor("Progressing")).resolves.toBeUndefined();
  });

  it("rejects invalid settings", () => {
    expect(() => createProber({ periodMs: 0, probe: createTcpProbe(), target: { host: "127.0.0.1" } })).toThrow();
  });
});
