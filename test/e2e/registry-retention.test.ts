import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ferry } from "./helpers.js";
import { api, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";

/**
 * Registry retention under `ferry up`: `ferry artifact prune --keep N` deletes the versions of each artifact
 * beyond the newest N, but never the version of freight a stage runs; a dry run deletes nothing.
 */
const tmp = mkdtempSync(join(tmpdir(), "ferry-e2e-retention-"));
let up: Up;
let host: string;

const cli = (...args: string[]): ReturnType<typeof ferry> => ferry(tmp, [...args, "--server", up.url, "--token", up.token]);

async function push(name: string, version: string): Promise<void> {
  const dir = join(tmp, `${name.replace("/", "-")}-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "VERSION"), `${name} ${version}\n`);
  const r = await cli("artifact", "push", `${name}:${version}`, "VERSION", "-C", dir);
  expect(r.code, r.out).toBe(0);
}

const versions = async (name: string): Promise<string[]> => (await cli("artifact", "ls", name, "-q")).out.trim().split("\n").filter(Boolean).sort();
const freightVersions = async (): Promise<string[]> =>
  (await api<{ items: Array<{ data: { artifacts: Array<{ tag?: string }> } }> }>(up, "GET", "/api/v1/freight")).body.items.map((f) => f.data.artifacts[0]?.tag ?? "").sort();

beforeAll(async () => {
  up = await startFerry("up");
  host = new URL(up.url).host;
  for (const v of ["1.0.0", "2.0.0", "3.0.0"]) await push("team/tool", v);
  // team/web: 1.0.0 and 2.0.0 exist before the warehouse looks, so only 2.0.0 becomes freight; 3.0.0 does after.
  await push("team/web", "1.0.0");
  await push("team/web", "2.0.0");
  const warehouse = `apiVersion: ferry/v1alpha1\nkind: Warehouse\nmetadata: { name: web }\nspec:\n  subscriptions:\n    - artifact: { repoURL: ${host}/team/web }\n  interval: 10s\n`;
  expect((await api(up, "POST", "/api/v1/apply", { documents: [{ file: "warehouse.yaml", text: warehouse }] })).status).toBe(200);
  await waitFor(async () => (await freightVersions()).includes("2.0.0"), 30_000, () => "no freight for 2.0.0");
  await push("team/web", "3.0.0");
  await waitFor(async () => (await freightVersions()).includes("3.0.0"), 30_000, () => "no freight for 3.0.0");
  // dev runs 2.0.0: promoted by hand, so its version stays whatever is newer.
  const stage = `apiVersion: ferry/v1alpha1\nkind: Stage\nmetadata: { name: dev }\nspec:\n  requestedFreight:\n    - origin: { warehouse: web }\n      sources: { direct: true }\n  promotionTemplate:\n    steps:\n      - uses: run\n        config: { command: ["true"] }\n`;
  expect((await api(up, "POST", "/api/v1/apply", { documents: [{ file: "stage.yaml", text: stage }] })).status).toBe(200);
  const second = (await api<{ items: Array<{ name: string; data: { artifacts: Array<{ tag?: string }> } }> }>(up, "GET", "/api/v1/freight")).body.items.find((f) => f.data.artifacts[0]?.tag === "2.0.0");
  const promoted = await cli("promote", "dev", "--freight", second?.name ?? "?");
  expect(promoted.code, promoted.out).toBe(0);
  await waitFor(async () => (await api<{ items: Array<{ phase: string }> }>(up, "GET", "/api/v1/promotions?stage=dev")).body.items[0]?.phase === "Succeeded", 30_000, () => "the promotion to dev did not succeed");
}, 120_000);

afterAll(async () => {
  await up.stop();
  removeDir(up.dataDir);
  removeDir(tmp);
});

describe("registry retention", { timeout: 120_000 }, () => {
  it("lists what a prune would delete and deletes nothing in a dry run", async () => {
    const dry = await cli("artifact", "prune", "--keep", "1", "--dry-run");
    expect(dry.code, dry.out).toBe(0);
    expect(dry.out).toContain("would delete team/tool:1.0.0");
    expect(dry.out).toContain("would delete team/tool:2.0.0");
    expect(dry.out).toContain("would delete team/web:1.0.0");
    expect(dry.out).not.toContain("team/web:2.0.0");
    expect(await versions("team/tool")).toEqual(["1.0.0", "2.0.0", "3.0.0"]);
  });

  it("keeps the newest versions and the one a stage runs, deletes the rest, and what is kept still pulls", async () => {
    expect(await freightVersions()).toEqual(["2.0.0", "3.0.0"]);
    const pruned = await cli("artifact", "prune", "--keep", "1");
    expect(pruned.code, pruned.out).toBe(0);
    expect(await versions("team/tool")).toEqual(["3.0.0"]);
    expect(await versions("team/web")).toEqual(["2.0.0", "3.0.0"]);
    const pulled = await cli("artifact", "pull", "team/web:2.0.0", join(tmp, "pulled"));
    expect(pulled.code, pulled.out).toBe(0);
    const gone = await cli("artifact", "pull", "team/web:1.0.0", join(tmp, "gone"));
    expect(gone.code).not.toBe(0);
    const events = await api<{ items: Array<{ action: string; actor: string }> }>(up, "GET", "/api/v1/events?action=registry.retention");
    expect(events.body.items[0]).toMatchObject({ action: "registry.retention", actor: "bootstrap-admin" });
  });

  it("is for admins only", async () => {
    const r = await api(up, "POST", "/api/v1/registry/retention", { keepLast: 1 }, { authorization: `Bearer ${up.runnerToken}` });
    expect(r.status).toBe(403);
  });
});
