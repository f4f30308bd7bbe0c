import { describe, expect, it } from "vitest";
import { containerSpecOf, serviceSpecsOf } from "./spec.js";

describe("containerSpecOf", () => {
  it("takes a string as the image", () => {
    expect(containerSpecOf("node:20", "container")).toEqual({ image: "node:20", env: {}, options: [], volumes: [], ports: [] });
  });

  it.each([undefined, null, "", "  ", { image: "" }, { env: { A: "1" } }])("means no container for %j", (v) => {
    expect(containerSpecOf(v, "container")).toBeUndefined();
  });

  it("reads every field of the mapping; credentials are not used", () => {
    expect(containerSpecOf({
      image: "localhost/db:1", env: { PORT: 5432, DEBUG: true }, ports: [5432, "8080:80"], volumes: ["/a:/b"],
      options: "--cpus 1 --health-cmd 'pg_isready -q'", credentials: { username: "u", password: "p" },
      entrypoint: "busybox", command: "httpd -f -p 8080",
    }, "services.db")).toEqual({
      image: "localhost/db:1", env: { PORT: "5432", DEBUG: "true" }, ports: ["5432", "8080:80"], volumes: ["/a:/b"],
      options: ["--cpus", "1", "--health-cmd", "pg_isready -q"], entrypoint: "busybox", command: ["httpd", "-f", "-p", "8080"],
    });
  });

  it("names the field of bad options", () => {
    expect(() => containerSpecOf({ image: "x", options: "--label 'a" }, "services.db")).toThrow(/services\.db\.options: unclosed '/);
  });
});

describe("serviceSpecsOf", () => {
  it("keeps the services that have an image", () => {
    expect(Object.keys(serviceSpecsOf({ db: "postgres:16", off: "", cache: { image: "redis" } }))).toEqual(["db", "cache"]);
    expect(serviceSpecsOf(null)).toEqual({});
  });
});
