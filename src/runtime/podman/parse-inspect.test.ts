import { describe, expect, it } from "vitest";
import { parseInspect } from "./parse-inspect.js";

const labels = {
  "ferry.managed": "abc", "ferry.replica": "shop.web.v1.0.1a2b", "ferry.app": "shop", "ferry.service": "web",
  "ferry.version": "v1", "ferry.index": "0", "ferry.port": "18080", "io.buildah.version": "1.28.2",
};

const container = (state: Record<string, unknown>, more: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ Id: "c0ffee", Created: "2025-06-01T11:59:59Z", Config: { Labels: labels }, State: state, ...more });

describe("parseInspect", () => {
  it("reads a running container as a running replica", () => {
    const json = JSON.stringify([container({ Status: "running", Pid: 4242, ExitCode: 0, StartedAt: "2025-06-01T12:00:00.123456789Z", FinishedAt: "0001-01-01T00:00:00Z" })]);

    expect(parseInspect(json)).toEqual([{
      id: "shop.web.v1.0.1a2b", app: "shop", service: "web", version: "v1", index: 0, port: 18080, state: "running",
      containerId: "c0ffee", pid: 4242, startedAt: "2025-06-01T12:00:00.123Z", settings: {},
    }]);
  });

  it.each([
    [0, null],
    [3, null],
    [137, "SIGKILL"],
    [130, "SIGINT"],
  ])("reads exit code %i as signal %s", (exitCode, signal) => {
    const json = JSON.stringify([container({ Status: "exited", Pid: 0, ExitCode: exitCode, StartedAt: "2025-06-01T12:00:00Z", FinishedAt: "2025-06-01T12:05:00Z" })]);

    expect(parseInspect(json)[0]).toMatchObject({ state: "exited", exitCode, signal, exitedAt: "2025-06-01T12:05:00.000Z" });
  });

  it("reads a container created but never started as exited, started when it was created", () => {
    const json = JSON.stringify([container({ Status: "created", ExitCode: 0, StartedAt: "0001-01-01T00:00:00Z" })]);

    expect(parseInspect(json)[0]).toMatchObject({ state: "exited", startedAt: "2025-06-01T11:59:59.000Z" });
  });

  it("reads every host port, the image the container was started from and its environment", () => {
    const json = JSON.stringify([container(
      { Status: "running", Pid: 7, StartedAt: "2025-06-01T12:00:00Z" },
      { Config: { Labels: { ...labels, "ferry.ports": "18080,18081" }, Image: "localhost/shop/web:2", Env: ["PATH=/bin", "GREETING=a=b", "EMPTY="] } },
    )]);
    expect(parseInspect(json)[0]).toMatchObject({
      port: 18080, ports: [18080, 18081], settings: { image: "localhost/shop/web:2", env: { PATH: "/bin", GREETING: "a=b", EMPTY: "" } },
    });
  });

  it("skips containers without Ferry's labels and output that is not an inspection", () => {
    expect(parseInspect(JSON.stringify([container({ Status: "running" }, { Config: { Labels: null } })]))).toEqual([]);
    expect(parseInspect(JSON.stringify({ message: "no such container" }))).toEqual([]);
    expect(parseInspect("")).toEqual([]);
  });
});
