import { describe, expect, it } from "vitest";
import type { Service } from "../resources/index.js";
import { diffServices, type FieldChange } from "./diff-services.js";
import { formatDiff } from "./format-diff.js";
import { makeService } from "./service.testing.js";

describe("diffServices", () => {
  it("sorts Services into added, removed, changed and unchanged", () => {
    const desired = [makeService("web", { replicas: 2 }), makeService("api"), makeService("db")];
    const live = [makeService("db"), makeService("web"), makeService("old")];

    expect(diffServices(desired, live)).toEqual({
      added: ["api"],
      removed: ["old"],
      changed: [{ name: "web", fields: [{ path: "spec.replicas", from: 1, to: 2 }] }],
      unchanged: ["db"],
    });
  });

  it.each<[string, Service, Service, FieldChange[]]>([
    ["nothing", makeService("web", { env: { A: "1", B: "2" } }), makeService("web", { env: { B: "2", A: "1" } }), []],
    ["an env value", makeService("web", { env: { LOG_LEVEL: "info" } }), makeService("web", { env: { LOG_LEVEL: "debug" } }), [{ path: "spec.env.LOG_LEVEL", from: "info", to: "debug" }]],
    ["an env variable added", makeService("web"), makeService("web", { env: { LOG_LEVEL: "debug" } }), [{ path: "spec.env.LOG_LEVEL", from: undefined, to: "debug" }]],
    ["an env variable removed", makeService("web", { env: { DEBUG: "1" } }), makeService("web"), [{ path: "spec.env.DEBUG", from: "1", to: undefined }]],
    ["a port number", makeService("web", { ports: [{ port: 80 }] }), makeService("web", { ports: [{ port: 81 }] }), [{ path: "spec.ports[0].port", from: 80, to: 81 }]],
    ["a port added", makeService("web", { ports: [{ port: 80 }] }), makeService("web", { ports: [{ port: 80 }, { port: 81 }] }), [{ path: "spec.ports", from: [{ port: 80, protocol: "http" }], to: [{ port: 80, protocol: "http" }, { port: 81, protocol: "http" }] }]],
    ["a command argument", makeService("web", { args: ["-v", "--a"] }), makeService("web", { args: ["-v", "--b"] }), [{ path: "spec.args[1]", from: "--a", to: "--b" }]],
    ["a health check added", makeService("web"), makeService("web", { health: { exec: { command: ["true"] } } }), [{ path: "spec.health", from: undefined, to: { exec: { command: ["true"] }, period: "2s", timeout: "1s", successThreshold: 1, failureThreshold: 3, initialDelay: "0s" } }]],
    ["artifact replaced by image", makeService("web"), makeService("web", { image: "nginx:1.27" }), [
      { path: "spec.artifact", from: "localhost:7000/shop/web:1.0.0", to: undefined },
      { path: "spec.command", from: ["bin/web"], to: undefined },
      { path: "spec.image", from: undefined, to: "nginx:1.27" },
    ]],
    ["several fields, in path order", makeService("web"), makeService("web", { replicas: 3, stopSignal: "SIGINT", dependsOn: ["db"] }), [
      { path: "spec.dependsOn", from: [], to: ["db"] },
      { path: "spec.replicas", from: 1, to: 3 },
      { path: "spec.stopSignal", from: "SIGTERM", to: "SIGINT" },
    ]],
    ["a label with dots in its key", makeService("web", {}, { labels: { "app.kubernetes.io/part-of": "shop" } }), makeService("web", {}, { labels: { "app.kubernetes.io/part-of": "store" } }), [
      { path: 'metadata.labels["app.kubernetes.io/part-of"]', from: "shop", to: "store" },
    ]],
  ])("reports %s", (_name, live, desired, fields) => {
    const diff = diffServices([desired], [live]);

    expect(diff.changed.flatMap((c) => c.fields)).toEqual(fields);
    expect(diff.unchanged).toEqual(fields.length === 0 ? ["web"] : []);
  });
});

describe("formatDiff", () => {
  it("prints +, - and ~ lines a person can read", () => {
    const desired = [makeService("web", { replicas: 3, env: { LOG_LEVEL: "debug" } }), makeService("api")];
    const live = [makeService("web", { env: { TRACE: "1" } }), makeService("old")];

    expect(formatDiff(diffServices(desired, live))).toBe(
      [
        "+ Service api",
        "~ Service web",
        '    + spec.env.LOG_LEVEL: "debug"',
        '    - spec.env.TRACE: "1"',
        "    ~ spec.replicas: 1 -> 3",
        "- Service old",
        "",
      ].join("\n"),
    );
  });

  it("says so when nothing differs", () => {
    expect(formatDiff(diffServices([makeService("web")], [makeService("web")]))).toBe("no changes\n");
  });
});
