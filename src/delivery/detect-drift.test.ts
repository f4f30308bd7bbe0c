import { describe, expect, it } from "vitest";
import type { Replica, ReplicaSettings } from "../runtime/index.js";
import { detectDrift, imageKey, settingsDifferences } from "./detect-drift.js";
import type { KnownService } from "./detect-drift.js";

const replica = (id: string, more: Partial<Replica> = {}): Replica => ({
  id, app: "shop", service: "web", version: "v2", index: 0, state: "running", startedAt: "2025-06-01T12:00:00.000Z", ...more,
});

const web = (managed: readonly string[], more: Partial<KnownService> = {}): KnownService => ({
  name: "web", manages: (id) => managed.includes(id), starting: false,
  desired: { version: "v2", settings: { dir: "/releases/abc", command: ["node", "server.js"], args: [], env: { MODE: "fast" } } }, ...more,
});

describe("detectDrift", () => {
  it.each<[string, KnownService[], Replica[], Array<[string, string]>]>([
    ["nothing when every running replica is supervised and runs what it should", [web(["a"])],
      [replica("a", { settings: { dir: "/releases/abc", command: ["node", "server.js"], args: [], env: { MODE: "fast" } } })], []],
    ["a replica the agent does not supervise is a stray", [web(["a"])], [replica("a"), replica("b")], [["stray", "b"]]],
    ["a replica of a Service the Application does not run is a stray", [web([])], [replica("c", { service: "old-worker" })], [["stray", "c"]]],
    ["no stray while a start is under way (the new replica is not handed over yet)", [web(["a"], { starting: true })], [replica("a"), replica("b")], []],
    ["replicas of other Applications and exited ones are none of its business", [web([])],
      [replica("x", { app: "other" }), replica("y", { state: "exited" })], []],
    ["a supervised replica whose recorded env differs has changed", [web(["a"])],
      [replica("a", { settings: { dir: "/releases/abc", command: ["node", "server.js"], args: [], env: { MODE: "slow" } } })], [["changed", "a"]]],
    ["a replica of an old version is left to the rollout", [web(["a"])],
      [replica("a", { version: "v1", settings: { env: { MODE: "slow" } } })], []],
    ["a replica whose settings the runtime cannot observe is not judged", [web(["a"])], [replica("a")], []],
    ["a Service not applied yet judges no settings", [{ name: "web", manages: () => true, starting: false }], [replica("a", { settings: { env: {} } })], []],
  ])("%s", (_what, services, replicas, expected) => {
    expect(detectDrift("shop", services, replicas).map((d) => [d.kind, d.replica.id])).toEqual(expected);
  });

  it("says what drifted without the values of variables", () => {
    const [drift] = detectDrift("shop", [web(["a"])], [replica("a", { settings: { dir: "/releases/abc", command: ["node", "server.js"], args: [], env: { MODE: "s3cret" } } })]);

    expect(drift?.message).toBe("replica a of Service web: env MODE has another value");
    expect(drift?.message).not.toContain("s3cret");
  });
});

describe("imageKey", () => {
  it.each([
    ["web:1", "localhost/web:1"],
    ["nginx:1.27", "docker.io/library/nginx:1.27"],
    ["nginx", "docker.io/library/nginx:latest"],
    ["team/web:2", "docker.io/team/web:2"],
    [`nginx@sha256:${"a".repeat(64)}`, `docker.io/library/nginx@sha256:${"a".repeat(64)}`],
    ["127.0.0.1:8420/team/web:1", "127.0.0.1:8420/team/web:1"],
  ])("%s is the image an engine reports as %s", (written, reported) => {
    expect(imageKey(written)).toBe(imageKey(reported));
    expect(settingsDifferences({ image: written }, { image: reported })).toEqual([]);
  });

  it("tells other images apart", () => {
    expect(imageKey("web:1")).not.toBe(imageKey("web:2"));
    expect(imageKey("quay.io/web:1")).not.toBe(imageKey("web:1"));
  });
});

describe("settingsDifferences", () => {
  const want: ReplicaSettings = { image: "localhost/web:1", env: { MODE: "fast", LEVEL: "info" } };

  it.each<[string, ReplicaSettings, string[]]>([
    ["the same image and values, with more variables (a container has its image's too)", { image: "localhost/web:1", env: { MODE: "fast", LEVEL: "info", PATH: "/bin" } }, []],
    ["another image", { image: "localhost/web:2", env: { MODE: "fast", LEVEL: "info" } }, ["runs image localhost/web:2, not localhost/web:1"]],
    ["a variable changed and one gone", { image: "localhost/web:1", env: { MODE: "slow" } }, ["env LEVEL is missing", "env MODE has another value"]],
    ["only what the runtime observes is compared", {}, []],
    ["a variable nobody asked for, where the runtime sees all of them", { image: "localhost/web:1", env: { MODE: "fast", LEVEL: "info", DEBUG: "1" }, envComplete: true }, ["env DEBUG is set"]],
  ])("%s", (_what, have, expected) => {
    expect(settingsDifferences(want, have)).toEqual(expected);
  });

  it("compares the release, command and args of a process", () => {
    const process: ReplicaSettings = { dir: "/releases/abc", command: ["node", "server.js"], args: ["--fast"], env: {} };

    expect(settingsDifferences(process, { dir: "/releases/def", command: ["node", "other.js"], args: [], env: {} }))
      .toEqual(["runs from /releases/def, not /releases/abc", "its command differs", "its args differ"]);
  });
});
