import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import { endToEndHeaders } from "./forwarded-headers.js";

describe("endToEndHeaders", () => {
  it.each<[string, IncomingHttpHeaders, IncomingHttpHeaders]>([
    ["keeps ordinary headers", { "content-type": "text/plain", "x-a": "1" }, { "content-type": "text/plain", "x-a": "1" }],
    ["drops standard hop-by-hop headers", { connection: "keep-alive", "keep-alive": "timeout=5", "transfer-encoding": "chunked", te: "trailers", upgrade: "h2c", "x-a": "1" }, { "x-a": "1" }],
    ["drops headers the Connection header names", { connection: "close, X-Trace", "x-trace": "t", "x-a": "1" }, { "x-a": "1" }],
    ["keeps multi-value headers as lists", { "set-cookie": ["a=1", "b=2"] }, { "set-cookie": ["a=1", "b=2"] }],
  ])("%s", (_name, input, expected) => {
    expect(endToEndHeaders(input)).toEqual(expected);
  });
});
