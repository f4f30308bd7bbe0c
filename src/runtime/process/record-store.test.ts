import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ProcessRecord } from "./process-record.js";
import { createRecordStore } from "./record-store.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ferry-record-store-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const record = (id: string): ProcessRecord => ({
  id, app: "shop", service: "web", version: "v1", index: 0, state: "running", pid: 4242, startTicks: "123",
  startedAt: "2025-06-01T12:00:00.000Z", stopSignal: "SIGTERM", gracePeriodMs: 5000,
});

describe("record store", () => {
  it("reads back what it wrote, one file per replica, and forgets what it removes", async () => {
    const store = createRecordStore(dir);
    await store.init();

    await store.write(record("shop.web.v1.0.aa"));
    await store.write({ ...record("shop.web.v1.0.aa"), state: "exited", exitCode: 0, signal: null });
    await store.write(record("shop.web.v1.1.bb"));
    await store.remove("shop.web.v1.1.bb");

    expect(await store.readAll(() => undefined)).toEqual([{ ...record("shop.web.v1.0.aa"), state: "exited", exitCode: 0, signal: null }]);
    expect(await store.read("shop.web.v1.0.aa")).toMatchObject({ state: "exited" });
    expect(await store.read("shop.web.v1.1.bb")).toBeUndefined();
  });

  it("skips what a crash or a stranger left: half-written temporary files go, unreadable records are reported", async () => {
    const store = createRecordStore(dir);
    await store.init();
    await store.write(record("shop.web.v1.0.aa"));
    writeFileSync(join(dir, "replicas", ".shop.web.v1.1.bb.json.0123.tmp"), '{"id": "shop.web.v1.1.bb", "app"');
    writeFileSync(join(dir, "replicas", "shop.web.v1.2.cc.json"), "not json");
    const bad: string[] = [];

    await createRecordStore(dir).init();
    const records = await store.readAll((file) => bad.push(file));

    expect(records.map((r) => r.id)).toEqual(["shop.web.v1.0.aa"]);
    expect(bad).toEqual([join(dir, "replicas", "shop.web.v1.2.cc.json")]);
    expect(readdirSync(join(dir, "replicas")).sort()).toEqual(["shop.web.v1.0.aa.json", "shop.web.v1.2.cc.json"]);
  });

  it("never reads or removes a path outside its directory", async () => {
    const store = createRecordStore(dir);
    await store.init();
    writeFileSync(join(dir, "outside.json"), JSON.stringify(record("shop.web.v1.0.aa")));

    expect(await store.read("../outside")).toBeUndefined();
    await store.remove("../outside");
    expect(existsSync(join(dir, "outside.json"))).toBe(true);
  });
});
