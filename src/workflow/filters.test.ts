import { describe, it, expect } from "vitest";
import { compileFilterPattern, matchesAnyPath, matchesFilters } from "./filters.js";

describe("compileFilterPattern: branch and tag cheat sheet", () => {
  it.each([
    ["feature/*", "feature/my-branch", true],
    ["feature/*", "feature/your-branch", true],
    ["feature/*", "feature/your/branch", false],
    ["feature/**", "feature/beta-a/my-branch", true],
    ["feature/**", "feature/your-branch", true],
    ["feature/**", "feature/mona/the/octocat", true],
    ["main", "main", true],
    ["main", "main2", false],
    ["main", "xmain", false],
    ["releases/mona-the-octocat", "releases/mona-the-octocat", true],
    ["*", "main", true],
    ["*", "releases", true],
    ["*", "releases/v1", false],
    ["**", "all/the/branches", true],
    ["**", "every/tag", true],
    ["*feature", "mona-feature", true],
    ["*feature", "feature", true],
    ["*feature", "ver-10-feature", true],
    ["*feature", "a/feature", false],
    ["v2*", "v2", true],
    ["v2*", "v2.0", true],
    ["v2*", "v2.9", true],
    ["v2*", "v3", false],
    ["v[12].[0-9]+.[0-9]+", "v1.10.1", true],
    ["v[12].[0-9]+.[0-9]+", "v2.0.0", true],
    ["v[12].[0-9]+.[0-9]+", "v3.0.0", false],
    ["v[12].[0-9]+.[0-9]+", "v1.0", false],
    ["v[12].[0-9]+.[0-9]+", "v1.a.0", false],
    // "." is literal, not a regex wildcard
    ["v[12].[0-9]+.[0-9]+", "v1x0x0", false],
    ["[CB]at", "Cat", true],
    ["[CB]at", "Bat", true],
    ["[CB]at", "Rat", false],
    ["[1-2]00", "100", true],
    ["[1-2]00", "200", true],
    ["[1-2]00", "300", false],
    ["[0-9a-z]", "q", true],
    ["[0-9a-z]", "Q", false],
    ["Octo*", "Octocat", true],
  ])("%s vs %s -> %s", (pattern, value, expected) => {
    expect(compileFilterPattern(pattern).test(value)).toBe(expected);
  });
});

describe("compileFilterPattern: path cheat sheet", () => {
  it.each([
    ["*", "README.md", true],
    ["*", "server.rb", true],
    ["*", "docs/README.md", false],
    ["*.jsx?", "page.js", true],
    ["*.jsx?", "page.jsx", true],
    ["*.jsx?", "page.jsxx", false],
    ["**", "all/the/files.md", true],
    ["*.js", "app.js", true],
    ["*.js", "index.js", true],
    ["*.js", "src/app.js", false],
    ["**.js", "index.js", true],
    ["**.js", "js/index.js", true],
    ["**.js", "src/js/app.js", true],
    ["**.js", "src/js/app.ts", false],
    ["docs/*", "docs/README.md", true],
    ["docs/*", "docs/file.txt", true],
    ["docs/*", "docs/mona/octocat.txt", false],
    ["docs/**", "docs/README.md", true],
    ["docs/**", "docs/mona/octocat.txt", true],
    ["docs/**", "src/docs/file.txt", false],
    ["docs/**/*.md", "docs/README.md", true],
    ["docs/**/*.md", "docs/mona/hello-world.md", true],
    ["docs/**/*.md", "docs/a/markdown/file.md", true],
    ["docs/**/*.md", "docs/a/markdown/file.txt", false],
    ["**/docs/**", "docs/hello.md", true],
    ["**/docs/**", "dir/docs/my-file.txt", true],
    ["**/docs/**", "space/docs/plan/space.doc", true],
    ["**/docs/**", "mydocs/file.txt", false],
    ["**/README.md", "README.md", true],
    ["**/README.md", "js/README.md", true],
    ["**/README.md", "js/NOT-README.md", false],
    ["**/*src/**", "a/src/app.js", true],
    ["**/*src/**", "my-src/code/js/app.js", true],
    ["**/*-post.md", "my-post.md", true],
    ["**/*-post.md", "path/their-post.md", true],
    ["**/migrate-*.sql", "migrate-10909.sql", true],
    ["**/migrate-*.sql", "db/migrate-v1.0.sql", true],
    ["**/migrate-*.sql", "db/sept/migrate-v1.sql", true],
  ])("%s vs %s -> %s", (pattern, value, expected) => {
    expect(compileFilterPattern(pattern).test(value)).toBe(expected);
  });
});

describe("compileFilterPattern: operators and escaping", () => {
  it.each([
    // "?" and "+" quantify the preceding character, unlike shell globs
    ["Octoc?t", "Octot", true],
    ["Octoc?t", "Octoct", true],
    ["Octoc?t", "Octocat", false],
    ["ab+c", "abbbc", true],
    ["ab+c", "ac", false],
    // escaped specials are literal
    ["release\\+hotfix", "release+hotfix", true],
    ["release\\+hotfix", "releasehotfix", false],
    ["what\\?", "what?", true],
    ["what\\?", "wha", false],
    ["\\*.md", "*.md", true],
    ["\\*.md", "a.md", false],
    ["a\\[1\\]", "a[1]", true],
    // regex syntax that GitHub does not use stays literal
    ["(a|b)", "(a|b)", true],
    ["(a|b)", "a", false],
    ["a{2}", "a{2}", true],
    ["^main$", "^main$", true],
    // "!" is literal here: negation is matchesFilters' business
    ["!main", "!main", true],
    // a quantifier with nothing to quantify is literal
    ["+x", "+x", true],
    ["*?", "a?", true],
    // "**/" only drops a whole directory at a segment start
    ["a**/b", "ab", false],
    ["a**/b", "ax/y/b", true],
    // a range inside a bracket, then a quantifier on the class
    ["[a-c]+", "abcabc", true],
    ["[a-c]+", "abd", false],
    // non-ASCII characters are single units for quantifiers
    ["café?", "caf", true],
    ["😀+", "😀😀", true],
  ])("%s vs %s -> %s", (pattern, value, expected) => {
    expect(compileFilterPattern(pattern).test(value)).toBe(expected);
  });

  it.each([["[abc"], ["[]"], ["[z-a]"], ["[a-Z]"], ["[a-9]"], ["[!-/]"]])("rejects malformed bracket %s", (pattern) => {
    expect(() => compileFilterPattern(pattern)).toThrow(/filter pattern/);
  });

  it("matches case-sensitively", () => {
    expect(compileFilterPattern("Main").test("main")).toBe(false);
  });
});

describe("matchesFilters", () => {
  it.each<[string, string[], boolean]>([
    ["feature/x", ["feature/**", "!feature/skip"], true],
    ["feature/skip", ["feature/**", "!feature/skip"], false],
    ["main", ["feature/**", "!feature/skip"], false],
    // the last matching pattern wins
    ["hello.md", ["*.md", "!README.md"], true],
    ["README.md", ["*.md", "!README.md"], false],
    ["docs/hello.md", ["*.md", "!README.md"], false],
    ["README.md", ["*.md", "!README.md", "README*"], true],
    ["README.doc", ["*.md", "!README.md", "README*"], true],
    ["releases/10-alpha", ["releases/**", "!releases/**-alpha"], false],
    ["releases/10", ["releases/**", "!releases/**-alpha"], true],
    // a negation before any positive pattern excludes nothing
    ["main", ["!main", "**"], true],
    // an escaped "!" is a literal character, not a negation
    ["!odd", ["\\!odd"], true],
    ["anything", [], false],
  ])("%s with %j -> %s", (value, patterns, expected) => {
    expect(matchesFilters(value, patterns)).toBe(expected);
  });
});

describe("matchesAnyPath", () => {
  it.each<[string[], string[], boolean]>([
    [["src/a.js", "docs/a.md"], ["**.js"], true],
    [["docs/a.md"], ["**.js"], false],
    [[], ["**"], false],
    [["sub-project/index.js"], ["sub-project/**", "!sub-project/docs/**"], true],
    [["sub-project/src/index.js"], ["sub-project/**", "!sub-project/docs/**"], true],
    [["sub-project/docs/readme.md"], ["sub-project/**", "!sub-project/docs/**"], false],
    [["sub-project/docs/readme.md", "sub-project/a.js"], ["sub-project/**", "!sub-project/docs/**"], true],
  ])("%j with %j -> %s", (paths, patterns, expected) => {
    expect(matchesAnyPath(paths, patterns)).toBe(expected);
  });
});
