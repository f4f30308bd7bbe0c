import { describe, expect, it } from "vitest";
import { matchNodeSpec, parseNodeVersion } from "./node-version-spec.js";
import type { HostNode } from "./node-version-spec.js";

const host: HostNode = { version: [20, 11, 1], lts: "Iron" };
const current: HostNode = { version: [21, 2, 0], lts: undefined };

describe("matchNodeSpec", () => {
  it.each([
    "20", "v20", "20.x", "20.X", "20.*", "20.11", "20.11.1", "v20.11.1", "20.11.x", "*", "x",
    ">=18", ">= 18", ">18", ">20.10", "<21", "<=20", "<=20.11", "^20.1", "^20", "~20.11.0", "~20", "=20.11.1",
    ">=18 <21", "18 - 20", "16 || 20", "^18 || ^20", "lts/*", "lts/iron", "LTS/Iron", "lts/-1", "latest", "node", "current",
  ])("accepts %s for 20.11.1 (LTS)", (spec) => {
    expect(matchNodeSpec(spec, host).ok).toBe(true);
  });

  it.each([
    "18", "21", "20.12", "20.11.2", ">20", ">=21", "<20", "<20.11.1", "^20.12", "~20.10", ">=18 <20", "21 - 22", "16 || 18",
    "lts/hydrogen", "lts/unknown", "20-nightly", "20.11.1-rc.1", "banana",
  ])("rejects %s for 20.11.1", (spec) => {
    expect(matchNodeSpec(spec, host).ok).toBe(false);
  });

  it("only accepts LTS aliases on an LTS release", () => {
    expect(matchNodeSpec("lts/*", current).ok).toBe(false);
    expect(matchNodeSpec("latest", current).ok).toBe(true);
  });

  it("parses process.version", () => {
    expect(parseNodeVersion("v20.19.0")).toEqual([20, 19, 0]);
    expect(parseNodeVersion("20")).toBeUndefined();
  });
});
