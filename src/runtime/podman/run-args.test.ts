import { describe, expect, it } from "vitest";
import { parseReplicaSpec } from "../parse-spec.js";
import type { ReplicaSpecInput } from "../schema.js";
import { containerPortEnv, envFileOf, runArgs } from "./run-args.js";

const base: ReplicaSpecInput = { app: "shop", service: "web", version: "v1", index: 0, source: { kind: "image", image: "registry.local/shop@sha256:abc" } };

function argsOf(more: Partial<ReplicaSpecInput>, command?: string[]): string[] {
  const spec = parseReplicaSpec({ ...base, ...more });
  return runArgs({ name: "ferry-shop-web-0-1a2b", labels: { "ferry.app": "shop" }, spec, image: "registry.local/shop@sha256:abc", command, envFile: "/state/tmp/x.env" });
}

describe("runArgs", () => {
  it("runs detached with its name, labels, stop signal, grace, env file and image", () => {
    expect(argsOf({ stopSignal: "SIGINT", gracePeriodMs: 1500 })).toEqual([
      "run", "-d", "--name", "ferry-shop-web-0-1a2b", "--label", "ferry.app=shop",
      "--stop-signal", "SIGINT", "--stop-timeout", "2", "--env-file", "/state/tmp/x.env", "registry.local/shop@sha256:abc",
    ]);
  });

  it.each([
    [{ port: 8080 }, "127.0.0.1:8080:8080"],
    [{ port: 18080, containerPort: 80 }, "127.0.0.1:18080:80"],
  ])("publishes %j on loopback as %s", (ports, published) => {
    const args = argsOf(ports);

    expect(args[args.indexOf("-p") + 1]).toBe(published);
  });

  it("publishes every port, each on a host port of its own", () => {
    const args = argsOf({ ports: [{ name: "http", port: 18080, containerPort: 80 }, { name: "admin", port: 18081, containerPort: 9090 }] });

    expect(args.filter((_, i) => args[i - 1] === "-p")).toEqual(["127.0.0.1:18080:80", "127.0.0.1:18081:9090"]);
  });

  it("tells the container its ports inside it, by index and by name", () => {
    const spec = parseReplicaSpec({ ...base, ports: [{ name: "http", port: 18080, containerPort: 80 }, { name: "admin-api", port: 18081 }] });

    expect(containerPortEnv(spec)).toEqual({ PORT: "80", PORT_0: "80", PORT_HTTP: "80", PORT_1: "18081", PORT_ADMIN_API: "18081" });
  });

  it("publishes nothing without a port", () => {
    expect(argsOf({})).not.toContain("-p");
  });

  it.each([
    [undefined, ["--serve"], ["registry.local/shop@sha256:abc", "--serve"]],
    [["/bin/sh", "-c", "echo $HOME"], ["extra"], ["--entrypoint", "/bin/sh", "registry.local/shop@sha256:abc", "-c", "echo $HOME", "extra"]],
  ])("with command %j and args %j ends with %j", (command, args, tail) => {
    const all = argsOf({ args }, command);

    expect(all.slice(-tail.length)).toEqual(tail);
  });

  it("keeps environment values off the command line", () => {
    expect(argsOf({ env: { TOKEN: "very-secret" } }).join(" ")).not.toContain("very-secret");
  });
});

describe("envFileOf", () => {
  it("writes one KEY=value line each, and hands values with newlines to the engine's environment", () => {
    expect(envFileOf({ A: "1", SPACED: " a b ", QUOTED: "'x'=\"y\"", MULTI: "one\ntwo" })).toEqual({
      text: "A=1\nSPACED= a b \nQUOTED='x'=\"y\"\nMULTI\n",
      engineEnv: { MULTI: "one\ntwo" },
    });
  });

  it("writes an empty file for no environment", () => {
    expect(envFileOf({})).toEqual({ text: "", engineEnv: {} });
  });
});
