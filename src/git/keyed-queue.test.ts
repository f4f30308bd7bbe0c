import { describe, expect, it } from "vitest";
import { createKeyedQueue } from "./keyed-queue.js";

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve = (): void => undefined;
  let reject = (_error: Error): void => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("createKeyedQueue", () => {
  it("runs tasks of one key one after another, in order, and other keys alongside", async () => {
    const queue = createKeyedQueue();
    const log: string[] = [];
    const first = deferred();
    const other = deferred();

    const a1 = queue.run("a", async () => {
      log.push("a1 start");
      await first.promise;
      log.push("a1 end");
      return 1;
    });
    const a2 = queue.run("a", () => {
      log.push("a2");
      return Promise.resolve(2);
    });
    const b = queue.run("b", async () => {
      log.push("b start");
      await other.promise;
      return 3;
    });
    // b starts while a1 is still running; a2 waits for a1.
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(["a1 start", "b start"]);

    first.resolve();
    other.resolve();
    expect(await Promise.all([a1, a2, b])).toEqual([1, 2, 3]);
    expect(log).toEqual(["a1 start", "b start", "a1 end", "a2"]);
  });

  it("keeps going after a task fails, and reports the failure to its caller only", async () => {
    const queue = createKeyedQueue();
    const failing = deferred();
    const first = queue.run("a", () => failing.promise);
    const second = queue.run("a", () => Promise.resolve("ok"));
    failing.reject(new Error("boom"));

    await expect(first).rejects.toThrow("boom");
    expect(await second).toBe("ok");
  });
});
