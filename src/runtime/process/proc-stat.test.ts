import { spawn } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isSameLiveProcess, readProcStat } from "./proc-stat.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("readProcStat", () => {
  it("reads the state, group and start time of a process whose name holds spaces and parentheses", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ferry-proc-stat-"));
    dirs.push(dir);
    const program = join(dir, "a) b (c");
    copyFileSync("/bin/sleep", program);
    const child = spawn(program, ["30"], { detached: true, stdio: "ignore" });
    await once(child, "spawn");

    const stat = await readProcStat(child.pid ?? 0);
    const same = await isSameLiveProcess(child.pid ?? 0, stat?.startTicks ?? "");
    const other = await isSameLiveProcess(child.pid ?? 0, "1");
    child.kill("SIGKILL");
    await once(child, "exit");

    expect(stat).toMatchObject({ pgrp: child.pid, startTicks: expect.stringMatching(/^\d+$/) as unknown });
    expect(same).toBe(true);
    expect(other).toBe(false);
    expect(await readProcStat(child.pid ?? 0)).toBeUndefined();
  });
});
