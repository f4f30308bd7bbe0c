import { describe, expect, it } from "vitest";
import { GitError } from "./git.js";
import { assertRepositoryUrl, redactUrl, redactUrlIn, urlError } from "./redact-url.js";

describe("redactUrl", () => {
  it.each([
    ["https://user:secret@example.com/o/r.git", "https://user:***@example.com/o/r.git"],
    ["https://x-access-token:ghs_abc@github.com/o/r", "https://x-access-token:***@github.com/o/r"],
    ["https://u:p%40ss@host:8443/r?x=1", "https://u:***@host:8443/r?x=1"],
    ["https://u:p@ss@host/r", "https://u:***@host/r"],
    ["ssh://git:pw@host/r", "ssh://git:***@host/r"],
    ["https://user@example.com/o/r", "https://user@example.com/o/r"],
    ["https://user:@example.com/o/r", "https://user:@example.com/o/r"],
    ["https://example.com/a:b@c", "https://example.com/a:b@c"],
    ["git@github.com:o/r.git", "git@github.com:o/r.git"],
    ["/srv/repos/app", "/srv/repos/app"],
  ])("%s → %s", (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it("redacts the URL and its password as written and decoded", () => {
    const url = "https://u:p%40ss@host/r";
    expect(redactUrlIn(`a ${url} b p%40ss c p@ss`, url)).toBe("a https://u:***@host/r b *** c ***");
  });
});

describe("urlError", () => {
  it("rebuilds a GitError around the redacted URL", () => {
    const url = "https://u:hunter2@host/r";
    const original = new GitError(["fetch", "--quiet", url], `fatal: unable to access '${url}': nope\n`, 128);

    const error = urlError(original, "fetch", url);

    expect(error).toBeInstanceOf(GitError);
    expect(error.message).toBe("git fetch https://u:***@host/r failed: fatal: unable to access 'https://u:***@host/r': nope");
    expect((error as GitError).exitCode).toBe(128);
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain("hunter2");
  });

  it("redacts other errors' messages", () => {
    expect(urlError(new Error("bad https://u:hunter2@h/r"), "fetch", "https://u:hunter2@h/r").message).toBe(
      "bad https://u:***@h/r",
    );
  });
});

describe("assertRepositoryUrl", () => {
  it.each(["", "-u", "--upload-pack=evil", "https://h/r\nx", "a\0b"])("rejects %j", (url) => {
    expect(() => assertRepositoryUrl(url)).toThrow(/invalid repository URL/);
  });

  it("does not echo the password of a rejected URL", () => {
    const error = ((): unknown => {
      try {
        assertRepositoryUrl("https://u:hunter2@h/r\n");
      } catch (e: unknown) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain("https://u:***@h/r");
    expect((error as Error).message).not.toContain("hunter2");
  });
});
