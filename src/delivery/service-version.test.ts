import { describe, expect, it } from "vitest";
import { serviceSchema, type ServiceInput } from "../resources/index.js";
import { serviceVersion } from "./service-version.js";
import { makeService } from "./service.testing.js";

const DIGEST_A = `sha256:${"a".repeat(64)}`;
const DIGEST_B = `sha256:${"b".repeat(64)}`;

const base: Partial<ServiceInput["spec"]> = {
  args: ["--verbose"],
  env: { LOG_LEVEL: "info", REGION: "eu" },
  ports: [{ name: "web", port: 8080 }],
};

describe("serviceVersion", () => {
  const before = serviceVersion(makeService("web", base));

  it("is a short hex string, the same every time", () => {
    expect(before).toMatch(/^[0-9a-f]{12}$/);
    expect(serviceVersion(makeService("web", base))).toBe(before);
  });

  it.each<[string, Partial<ServiceInput["spec"]>]>([
    ["the artifact", { artifact: "localhost:7000/shop/web:1.0.1" }],
    ["the command", { command: ["bin/web", "serve"] }],
    ["the args", { args: ["--quiet"] }],
    ["the order of args", { args: ["--verbose", "-x"] }],
    ["an env value", { env: { LOG_LEVEL: "debug", REGION: "eu" } }],
    ["an env variable added", { env: { LOG_LEVEL: "info", REGION: "eu", NEW: "1" } }],
    ["a port", { ports: [{ name: "web", port: 8081 }] }],
    ["a port's protocol", { ports: [{ name: "web", port: 8080, protocol: "tcp" }] }],
    ["the stop signal", { stopSignal: "SIGINT" }],
    ["the restart policy", { restartPolicy: "Never" }],
  ])("changes with %s", (_name, change) => {
    expect(serviceVersion(makeService("web", { ...base, ...change }))).not.toBe(before);
  });

  it.each<[string, Partial<ServiceInput["spec"]>]>([
    ["the replica count", { replicas: 5 }],
    ["the health check", { health: { exec: { command: ["true"] } } }],
    ["dependsOn", { dependsOn: ["db"] }],
    ["the grace period", { gracePeriod: "1m" }],
    ["a default written out", { restartPolicy: "Always", stopSignal: "SIGTERM", ports: [{ name: "web", port: 8080, protocol: "http" }] }],
  ])("stays the same with %s", (_name, change) => {
    expect(serviceVersion(makeService("web", { ...base, ...change }))).toBe(before);
  });

  it("stays the same whatever the order of keys", () => {
    const reordered = serviceSchema.parse({
      spec: { ports: [{ port: 8080, name: "web" }], env: { REGION: "eu", LOG_LEVEL: "info" }, args: ["--verbose"], command: ["bin/web"], artifact: "localhost:7000/shop/web:1.0.0" },
      metadata: { name: "web" },
      kind: "Service",
      apiVersion: "ferry/v1alpha1",
    });
    expect(serviceVersion(reordered)).toBe(before);
  });

  it("follows the resolved digest of an artifact rather than its tag", () => {
    const web = makeService("web", base);
    const renamedTag = makeService("web", { ...base, artifact: "localhost:7000/shop/web:stable" });

    expect(serviceVersion(web, DIGEST_A)).not.toBe(serviceVersion(web, DIGEST_B));
    expect(serviceVersion(renamedTag, DIGEST_A)).toBe(serviceVersion(web, DIGEST_A));
    expect(serviceVersion(web, DIGEST_A)).not.toBe(before);
  });

  it("changes with the image", () => {
    expect(serviceVersion(makeService("web", { image: "docker.io/library/nginx:1.27" }))).not.toBe(
      serviceVersion(makeService("web", { image: "docker.io/library/nginx:1.28" })),
    );
  });
});
