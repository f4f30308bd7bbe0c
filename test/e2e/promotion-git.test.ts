import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GIT_ENV, git, makeRepo } from "./helpers.js";
import { api, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";

/**
 * Git subscriptions under `ferry up`: a warehouse follows the main branch of an app repository, each new
 * commit that changes more than excluded paths becomes freight, and an auto-promoting stage writes the
 * commit id into a config repository. A commit is seen at once when Ferry watches the repository.
 */
type Freight = { name: string; warehouse: string; data: { commits: Array<{ repoURL: string; branch: string; id: string }>; origin: { repository?: string; commit?: string } } };

const tmp = mkdtempSync(join(tmpdir(), "ferry-e2e-promotion-git-"));
const bare = join(tmp, "config.git");
const app = makeRepo({ "src/main.ts": "export const version = 1;\n", "docs/README.md": "# app\n" });
let up: Up;

const show = (path: string): string => execFileSync("git", ["--git-dir", bare, "show", `main:${path}`], { encoding: "utf8", env: { ...process.env, ...GIT_ENV } });

/** Commits the files (path → content) to main of the app repository; returns the commit id. */
function commit(files: Record<string, string>, message: string): string {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(app.dir, file)), { recursive: true });
    writeFileSync(join(app.dir, file), content);
  }
  git(app.dir, "add", "-A");
  git(app.dir, "commit", "-q", "-m", message);
  return git(app.dir, "rev-parse", "HEAD").trim();
}

let lastPromotion = "none yet";

/** Whether dev/app.yaml names commit `id`; remembers dev's last promotion for the failure message. */
async function devAt(id: string): Promise<boolean> {
  const p = (await api<{ items: Array<{ phase: string; message: string | null }> }>(up, "GET", "/api/v1/promotions?stage=dev")).body.items[0];
  if (p) lastPromotion = `${p.phase}: ${p.message ?? ""}`;
  return show("dev/app.yaml").includes(id);
}

const notPromoted = (id: string) => (): string => `dev was not promoted to ${id}; its last promotion: ${lastPromotion}\n${show("dev/app.yaml")}`;

const freightOf = async (warehouse: string): Promise<Freight[]> => (await api<{ items: Freight[] }>(up, "GET", `/api/v1/freight?warehouse=${warehouse}`)).body.items;

const freightAt = async (warehouse: string, id: string): Promise<Freight | undefined> => (await freightOf(warehouse)).find((f) => f.data.commits[0]?.id === id);

beforeAll(async () => {
  const work = join(tmp, "work");
  git(tmp, "init", "-q", "--bare", "-b", "main", bare);
  git(tmp, "clone", "-q", bare, work);
  mkdirSync(join(work, "dev"), { recursive: true });
  writeFileSync(join(work, "dev", "app.yaml"), "# the app in dev\napiVersion: ferry/v1alpha1\nkind: Service\nmetadata:\n  name: app\nspec:\n  command: [node, main.js]\n  env:\n    - name: COMMIT\n      value: none # set by promotion\n");
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", "config");
  git(work, "push", "-q", "origin", "main");
  up = await startFerry("up");
  const resources = [
    // Ferry watches the app repository, so its new commits reach the warehouses at once.
    `apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata: { name: app }\nspec:\n  url: ${app.dir}\n  pollInterval: 1s\n`,
    `apiVersion: ferry/v1alpha1\nkind: Warehouse\nmetadata: { name: app }\nspec:\n  subscriptions:\n    - git: { repoURL: "${app.dir}", branch: main, excludePaths: ["docs/**"] }\n  interval: 10s\n`,
    // Every commit, and only ever looked at when a commit arrives (its interval is an hour).
    `apiVersion: ferry/v1alpha1\nkind: Warehouse\nmetadata: { name: all }\nspec:\n  subscriptions:\n    - git: { repoURL: "${app.dir}" }\n  interval: 1h\n`,
    `apiVersion: ferry/v1alpha1
kind: Stage
metadata: { name: dev }
spec:
  requestedFreight:
    - origin: { warehouse: app }
      sources: { direct: true }
  promotionTemplate:
    steps:
      - uses: git-clone
        as: clone
        config: { repoURL: "${bare}", branch: main, path: config }
      - uses: yaml-update
        config:
          path: "\${{ outputs.clone.path }}"
          file: dev/app.yaml
          updates:
            - key: spec.env[0].value
              value: "\${{ freight.commits[0].id }}"
      - uses: git-commit
        config: { path: "\${{ outputs.clone.path }}", message: "Promote app \${{ freight.commits[0].id }} to dev" }
      - uses: git-push
        config: { path: "\${{ outputs.clone.path }}" }
  autoPromotion: true
`,
  ];
  const applied = await api(up, "POST", "/api/v1/apply", { documents: resources.map((text, i) => ({ file: `promotion-git-${i}.yaml`, text })) });
  expect(applied.status, JSON.stringify(applied.body)).toBe(200);
}, 60_000);

afterAll(async () => {
  await up.stop();
  removeDir(up.dataDir);
  removeDir(tmp);
  app.cleanup();
});

describe("Git subscriptions under ferry up", { timeout: 120_000 }, () => {
  it("makes freight of the branch head and promotes it, then does the same for a new commit", async () => {
    const first = git(app.dir, "rev-parse", "HEAD").trim();
    await waitFor(() => devAt(first), 30_000, notPromoted(first));
    expect(show("dev/app.yaml")).toContain(`value: ${first} # set by promotion`);
    const freight = await freightAt("app", first);
    expect(freight?.data.commits).toEqual([{ repoURL: app.dir, branch: "main", id: first }]);
    expect(freight?.data.origin).toEqual({ repository: app.dir, commit: first });

    const second = commit({ "src/main.ts": "export const version = 2;\n" }, "version 2");
    await waitFor(() => devAt(second), 30_000, notPromoted(second));
    expect(git(bare, "log", "-1", "--format=%s", "main").trim()).toBe(`Promote app ${second} to dev`);
  });

  it("sees a commit of a watched repository at once, and makes no freight of one that changes only excluded paths", async () => {
    const docsOnly = commit({ "docs/README.md": "# app\n\nMore words.\n" }, "docs");
    // Only the commit event makes the hourly warehouse look; it is discovered before "app" in every pass.
    await waitFor(() => freightAt("all", docsOnly), 20_000, () => `the commit ${docsOnly} did not reach the warehouse that takes every commit`);

    const code = commit({ "src/main.ts": "export const version = 3;\n" }, "version 3");
    await waitFor(() => freightAt("app", code), 30_000, () => `no freight for ${code}`);
    expect(await freightAt("app", docsOnly)).toBeUndefined();
    await waitFor(() => devAt(code), 30_000, notPromoted(code));
    expect((await freightOf("app")).map((f) => f.data.commits[0]?.id)).not.toContain(docsOnly);
  });
});
