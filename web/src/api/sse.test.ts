import { describe, expect, it } from "vitest";
import { createSseParser } from "./sse.js";

describe("createSseParser", () => {
  it("parses messages split across chunks anywhere", () => {
    const text = "id: 1\r\ndata: {\"a\":1}\r\n\r\nevent: end\ndata: {}\n\n";
    for (let cut = 0; cut <= text.length; cut++) {
      const p = createSseParser();
      const got = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      expect(got).toEqual([{ event: "message", id: "1", data: "{\"a\":1}" }, { event: "end", id: "1", data: "{}" }]);
    }
  });

  it("skips heartbeat comments and joins multi-line data", () => {
    const p = createSseParser();
    expect(p.push(": ping\n\ndata: one\ndata: two\r\n\r\n")).toEqual([{ event: "message", id: undefined, data: "one\ntwo" }]);
  });
});
