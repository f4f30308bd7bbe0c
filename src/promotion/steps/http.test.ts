import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeContext } from "./git-fixture.testing.js";
import { createHttpStep } from "./http.js";
import { runStep } from "./run-step.js";

let server: Server;
let base: string;
const seen: { method: string; url: string; auth: string | undefined; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", auth: req.headers.authorization, body });
      if (req.url === "/health") res.end('{"status":"ok","version":"v2"}');
      else if (req.url === "/broken") { res.statusCode = 503; res.end("unavailable"); }
      else if (req.url === "/slow") setTimeout(() => res.end("late"), 5_000).unref();
      else if (req.url === "/big") res.end("x".repeat(200 * 1024));
      else if (req.url === "/echo") { res.statusCode = 201; res.end(body); }
      else { res.statusCode = 404; res.end("not found"); }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const step = createHttpStep();
const run = (config: unknown) => runStep(step, config, makeContext("/tmp"), { ms: 60_000, text: "1m" });

describe("http step", () => {
  it("succeeds on a 2xx answer and outputs the status and body", async () => {
    const out = await run({ url: `${base}/health`, expectBodyContains: '"version":"v2"' });
    expect(out).toEqual({ status: "Succeeded", message: "HTTP 200", outputs: { status: 200, body: '{"status":"ok","version":"v2"}' } });
  });

  it("fails when the status is not the expected one", async () => {
    expect(await run({ url: `${base}/broken` })).toMatchObject({ status: "Failed", message: "got HTTP 503, expected 2xx", outputs: { status: 503, body: "unavailable" } });
    expect(await run({ url: `${base}/broken`, expectStatus: [200, 204] })).toMatchObject({ status: "Failed", message: "got HTTP 503, expected 200 or 204" });
    expect(await run({ url: `${base}/missing`, expectStatus: 404 })).toMatchObject({ status: "Succeeded" });
  });

  it("fails when the body lacks the expected text", async () => {
    expect(await run({ url: `${base}/health`, expectBodyContains: "v3" })).toMatchObject({
      status: "Failed", message: 'HTTP 200: the body does not contain "v3"',
    });
  });

  it("errors when the request takes longer than its timeout", async () => {
    expect(await run({ url: `${base}/slow`, timeout: "200ms" })).toEqual({ status: "Errored", message: "timed out after 200ms" });
  });

  it("sends the method, headers and a JSON body", async () => {
    const out = await run({ url: `${base}/echo`, method: "POST", headers: { authorization: "Bearer t0ken" }, body: { freight: "f-1" } });
    expect(out).toMatchObject({ status: "Succeeded", outputs: { status: 201, body: '{"freight":"f-1"}' } });
    expect(seen.at(-1)).toMatchObject({ method: "POST", url: "/echo", auth: "Bearer t0ken" });
  });

  it("keeps at most 64 KiB of the body", async () => {
    const out = await run({ url: `${base}/big` });
    expect((out.outputs?.body as string).length).toBe(64 * 1024);
  });

  it("rejects a URL that is not http(s) as a config error", async () => {
    expect(await run({ url: "file:///etc/passwd" })).toMatchObject({ status: "Errored", message: "invalid config: url: must be an http or https URL" });
  });
});
