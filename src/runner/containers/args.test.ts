import { describe, expect, it } from "vitest";
import { KEEP_ALIVE_SCRIPT, buildArgs, envFile, execArgs, parseInspect, runArgs, splitWords, startArgs } from "./args.js";
import type { ContainerSpec } from "./types.js";

const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({ image: "localhost/tiny:1", env: {}, options: [], volumes: [], ports: [], ...over });
const labels = { ferry: "true", "ferry.instance": "abc" };

describe("splitWords", () => {
  it.each<[string, string[]]>([
    ["", []],
    ["  --cpus 1  --memory=1g ", ["--cpus", "1", "--memory=1g"]],
    [`--health-cmd "pg_isready -U postgres" --health-interval 10s`, ["--health-cmd", "pg_isready -U postgres", "--health-interval", "10s"]],
    [`-c 'echo $HOME; exit 3'`, ["-c", "echo $HOME; exit 3"]],
    [String.raw`a\ b "c \"d\" \x" ''`, ["a b", String.raw`c "d" \x`, ""]],
    ["x'y'\"z\"", ["xyz"]],
  ])("%j", (text, words) => {
    expect(splitWords(text)).toEqual(words);
  });

  it("rejects an unclosed quote", () => {
    expect(() => splitWords(`--label "a`)).toThrow(/unclosed "/);
  });
});

describe("startArgs", () => {
  const base = { name: "ferry-abc", labels, mounts: ["/ws", "/tmp/job"], publish: true };

  it("keeps a job container alive with sh, the job's paths mounted at the same place", () => {
    expect(startArgs({
      ...base, network: "ferry-abc", readOnlyMounts: ["/cache/actions"], envFile: "/scratch/env", keepAlive: "shell",
      spec: spec({ volumes: ["/data:/data"], ports: ["8080"], options: ["--cpus", "1"] }),
    })).toEqual([
      "run", "-d", "--name", "ferry-abc", "--label", "ferry=true", "--label", "ferry.instance=abc",
      "--network", "ferry-abc",
      "-v", "/ws:/ws", "-v", "/tmp/job:/tmp/job", "-v", "/cache/actions:/cache/actions:ro", "-v", "/data:/data",
      "-p", "8080", "--env-file", "/scratch/env", "--cpus", "1",
      "--entrypoint", "sh", "localhost/tiny:1", "-c", KEEP_ALIVE_SCRIPT,
    ]);
  });

  it("falls back to the image's own command", () => {
    expect(startArgs({ ...base, keepAlive: "image", spec: spec({ command: ["ignored"] }) }).slice(-2)).toEqual(["/tmp/job:/tmp/job", "localhost/tiny:1"]);
  });

  it("starts a service with its alias, entrypoint and command", () => {
    const args = startArgs({
      ...base, mounts: [], network: "net", aliases: ["web"], publish: false,
      spec: spec({ ports: ["8080:80"], entrypoint: "busybox", command: ["httpd", "-f", "-p", "8080"] }),
    });
    expect(args).toEqual([
      "run", "-d", "--name", "ferry-abc", "--label", "ferry=true", "--label", "ferry.instance=abc",
      "--network", "net", "--network-alias", "web", "--entrypoint", "busybox", "localhost/tiny:1", "httpd", "-f", "-p", "8080",
    ]);
  });

  it("puts no value of the environment on the command line", () => {
    const args = startArgs({ ...base, envFile: "/scratch/env", spec: spec({ env: { TOKEN: "s3cret" } }) });
    expect(args.join(" ")).not.toContain("s3cret");
  });
});

describe("execArgs, runArgs, buildArgs", () => {
  it("execs a step with an env file and a working directory", () => {
    expect(execArgs({ container: "c1", envFile: "/s/env", workdir: "/ws/sub", command: ["sh", "-e", "/s/script.sh"] }))
      .toEqual(["exec", "--env-file", "/s/env", "-w", "/ws/sub", "c1", "sh", "-e", "/s/script.sh"]);
  });

  it("runs a Docker step in a container removed when it exits", () => {
    expect(runArgs({
      name: "ferry-abc-step-1", labels: { ferry: "true" }, network: "net", mounts: ["/ws"], workdir: "/ws", envFile: "/s/env",
      image: "localhost/tiny:1", entrypoint: "sh", args: ["-c", "echo hi"],
    })).toEqual([
      "run", "--rm", "--name", "ferry-abc-step-1", "--label", "ferry=true", "--network", "net", "-v", "/ws:/ws",
      "-w", "/ws", "--env-file", "/s/env", "--entrypoint", "sh", "localhost/tiny:1", "-c", "echo hi",
    ]);
    expect(runArgs({ name: "n", labels: {}, mounts: [], workdir: "/ws", envFile: "/e", image: "i", entrypoint: "", args: [] }))
      .toEqual(["run", "--rm", "--name", "n", "-w", "/ws", "--env-file", "/e", "i"]);
  });

  it("builds from a Dockerfile", () => {
    expect(buildArgs({ contextDir: "/a", dockerfile: "/a/Dockerfile", tag: "localhost/x:latest" })).toEqual(["build", "-t", "localhost/x:latest", "-f", "/a/Dockerfile", "/a"]);
  });
});

describe("envFile", () => {
  it("writes NAME=value lines and leaves values a line cannot hold to the engine's environment", () => {
    const f = envFile({ A: "1", SPACED: " x = y ", MULTI: "l1\nl2", CR: "a\r", EMPTY: "", "BAD NAME": "x", "": "y", "A=B": "z" });
    expect(f.content).toBe("A=1\nSPACED= x = y \nMULTI\nCR\nEMPTY=\n");
    expect(f.inherited).toEqual({ MULTI: "l1\nl2", CR: "a\r" });
  });

  it("is empty for no variables", () => {
    expect(envFile({})).toEqual({ content: "", inherited: {} });
  });
});

describe("parseInspect", () => {
  it("reads podman's inspect", () => {
    const json = JSON.stringify([{
      State: { Running: true, ExitCode: 0 },
      Config: {
        Env: ["PATH=/usr/bin:/bin", "TERM=xterm", "EQ=a=b"],
        Healthcheck: { Test: ["CMD-SHELL", "true"], Interval: 1_000_000_000, Timeout: 30_000_000_000, Retries: 5 },
      },
      NetworkSettings: { Ports: { "8080/tcp": [{ HostIp: "", HostPort: "38867" }], "53/udp": [{ HostIp: "", HostPort: "40000" }], "9000/tcp": null } },
    }]);
    expect(parseInspect(json)).toEqual({
      running: true, exitCode: 0,
      env: { PATH: "/usr/bin:/bin", TERM: "xterm", EQ: "a=b" },
      ports: { "8080": "38867", "53/udp": "40000" },
      health: { intervalMs: 1000, retries: 5, startPeriodMs: 0 },
    });
  });

  it("reads Docker's inspect: defaults for a health check without timings, none for NONE", () => {
    const base = { State: { Running: false, ExitCode: 3 }, NetworkSettings: { Ports: {} } };
    expect(parseInspect(JSON.stringify([{ ...base, Config: { Env: null, Healthcheck: { Test: ["CMD", "x"], StartPeriod: 2_000_000_000 } } }])))
      .toEqual({ running: false, exitCode: 3, env: {}, ports: {}, health: { intervalMs: 30_000, retries: 3, startPeriodMs: 2000 } });
    expect(parseInspect(JSON.stringify([{ ...base, Config: { Healthcheck: { Test: ["NONE"] } } }])).health).toBeUndefined();
  });

  it("rejects an empty answer", () => {
    expect(() => parseInspect("[]")).toThrow(/no container/);
  });
});
