import { describe, expect, it } from "vitest";
import { decodeHeader, encodeHeader, paxRecord, parsePax, TarFormatError } from "./tar-header.js";

describe("tar headers", () => {
  it.each([
    ["a short name", "a.txt", false],
    ["a 100-byte name", "n".repeat(100), false],
    ["a 101-byte name", "n".repeat(101), true],
    ["a non-ASCII name", "ü.txt", true],
  ])("encodes %s (PAX: %s)", (_case, name, pax) => {
    const encoded = encodeHeader({ name, type: "file", mode: 0o644, size: 5 });
    const main = decodeHeader(encoded.subarray(encoded.length - 512));

    expect(encoded.length > 512).toBe(pax);
    expect(pax ? parsePax(encoded.subarray(512, encoded.length - 512)).path : main.name).toBe(name);
    expect(main.size).toBe(5);
  });

  // A record's length counts its own digits: 97 bytes of body fit in 99; 98 need 101, 997 need 1001.
  it.each([[90, 99], [91, 101], [989, 999], [990, 1001]])("writes a PAX record for a %i-byte value in %i bytes", (valueLength, recordLength) => {
    const record = paxRecord("path", "v".repeat(valueLength));

    expect(Buffer.byteLength(record)).toBe(recordLength);
    expect(record.startsWith(`${recordLength} `)).toBe(true);
    expect(parsePax(Buffer.from(record)).path).toBe("v".repeat(valueLength));
  });

  it("writes sizes past 8 GiB in base-256 with a PAX size", () => {
    const size = 9 * 1024 ** 3 + 7;
    const encoded = encodeHeader({ name: "big", type: "file", mode: 0o644, size });

    expect(parsePax(encoded.subarray(512, 1024)).size).toBe(String(size));
    expect(decodeHeader(encoded.subarray(encoded.length - 512)).size).toBe(size);
  });

  it.each([
    ["no length", Buffer.from("path=x\n")],
    ["a length past the end", Buffer.from("99 path=x\n")],
    ["no key", Buffer.from("6 =ab\n")],
  ])("refuses a PAX record with %s", (_case, data) => {
    expect(() => parsePax(data)).toThrow(TarFormatError);
  });
});
