import assert from "node:assert/strict";
import { test } from "node:test";
import { greeting, parseBuild } from "./greeting.mjs";

test("the page shows the message, the version and the short commit", () => {
  const build = parseBuild("0.1.7\n0123456789abcdef0123456789abcdef01234567\n");
  assert.equal(greeting("Hello!\n", build), "Hello!\nversion 0.1.7 (commit 0123456)\n");
});

test("a build without a BUILD file says it is unreleased", () => {
  assert.equal(greeting("Hello!", parseBuild("")), "Hello!\nversion unreleased\n");
});
