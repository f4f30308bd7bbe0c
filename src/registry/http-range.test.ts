import { describe, expect, it } from "vitest";
import { parseContentRange, parseRangeHeader, uploadRange } from "./http-range.js";

describe("ranges", () => {
  it.each([
    [undefined, 10, undefined], ["bytes=2-5", 10, { start: 2, end: 5 }], ["bytes=7-", 10, { start: 7, end: 9 }],
    ["bytes=-3", 10, { start: 7, end: 9 }], ["bytes=5-100", 10, { start: 5, end: 9 }], ["bytes=10-", 10, "unsatisfiable"],
    ["bytes=5-2", 10, "unsatisfiable"], ["bytes=0-1,4-5", 10, undefined], ["items=0-1", 10, undefined],
  ])("Range %s of %i bytes → %j", (header, size, expected) => expect(parseRangeHeader(header, size)).toEqual(expected));

  it("reads a chunk's Content-Range and describes an upload's Range", () => {
    expect(parseContentRange("0-99")).toEqual({ start: 0, end: 99 });
    expect(parseContentRange(undefined)).toBeUndefined();
    expect(() => parseContentRange("5-1")).toThrow(expect.objectContaining({ code: "BLOB_UPLOAD_INVALID" }));
    expect(() => parseContentRange("abc")).toThrow(expect.objectContaining({ code: "BLOB_UPLOAD_INVALID" }));
    expect([uploadRange(0), uploadRange(1), uploadRange(100)]).toEqual(["0-0", "0-0", "0-99"]);
  });
});
