import { afterEach, describe, expect, it } from "vitest";
import { errorCodes, pushBlob, pushImage, startTestRegistry, VIEWER } from "./registry.testing.js";
import type { TestRegistry } from "./registry.testing.js";

describe("registry routes: version check, access and names", () => {
  let reg: TestRegistry;
  afterEach(() => reg.close());

  it("answers GET /v2/ with 200 for valid credentials and a Basic challenge otherwise", async () => {
    reg = await startTestRegistry();
    const ok = await reg.req("/v2/");
    expect([ok.status, ok.headers.get("docker-distribution-api-version")]).toEqual([200, "registry/2.0"]);
    for (const authorization of ["", "Bearer not-a-token", `Basic ${Buffer.from("user:wrong").toString("base64")}`]) {
      const res = await reg.req("/v2/", { authorization });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Basic realm="ferry"');
      expect(res.headers.get("docker-distribution-api-version")).toBe("registry/2.0");
      expect(await errorCodes(res)).toEqual(["UNAUTHORIZED"]);
    }
    const basic = await reg.req("/v2/", { authorization: `Basic ${Buffer.from("anyone:viewer-token").toString("base64")}` });
    expect(basic.status).toBe(200);
  });

  it("lets a viewer pull but not push (403 DENIED), and challenges the anonymous (401)", async () => {
    reg = await startTestRegistry();
    const { digest } = await pushImage(reg, "app", "v1", ["layer"]);
    expect((await reg.req(`/v2/app/manifests/${digest}`, { authorization: VIEWER })).status).toBe(200);
    const push = await reg.req("/v2/app/blobs/uploads/", { method: "POST", authorization: VIEWER });
    expect([push.status, await errorCodes(push)]).toEqual([403, ["DENIED"]]);
    const del = await reg.req("/v2/app/manifests/v1", { method: "DELETE", authorization: VIEWER });
    expect(del.status).toBe(403);
    const anonymous = await reg.req("/v2/app/manifests/v1", { authorization: "" });
    expect([anonymous.status, anonymous.headers.get("www-authenticate"), await errorCodes(anonymous)]).toEqual([401, 'Basic realm="ferry"', ["UNAUTHORIZED"]]);
  });

  it("lets anyone pull from a public repository, and nobody anonymous push to it", async () => {
    reg = await startTestRegistry({ publicRepositories: (name) => name.startsWith("public/") });
    await pushImage(reg, "public/base", "v1", ["layer"]);
    await pushImage(reg, "private/app", "v1", ["layer"]);
    expect((await reg.req("/v2/public/base/manifests/v1", { authorization: "" })).status).toBe(200);
    expect((await reg.req("/v2/public/base/tags/list", { authorization: "" })).status).toBe(200);
    expect((await reg.req("/v2/private/app/manifests/v1", { authorization: "" })).status).toBe(401);
    expect((await reg.req("/v2/public/base/blobs/uploads/", { method: "POST", authorization: "" })).status).toBe(401);
  });

  it("rejects repository names outside the spec with NAME_INVALID before anything else", async () => {
    reg = await startTestRegistry();
    for (const name of ["Upper/case", "a..b", "-lead", "a/_tags"]) {
      const res = await reg.req(`/v2/${name}/tags/list`, { authorization: "" });
      expect([name, res.status, await errorCodes(res)]).toEqual([name, 400, ["NAME_INVALID"]]);
    }
    const long = `${"a".repeat(200)}/${"b".repeat(60)}`;
    expect(await errorCodes(await reg.req(`/v2/${long}/tags/list`))).toEqual(["NAME_INVALID"]);
  });

  it("keeps repositories whose names contain endpoint words apart", async () => {
    reg = await startTestRegistry();
    const digest = await pushBlob(reg, "x/blobs/tags/manifests", "nested");
    expect(await (await reg.req(`/v2/x/blobs/tags/manifests/blobs/${digest}`)).text()).toBe("nested");
    await pushImage(reg, "x", "v1", ["layer"]);
    await pushImage(reg, "x/tags", "v2", ["layer"]);
    expect(await (await reg.req("/v2/x/tags/list")).json()).toEqual({ name: "x", tags: ["v1"] });
    expect(await (await reg.req("/v2/x/tags/tags/list")).json()).toEqual({ name: "x/tags", tags: ["v2"] });
  });

  it("answers unknown endpoints and methods in the spec's error shape", async () => {
    reg = await startTestRegistry();
    const res = await reg.req("/v2/app");
    expect([res.status, res.headers.get("docker-distribution-api-version")]).toEqual([404, "registry/2.0"]);
    expect(await errorCodes(res)).toEqual(["NAME_UNKNOWN"]);
    expect((await reg.req("/v2/app/tags/list", { method: "PUT", body: "x" })).status).toBe(405);
  });
});
