import { describe, expect, it } from "vitest";
import { matchPath, withQuery } from "./router.js";

describe("matchPath", () => {
  it.each([
    ["/", "/", {}],
    ["/runs", "/runs", {}],
    ["/runs/:id", "/runs/42", { id: "42" }],
    ["/applications/:name", "/applications/web%20app", { name: "web app" }],
    ["/runs/:id", "/runs/42/", { id: "42" }],
  ])("%s matches %s", (pattern, path, params) => {
    expect(matchPath(pattern, path)).toEqual(params);
  });

  it.each([["/runs", "/runs/42"], ["/runs/:id", "/runs"], ["/", "/audit"], ["/promotion", "/promotions/3"]])("%s does not match %s", (pattern, path) => {
    expect(matchPath(pattern, path)).toBeNull();
  });
});

describe("withQuery", () => {
  it("sets and removes parameters, keeping the others", () => {
    const route = { path: "/runs", query: new URLSearchParams("repository=shop&before=90"), search: "?repository=shop&before=90" };
    expect(withQuery(route, { branch: "main", before: undefined })).toBe("/runs?repository=shop&branch=main");
    expect(withQuery(route, { repository: "", before: "" })).toBe("/runs");
  });
});
