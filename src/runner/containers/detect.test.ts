import { describe, expect, it } from "vitest";
import { chooseEngine } from "./detect.js";
import { DOCKER } from "./docker.js";
import { PODMAN } from "./podman.js";

const on = (...programs: string[]) => (p: string): string | undefined => (programs.includes(p) ? (p.includes("/") ? p : `/usr/bin/${p}`) : undefined);

describe("chooseEngine", () => {
  it.each<[string, Record<string, string>, string[], ReturnType<typeof chooseEngine>]>([
    ["podman first", {}, ["podman", "docker"], { program: "/usr/bin/podman", kind: "podman" }],
    ["docker without podman (it may be podman's wrapper)", {}, ["docker"], { program: "/usr/bin/docker", kind: "probe" }],
    ["none on PATH", {}, [], undefined],
    ["FERRY_CONTAINER_ENGINE=none", { FERRY_CONTAINER_ENGINE: "none" }, ["podman"], undefined],
    ["FERRY_CONTAINER_ENGINE names one", { FERRY_CONTAINER_ENGINE: "docker" }, ["podman", "docker"], { program: "/usr/bin/docker", kind: "probe" }],
    ["FERRY_CONTAINER_ENGINE as a path", { FERRY_CONTAINER_ENGINE: "/opt/podman" }, ["/opt/podman"], { program: "/opt/podman", kind: "podman" }],
    ["FERRY_CONTAINER_ENGINE not found", { FERRY_CONTAINER_ENGINE: "nerdctl" }, ["podman"], undefined],
  ])("%s", (_name, env, programs, expected) => {
    expect(chooseEngine(env, on(...programs))).toEqual(expected);
  });
});

describe("dialects", () => {
  it("remove containers at once, with their anonymous volumes", () => {
    expect(PODMAN.removeArgs(["a", "b"])).toEqual(["rm", "-f", "-v", "-t", "0", "a", "b"]);
    expect(DOCKER.removeArgs(["a"])).toEqual(["rm", "-f", "-v", "a"]);
  });

  it("have the same capabilities", () => {
    expect(PODMAN.capabilities).toEqual(DOCKER.capabilities);
  });
});
