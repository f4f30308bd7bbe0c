import http from "node:http";
import type { AddressInfo } from "node:net";
import { rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { createGit, type Git } from "./git.js";
import { handleGitHttp } from "./http-backend.js";
import { createMirrors, type Mirrors } from "./mirror.js";
import { parseGitHttpPath } from "./parse-git-http-path.js";
import { makeTempDir, makeTempRepo, type TempRepo } from "./temp-repo.testing.js";

const ISOLATED = { GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };

interface Fixture {
  upstream: TempRepo;
  mirrors: Mirrors;
  /** Commits on main, oldest first. */
  commits: string[];
  baseUrl: string;
  seen: { method: string; path: string; gitProtocol: string | undefined; contentEncoding: string | undefined }[];
  scratch: string;
  close: () => Promise<void>;
}

let fx: Fixture;
beforeAll(async () => {
  fx = await setUp();
});
afterAll(async () => {
  await fx.close();
});

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  fx.seen.length = 0;
});

async function setUp(): Promise<Fixture> {
  const upstream = await makeTempRepo();
  const commits: string[] = [];
  for (let i = 0; i < 3; i++) {
    await upstream.write("README.md", `version ${i}\n`);
    commits.push(await upstream.commit(`commit ${i}`));
  }
  // Enough refs that the client's want list passes 1 KiB and git gzips the request.
  for (let i = 0; i < 30; i++) {
    await upstream.write("branch.txt", `${i}\n`);
    await upstream.commit(`branch ${i}`);
    await upstream.sh("branch", `b${i}`);
    await upstream.sh("reset", "--quiet", "--hard", commits.at(-1) ?? "");
  }
  await upstream.sh("tag", "--annotate", "--message=one", "v1", commits[0] ?? "");

  const scratch = await makeTempDir();
  const mirrors = createMirrors({ git: createGit({ env: ISOLATED }), dir: path.join(scratch, "mirrors") });
  await mirrors.ensure("owner/app", upstream.dir);

  const seen: Fixture["seen"] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const parsed = url.pathname.startsWith("/git/") ? parseGitHttpPath(url.pathname.slice("/git/".length)) : null;
    const gitProtocol = req.headers["git-protocol"];
    seen.push({
      method: req.method ?? "",
      path: url.pathname,
      gitProtocol: typeof gitProtocol === "string" ? gitProtocol : undefined,
      contentEncoding: req.headers["content-encoding"],
    });
    if (parsed === null) {
      res.writeHead(404).end();
      return;
    }
    handleGitHttp({
      repoDir: mirrors.pathFor(parsed.name),
      pathInfo: parsed.pathInfo,
      method: req.method ?? "GET",
      query: url.search,
      contentType: req.headers["content-type"],
      contentEncoding: req.headers["content-encoding"],
      gitProtocol: typeof gitProtocol === "string" ? gitProtocol : undefined,
      body: req,
      env: ISOLATED,
    })
      .then((response) => {
        res.writeHead(response.status, response.headers);
        return pipeline(response.body, res);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.destroy();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    upstream,
    mirrors,
    commits,
    baseUrl: `http://127.0.0.1:${port}/git`,
    seen,
    scratch,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(scratch, { recursive: true, force: true });
      await upstream.cleanup();
    },
  };
}

/** A client git that traces the protocol to stderr and ignores the machine's config. */
async function client(): Promise<{ git: Git; dir: string }> {
  const dir = await makeTempDir();
  dirs.push(dir);
  return { git: createGit({ env: { ...ISOLATED, GIT_TRACE_PACKET: "1" } }), dir };
}

describe("handleGitHttp", () => {
  it("serves a clone over protocol v2", async () => {
    const { git, dir } = await client();

    const res = await git.run(dir, ["-c", "protocol.version=2", "clone", "--end-of-options", `${fx.baseUrl}/owner/app.git`, "work"]);

    const work = path.join(dir, "work");
    expect(res.stderr).toContain("git< version 2");
    expect((await git.run(work, ["rev-parse", "HEAD"])).stdout.trim()).toBe(fx.commits.at(-1));
    expect((await git.run(work, ["cat-file", "blob", "HEAD:README.md"])).stdout).toBe("version 2\n");
    expect((await git.run(work, ["for-each-ref", "refs/remotes/origin/b*"])).stdout.split("\n")).toHaveLength(31);
    expect(fx.seen.some((r) => r.gitProtocol === "version=2")).toBe(true);
    expect(fx.seen.some((r) => r.contentEncoding === "gzip")).toBe(true);
  });

  it.each(["0", "2"])("serves a shallow fetch of a commit that is no branch tip over protocol v%s", async (version) => {
    const { git, dir } = await client();
    const sha = fx.commits[0] ?? "";
    await git.run(dir, ["init", "--quiet", "--bare", "--template=", "shallow.git"]);
    const repo = path.join(dir, "shallow.git");

    const res = await git.run(repo, ["-c", `protocol.version=${version}`, "fetch", "--depth", "1", "--end-of-options", `${fx.baseUrl}/owner/app`, sha]);

    expect(res.stderr.includes("git< version 2")).toBe(version === "2");
    expect((await git.run(repo, ["rev-parse", "FETCH_HEAD"])).stdout.trim()).toBe(sha);
    expect((await git.run(repo, ["rev-list", "--count", "FETCH_HEAD"])).stdout.trim()).toBe("1");
  });

  it("refuses pushes", async () => {
    const { git, dir } = await client();
    await git.run(dir, ["clone", "--quiet", "--end-of-options", `${fx.baseUrl}/owner/app`, "work"]);
    const work = path.join(dir, "work");

    const res = await git.run(work, ["push", "origin", "HEAD:refs/heads/pushed"], { allowFailure: true });

    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/403/);
    const mirrorRefs = await createGit({ env: ISOLATED }).run(fx.mirrors.pathFor("owner/app"), ["for-each-ref", "refs/heads/pushed"]);
    expect(mirrorRefs.stdout).toBe("");
  });

  it.each([
    ["GET", "/info/refs", "service=git-receive-pack", 403],
    ["POST", "/git-receive-pack", "", 403],
    ["GET", "/info/refs", "", 403],
    ["POST", "/info/refs", "service=git-upload-pack", 405],
    ["GET", "/git-upload-pack", "", 405],
    ["GET", "/HEAD", "", 404],
    ["GET", "/objects/info/packs", "", 404],
    ["GET", "/config", "", 404],
  ])("answers %s %s?%s with %i", async (method, pathInfo, query, status) => {
    const res = await handleGitHttp({
      repoDir: fx.mirrors.pathFor("owner/app"),
      pathInfo,
      method,
      query,
      body: Readable.from([]),
      env: ISOLATED,
    });
    expect(res.status).toBe(status);
  });

  it("answers 404 for a repository that does not exist", async () => {
    const res = await handleGitHttp({
      repoDir: fx.mirrors.pathFor("owner/missing"),
      pathInfo: "/info/refs",
      method: "GET",
      query: "?service=git-upload-pack",
      body: Readable.from([]),
      env: ISOLATED,
    });
    expect(res.status).toBe(404);
  });

  it("streams the ref advertisement with git's CGI headers", async () => {
    const res = await handleGitHttp({
      repoDir: fx.mirrors.pathFor("owner/app"),
      pathInfo: "/info/refs",
      method: "GET",
      query: "service=git-upload-pack",
      body: Readable.from([]),
      env: ISOLATED,
    });
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(Buffer.from(chunk));
    const text = Buffer.concat(chunks).toString("utf8");

    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/x-git-upload-pack-advertisement");
    expect(text.startsWith("001e# service=git-upload-pack\n")).toBe(true);
    expect(text).toContain(`${fx.commits.at(-1)} refs/heads/main`);
  });
});
