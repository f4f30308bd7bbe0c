import { describe, expect, it } from "vitest";
import { sourceLink } from "./source-link.js";

describe("sourceLink", () => {
  it.each([
    ["https://github.com/acme/app.git", "src/a.ts", 12, "https://github.com/acme/app/blob/abc123/src/a.ts#L12"],
    ["https://gitea.example.com/acme/app", "./lib/b c.js", undefined, "https://gitea.example.com/acme/app/blob/abc123/lib/b%20c.js"],
    ["https://user:secret@gitlab.com/acme/app.git", "x.py", 3, "https://gitlab.com/acme/app/-/blob/abc123/x.py#L3"],
  ])("%s %s:%s → %s", (url, file, line, want) => {
    expect(sourceLink(url, "abc123", file, line)).toBe(want);
  });

  it.each([["/srv/git/app.git"], ["git@github.com:acme/app.git"], [undefined]])("has no page for %s", (url) => {
    expect(sourceLink(url, "abc123", "a.ts", 1)).toBeUndefined();
  });
});
