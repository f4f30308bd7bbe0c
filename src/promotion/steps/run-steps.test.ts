import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStepRegistry } from "./create-step-registry.js";
import { makeConfigRepo, makeContext, VALUES_YAML, type ConfigRepo } from "./git-fixture.testing.js";
import { runSteps, type StepEntry } from "./run-steps.js";
import type { StepContext } from "./types.js";

const NEW_DIGEST = "registry.local/app@sha256:2222";

let repo: ConfigRepo;
beforeEach(async () => {
  repo = await makeConfigRepo();
});
afterEach(async () => {
  await repo.cleanup();
});

function promotionVars(): Record<string, unknown> {
  return {
    freight: { name: "f-1", commit: "abc123", artifacts: [{ name: "app", digest: NEW_DIGEST }] },
    stage: { name: "dev" },
    vars: { branch: "main" },
  };
}

function promoteSteps(bare: string): StepEntry[] {
  return [
    { uses: "git-clone", as: "clone", config: { repoURL: bare, branch: "${{ vars.branch }}", path: "config" } },
    {
      uses: "yaml-update", as: "update",
      config: { path: "${{ outputs.clone.path }}", file: "dev/values.yaml", updates: [{ key: "spec.artifact", value: "${{ freight.artifacts[0].digest }}" }] },
    },
    { uses: "git-commit", as: "commit", config: { path: "${{ outputs.clone.path }}", message: "promote ${{ freight.name }} to ${{ stage.name }}" } },
    { uses: "git-push", as: "push", config: { path: "${{ outputs.clone.path }}" } },
  ];
}

function ctxFor(extra: Partial<StepContext> = {}): StepContext & { lines: string[] } {
  return makeContext(repo.workDir, { vars: promotionVars(), ...extra });
}

describe("runSteps", () => {
  it("clones, updates the YAML keeping its comments, commits and pushes the new desired state", async () => {
    const before = await repo.remoteHead();
    const result = await runSteps({ steps: promoteSteps(repo.bare), ctx: ctxFor(), registry: createStepRegistry(repo.deps) });

    expect(result.status).toBe("Succeeded");
    expect(result.steps.map((s) => [s.as, s.status])).toEqual([
      ["clone", "Succeeded"], ["update", "Succeeded"], ["commit", "Succeeded"], ["push", "Succeeded"],
    ]);
    expect(result.steps[0]?.outputs).toEqual({ path: path.join(repo.workDir, "config"), commit: before, branch: "main" });
    expect(result.steps[1]?.outputs).toEqual({ changed: true });

    const head = await repo.remoteHead();
    expect(head).not.toBe(before);
    expect(result.steps[3]?.outputs).toEqual({ commit: head, branch: "main" });
    expect(result.steps[2]?.outputs).toEqual({ commit: head, committed: true });
    expect((await repo.git.run(repo.bare, ["log", "-1", "--format=%s", "main"])).stdout.trim()).toBe("promote f-1 to dev");

    const pushed = await repo.remoteFile("dev/values.yaml");
    // Only the artifact's value changed; every other byte, comments included, is as it was.
    expect(pushed).toBe(VALUES_YAML.replace("registry.local/app@sha256:1111", NEW_DIGEST));
    for (const line of VALUES_YAML.split("\n").filter((l) => l.includes("#"))) {
      if (!line.includes("sha256:1111")) expect(pushed.split("\n")).toContain(line);
    }
    expect(pushed).toContain(`  artifact: "${NEW_DIGEST}"   # old build\n`);
  });

  it("rebases and pushes when another commit reached the branch after the clone", async () => {
    const registry = createStepRegistry(repo.deps);
    const ctx = ctxFor();
    const [clone, update, commit, push] = promoteSteps(repo.bare);
    const first = await runSteps({ steps: [clone!, update!, commit!], ctx, registry });
    expect(first.status).toBe("Succeeded");

    const concurrent = await repo.pushFromElsewhere("README.md", "config for the app\n", "docs: readme");

    const outputs = Object.fromEntries(first.steps.map((s) => [s.as, s.outputs]));
    const second = await runSteps({ steps: [push!], ctx: { ...ctx, vars: { ...ctx.vars, outputs } }, registry });
    expect(second.status).toBe("Succeeded");
    expect(ctx.lines.some((l) => l.includes("rebasing"))).toBe(true);

    const head = await repo.remoteHead();
    expect(second.steps[0]?.outputs).toEqual({ commit: head, branch: "main" });
    expect((await repo.git.run(repo.bare, ["rev-parse", `${head}^`])).stdout.trim()).toBe(concurrent);
    expect(await repo.remoteFile("README.md")).toBe("config for the app\n");
    expect(await repo.remoteFile("dev/values.yaml")).toContain(NEW_DIGEST);
  });

  it("commits nothing and pushes the unchanged head when the value is already there", async () => {
    const steps = promoteSteps(repo.bare);
    const registry = createStepRegistry(repo.deps);
    expect((await runSteps({ steps, ctx: ctxFor(), registry })).status).toBe("Succeeded");
    const head = await repo.remoteHead();

    const again = await runSteps({ steps: steps.map((s) => (s.as === "clone" ? { ...s, config: { repoURL: repo.bare, path: "again" } } : s)), ctx: ctxFor(), registry });
    expect(again.status).toBe("Succeeded");
    expect(again.steps[1]?.outputs).toEqual({ changed: false });
    expect(again.steps[2]?.outputs).toEqual({ commit: head, committed: false });
    expect(await repo.remoteHead()).toBe(head);
  });

  it("stops at the first step that does not succeed and names aliases step-<index> by default", async () => {
    const result = await runSteps({
      steps: [
        { uses: "run", config: { command: ["true"] } },
        { uses: "run", config: { command: ["false"] } },
        { uses: "run", config: { command: ["true"] } },
      ],
      ctx: ctxFor(),
    });
    expect(result.status).toBe("Failed");
    expect(result.steps.map((s) => [s.as, s.status])).toEqual([["step-0", "Succeeded"], ["step-1", "Failed"]]);
    expect(result.steps[1]?.message).toContain("exited with code 1");
    for (const s of result.steps) expect(Date.parse(s.finishedAt)).toBeGreaterThanOrEqual(Date.parse(s.startedAt));
  });

  it("errors on an unknown step, naming its index and the known steps", async () => {
    const result = await runSteps({ steps: [{ uses: "run", config: { command: ["true"] } }, { uses: "git-clonee", config: {} }], ctx: ctxFor() });
    expect(result.status).toBe("Errored");
    expect(result.steps[1]?.message).toBe(
      'step 1: unknown step "git-clonee"; known steps: git-clone, git-commit, git-push, http, run, wait-for-sync, yaml-update',
    );
  });

  it("errors on an invalid config with the path of the bad field, and runs nothing of it", async () => {
    const result = await runSteps({
      steps: [{ uses: "yaml-update", config: { path: "config", file: "values.yaml", updates: [{ key: "a", value: 1 }, { value: 2 }] } }],
      ctx: ctxFor(),
    });
    expect(result.status).toBe("Errored");
    expect(result.steps[0]?.message).toMatch(/^invalid config: updates\[1\]\.key: /);
  });

  it("errors on an expression that cannot be evaluated, naming the field", async () => {
    const result = await runSteps({ steps: [{ uses: "run", config: { command: ["echo", "${{ freight.artifacts[0].digest ++ }}"] } }], ctx: ctxFor() });
    expect(result.status).toBe("Errored");
    expect(result.steps[0]?.message).toMatch(/^command\[1\]: invalid expression/);
  });

  it("passes outputs of earlier steps to later ones, keeping their types", async () => {
    const result = await runSteps({
      steps: [
        { uses: "run", as: "hello", config: { command: ["printf", "%s", "${{ freight.artifacts[0].digest }}"] } },
        { uses: "run", as: "echo", config: { command: ["printf", "%s", "${{ outputs.hello.stdout }}|${{ outputs.hello.exitCode == 0 }}"] } },
      ],
      ctx: ctxFor(),
    });
    expect(result.status).toBe("Succeeded");
    expect(result.steps[1]?.outputs).toEqual({ exitCode: 0, stdout: `${NEW_DIGEST}|true` });
  });

  it("ends a step that runs past its timeout as Errored", async () => {
    const result = await runSteps({ steps: [{ uses: "run", timeout: "300ms", config: { command: ["sleep", "30"] } }], ctx: ctxFor() });
    expect(result.status).toBe("Errored");
    expect(result.steps[0]?.message).toBe("timed out after 300ms");
  });

  it("is Aborted when the promotion is aborted mid-step, and runs no further step", async () => {
    const controller = new AbortController();
    const marker = path.join(repo.workDir, "after-abort");
    const ctx = ctxFor({
      signal: controller.signal,
      log: (line) => {
        if (line.startsWith("running sleep")) setTimeout(() => controller.abort(new Error("promotion aborted by alice")), 100);
      },
    });
    const result = await runSteps({
      steps: [{ uses: "run", config: { command: ["sleep", "30"] } }, { uses: "run", config: { command: ["touch", marker] } }],
      ctx,
    });
    expect(result.status).toBe("Aborted");
    expect(result.steps).toHaveLength(1);
    expect(result.steps[0]?.message).toBe("aborted: promotion aborted by alice");
    await expect(readFile(marker)).rejects.toThrow();
  });
});
