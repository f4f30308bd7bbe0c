import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createExecProbe } from "./exec-probe.js";

const dirs: string[] = [];
const signal = (): AbortSignal => new AbortController().signal;

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Running, and not a zombie waiting for a reaper (PID 1 in a container may never reap it). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

describe("createExecProbe", () => {
  it("is ok when the command exits 0", async () => {
    expect(await createExecProbe({ command: ["true"] })({ host: "127.0.0.1" }, signal())).toEqual({ ok: true, message: "exit 0" });
  });

  it("fails with the exit code when the command exits non-zero", async () => {
    const result = await createExecProbe({ command: ["sh", "-c", "exit 1"] })({ host: "127.0.0.1" }, signal());
    expect(result).toEqual({ ok: false, message: "exit 1" });
  });

  it("includes the tail of the command's output in the message", async () => {
    const result = await createExecProbe({ command: ["sh", "-c", "echo database unreachable >&2; exit 3"] })({ host: "127.0.0.1" }, signal());
    expect(result).toEqual({ ok: false, message: "exit 3: database unreachable" });
  });

  it("runs argv without a shell: arguments are passed literally", async () => {
    const result = await createExecProbe({ command: ["echo", "$(id -u) `id -u`; exit 7"] })({ host: "127.0.0.1" }, signal());
    expect(result).toEqual({ ok: true, message: "exit 0: $(id -u) `id -u`; exit 7" });
  });

  it("gives the command PORT from the target and only the environment it is told to", async () => {
    const probe = createExecProbe({ command: ["sh", "-c", 'test "$PORT" = 4321 && test "$STAGE" = dev && test -z "$HOME"'], env: { PATH: process.env.PATH ?? "/usr/bin:/bin", STAGE: "dev" } });
    expect(await probe({ host: "127.0.0.1", port: 4321 }, signal())).toMatchObject({ ok: true });
  });

  it("reports a missing program", async () => {
    const result = await createExecProbe({ command: ["ferry-no-such-program"] })({ host: "127.0.0.1" }, signal());
    expect(result).toEqual({ ok: false, message: "command not found: ferry-no-such-program" });
  });

  it("kills the command and what it started when the signal aborts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ferry-exec-probe-"));
    dirs.push(dir);
    const pidFile = join(dir, "pid");
    const controller = new AbortController();
    const probe = createExecProbe({ command: ["sh", "-c", `sleep 30 & echo $! > ${pidFile}; wait`] });
    const result = probe({ host: "127.0.0.1" }, controller.signal);
    let sleepPid = 0;
    while (sleepPid === 0) {
      sleepPid = Number(await readFile(pidFile, "utf8").catch(() => "0")) || 0;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    controller.abort();
    expect(await result).toEqual({ ok: false, message: "aborted" });
    while (isAlive(sleepPid)) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(isAlive(sleepPid)).toBe(false);
  });

  it("rejects an empty command", () => {
    expect(() => createExecProbe({ command: [] })).toThrow(TypeError);
  });
});
