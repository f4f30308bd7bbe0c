import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { handleGitHttp } from "../../git/index.js";
import { makeConfigRepo, makeContext, VALUES_YAML, type ConfigRepo } from "./git-fixture.testing.js";
import { createGitCloneStep } from "./git-clone.js";
import { createGitCommitStep } from "./git-commit.js";
import { createGitPushStep } from "./git-push.js";
import { runStep } from "./run-step.js";
import type { AnyPromotionStep, StepContext } from "./types.js";
import { createYamlUpdateStep } from "./yaml-update.js";

let repo: ConfigRepo;
beforeEach(async () => {
  repo = await makeConfigRepo();
});
afterEach(async () => {
  await repo.cleanup();
});

const MINUTE = { ms: 60_000, text: "1m" };
const run = (step: AnyPromotionStep, config: unknown, ctx: StepContext = makeContext(repo.workDir)) => runStep(step, config, ctx, MINUTE);
const clone = () => run(createGitCloneStep(repo.deps) as AnyPromotionStep, { repoURL: repo.bare, path: "config" });

/** Serves the bare repository read-only over smart HTTP, only with the right basic credentials. */
async function serveWithAuth(bare: string, user: string, password: string): Promise<{ url: string; server: Server }> {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  const server = createServer((req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="config"' });
      res.end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://x");
    handleGitHttp({
      repoDir: bare, pathInfo: url.pathname.replace(/^\/config\.git/, ""), method: req.method ?? "GET", query: url.search,
      contentType: req.headers["content-type"], contentEncoding: req.headers["content-encoding"], body: req,
      env: { GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
    })
      .then((response) => {
        res.writeHead(response.status, response.headers);
        return pipeline(response.body, res);
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/config.git`, server };
}

describe("git-clone", () => {
  it("clones the default branch and outputs the path and commit", async () => {
    const out = await clone();
    expect(out).toEqual({ status: "Succeeded", outputs: { path: path.join(repo.workDir, "config"), commit: await repo.remoteHead(), branch: "main" } });
    expect(await readFile(path.join(repo.workDir, "config/dev/values.yaml"), "utf8")).toBe(VALUES_YAML);
  });

  it("uses credentials from the context for an HTTP remote, without writing them anywhere", async () => {
    const { url, server } = await serveWithAuth(repo.bare, "ferry", "pa55word");
    try {
      const denied = await run(createGitCloneStep(repo.deps) as AnyPromotionStep, { repoURL: url, path: "denied" });
      expect(denied.status).toBe("Errored");

      const ctx = makeContext(repo.workDir, { secrets: { gitCredentials: (u) => (u === url ? { username: "ferry", password: "pa55word" } : undefined) } });
      const out = await run(createGitCloneStep(repo.deps) as AnyPromotionStep, { repoURL: url, path: "config" }, ctx);
      expect(out.status).toBe("Succeeded");
      expect(await readFile(path.join(repo.workDir, "config/.git/config"), "utf8")).not.toContain("Authorization");
      expect(ctx.lines.join("\n")).not.toContain("pa55word");
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("hides a password written in the URL from its messages", async () => {
    const out = await run(createGitCloneStep(repo.deps) as AnyPromotionStep, { repoURL: "http://u:hunter2@127.0.0.1:9/config.git", path: "config" });
    expect(out.status).toBe("Errored");
    expect(out.message).not.toContain("hunter2");
  });

  it.each([
    [{ branch: "--upload-pack=touch /tmp/x" }, "branch: "],
    [{ branch: "a..b" }, "branch: "],
    [{ path: "../outside" }, "path: "],
    [{ repoURL: "--upload-pack=touch /tmp/x" }, "repoURL: "],
    [{ repoURL: "ext::sh -c touch% /tmp/pwned" }, "repoURL: "],
  ])("refuses %j as a config error", async (bad, prefix) => {
    const out = await run(createGitCloneStep(repo.deps) as AnyPromotionStep, { repoURL: repo.bare, path: "config", ...bad });
    expect(out.status).toBe("Errored");
    expect(out.message?.startsWith(prefix)).toBe(true);
  });
});

describe("yaml-update", () => {
  it("fails clearly when the file is missing", async () => {
    await clone();
    const out = await run(createYamlUpdateStep() as AnyPromotionStep, { path: "config", file: "prod/values.yaml", updates: [{ key: "a", value: 1 }] });
    expect(out).toEqual({ status: "Failed", message: "prod/values.yaml does not exist in config" });
  });

  it("fails when the key path cannot be created", async () => {
    await clone();
    const out = await run(createYamlUpdateStep() as AnyPromotionStep, { path: "config", file: "dev/values.yaml", updates: [{ key: "kind.name", value: 1 }] });
    expect(out.status).toBe("Failed");
    expect(out.message).toContain("cannot set kind.name: kind is the value \"Service\", not a mapping");
  });

  it("will not write through a symbolic link that leaves the clone", async () => {
    await clone();
    const outside = path.join(repo.root, "outside.yaml");
    await writeFile(outside, "a: 1\n");
    await mkdir(path.join(repo.workDir, "config/links"));
    await symlink(outside, path.join(repo.workDir, "config/links/values.yaml"));
    const out = await run(createYamlUpdateStep() as AnyPromotionStep, { path: "config", file: "links/values.yaml", updates: [{ key: "a", value: 2 }] });
    expect(out.status).toBe("Failed");
    expect(await readFile(outside, "utf8")).toBe("a: 1\n");
  });
});

describe("git-commit and git-push", () => {
  it("commits with the given author", async () => {
    await clone();
    await writeFile(path.join(repo.workDir, "config/dev/values.yaml"), "changed: true\n");
    const out = await run(createGitCommitStep(repo.deps) as AnyPromotionStep, { path: "config", message: "promote", author: { name: "Alice", email: "alice@example.com" } });
    expect(out.status).toBe("Succeeded");
    const log = await repo.git.run(path.join(repo.workDir, "config"), ["log", "-1", "--format=%an <%ae>|%s"]);
    expect(log.stdout.trim()).toBe("Alice <alice@example.com>|promote");
  });

  it("fails without pushing when the rebase onto a concurrent change conflicts", async () => {
    await clone();
    await writeFile(path.join(repo.workDir, "config/dev/values.yaml"), "mine: 1\n");
    await run(createGitCommitStep(repo.deps) as AnyPromotionStep, { path: "config", message: "mine" });
    const theirs = await repo.pushFromElsewhere("dev/values.yaml", "theirs: 1\n", "theirs");

    const out = await run(createGitPushStep(repo.deps) as AnyPromotionStep, { path: "config" });
    expect(out.status).toBe("Failed");
    expect(out.message).toMatch(/^cannot rebase onto main at [0-9a-f]{40}: the changes conflict$/);
    expect(await repo.remoteHead()).toBe(theirs);
  });

  it("fails without retrying when the remote refuses for another reason", async () => {
    await clone();
    const hook = path.join(repo.bare, "hooks/pre-receive");
    await writeFile(hook, "#!/bin/sh\necho 'branch is protected' >&2\nexit 1\n", { mode: 0o755 });
    await writeFile(path.join(repo.workDir, "config/dev/values.yaml"), "mine: 1\n");
    await run(createGitCommitStep(repo.deps) as AnyPromotionStep, { path: "config", message: "mine" });
    const out = await run(createGitPushStep(repo.deps) as AnyPromotionStep, { path: "config" });
    expect(out.status).toBe("Failed");
    expect(out.message).toContain("push to main failed");
    expect(out.message).toContain("branch is protected");
  });

  it("gives up when the remote moved on and no retries are left", async () => {
    await clone();
    await writeFile(path.join(repo.workDir, "config/dev/values.yaml"), "mine: 1\n");
    await run(createGitCommitStep(repo.deps) as AnyPromotionStep, { path: "config", message: "mine" });
    const theirs = await repo.pushFromElsewhere("README.md", "hello\n", "theirs");
    const out = await run(createGitPushStep(repo.deps) as AnyPromotionStep, { path: "config", retries: 0 });
    expect(out.status).toBe("Failed");
    expect(out.message).toMatch(/^push to main rejected after 1 attempts: /);
    expect(await repo.remoteHead()).toBe(theirs);
  });
});
