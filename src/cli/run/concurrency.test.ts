import { describe, expect, it } from "vitest";
import { createConcurrencyGroups } from "./concurrency.js";

describe("concurrency groups", () => {
  it("runs one at a time in a group and lets the next in when the first leaves", async () => {
    const groups = createConcurrencyGroups();
    const first = await groups.enter("deploy", false);
    expect(first.cancelled).toBe(false);
    let secondIn = false;
    const second = groups.enter("deploy", false).then((a) => { secondIn = true; return a; });
    await new Promise((r) => setTimeout(r, 10));
    expect(secondIn).toBe(false);
    if (!first.cancelled) first.leave();
    expect((await second).cancelled).toBe(false);
  });

  it("cancels the pending one when a newer one arrives", async () => {
    const groups = createConcurrencyGroups();
    const first = await groups.enter("g", false);
    const second = groups.enter("g", false);
    const third = groups.enter("g", false);
    expect((await second).cancelled).toBe(true);
    if (!first.cancelled) first.leave();
    expect((await third).cancelled).toBe(false);
  });

  it("aborts the running one with cancel-in-progress", async () => {
    const groups = createConcurrencyGroups();
    const first = await groups.enter("g", true);
    if (first.cancelled) throw new Error("unexpected");
    const second = groups.enter("g", true);
    expect(first.signal.aborted).toBe(true);
    first.leave();
    expect((await second).cancelled).toBe(false);
  });

  it("keeps different groups apart", async () => {
    const groups = createConcurrencyGroups();
    const a = await groups.enter("a", true);
    const b = await groups.enter("b", true);
    expect(a.cancelled || b.cancelled).toBe(false);
    if (!a.cancelled) expect(a.signal.aborted).toBe(false);
  });
});
