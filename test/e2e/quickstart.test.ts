import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ferry, git } from "./helpers.js";
import { api, killProcessesUnder, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";

/**
 * The quickstart end to end, as a newcomer runs it: `ferry up --demo` seeds an app repository and a config
 * repository with three stages; a commit to the app flows through CI to dev and staging, each serving it on
 * its own port; prod serves it only after an approval; a version that fails staging's verification never
 * reaches prod; and rolling prod back to earlier freight serves the earlier version.
 */
type Freight = { name: string; alias: string; data: { artifacts: Array<{ tag?: string; digest: string }> }; verifiedIn: Record<string, unknown> };
type Stage = { name: string; currentFreight?: string | null; verification?: { phase?: string } | null; autoPromotion: { action: string; reason?: string; freight?: string } | null };
type State = { appRepo: string; ports: { dev: number; staging: number; prod: number } };

let up: Up;
let state: State;
let cli: (args: string[]) => ReturnType<typeof ferry>;

/** What a stage serves on its port, or undefined while nothing answers. */
async function served(stage: keyof State["ports"]): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${state.ports[stage]}/`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

const serves = (stage: keyof State["ports"], text: string, ms = 90_000): Promise<string> =>
  waitFor(async () => { const page = await served(stage); return page?.includes(text) ? page : undefined; }, ms, () => `${stage} never served "${text}"`);

async function freightOf(version: string): Promise<Freight> {
  return waitFor(async () => (await api<{ items: Freight[] }>(up, "GET", "/api/v1/freight")).body.items.find((f) => f.data.artifacts[0]?.tag === version), 90_000, () => `no freight for version ${version}`);
}

function commit(message: string, text: string): void {
  writeFileSync(join(state.appRepo, "message.txt"), `${text}\n`);
  git(state.appRepo, "commit", "-q", "-am", message);
}

beforeAll(async () => {
  up = await startFerry("up", {}, undefined, 0, ["--demo"]);
  const stateFile = join(up.dataDir, "demo", "quickstart.json");
  state = await waitFor(() => existsSync(stateFile) && (JSON.parse(readFileSync(stateFile, "utf8")) as State), 60_000, () => `the quickstart was not seeded:\n${up.output()}`);
  cli = (args) => ferry(up.dataDir, [...args, "--server", up.url, "--token", up.token]);
}, 90_000);

afterAll(async () => {
  await up.stop();
  killProcessesUnder(up.dataDir);
  removeDir(up.dataDir);
});

describe("the quickstart (ferry up --demo)", { timeout: 300_000 }, () => {
  it("prints what to open and what to try", async () => {
    await waitFor(() => up.output().includes(`dev      http://127.0.0.1:${state.ports.dev}/`), 10_000, () => `no stage URLs printed:\n${up.output()}`);
    expect(up.output()).toContain("approve FREIGHT --stage prod");
  });

  it("builds the first version and delivers it to dev and staging on their own ports; prod waits for an approval", async () => {
    await serves("dev", "version 0.1.1");
    await serves("staging", "version 0.1.1");
    const first = await freightOf("0.1.1");
    await waitFor(async () => (await api<Freight>(up, "GET", `/api/v1/freight/${first.name}`)).body.verifiedIn.staging, 30_000, () => "0.1.1 was not verified in staging");
    const prod = await waitFor(async () => (await api<{ items: Stage[] }>(up, "GET", "/api/v1/stages")).body.items.find((s) => s.name === "prod" && s.autoPromotion?.action === "wait"), 30_000, () => "prod does not say it waits");
    expect(prod.autoPromotion).toEqual({ action: "wait", reason: "awaiting-approval", freight: first.name });
    expect(await served("prod")).toBeUndefined();
  });

  it("takes a commit to the app through CI to dev and staging, and to prod once approved", async () => {
    commit("Say hello again", "Hello again!");
    const devPage = await serves("dev", "version 0.1.2");
    expect(devPage).toContain("Hello again!");
    expect(devPage).toContain("stage dev");
    expect(await serves("staging", "version 0.1.2")).toContain("stage staging");
    const second = await freightOf("0.1.2");
    await waitFor(async () => (await api<Freight>(up, "GET", `/api/v1/freight/${second.name}`)).body.verifiedIn.staging, 30_000, () => "0.1.2 was not verified in staging");
    expect(await served("prod")).toBeUndefined();

    const approved = await cli(["approve", second.alias, "--stage", "prod"]);
    expect(approved.code, approved.out).toBe(0);
    expect(await serves("prod", "version 0.1.2")).toContain("stage prod");
  });

  it("keeps a version that fails staging's verification out of prod", async () => {
    commit("Say goodbye", "Goodbye!");
    await serves("dev", "version 0.1.3");
    const third = await freightOf("0.1.3");
    // Staging takes it (dev verified it) but its smoke check wants "Hello": verification fails there.
    const staging = await waitFor(async () => (await api<{ items: Stage[] }>(up, "GET", "/api/v1/stages")).body.items.find((s) => s.name === "staging" && s.verification?.phase === "Failed"), 90_000, () => "staging's verification did not fail");
    expect(staging.currentFreight).toBe(third.name);
    expect((await api<Freight>(up, "GET", `/api/v1/freight/${third.name}`)).body.verifiedIn).not.toHaveProperty("staging");
    const refused = await cli(["promote", "prod", "--freight", third.alias]);
    expect(refused.code).not.toBe(0);
    expect(refused.out).toMatch(/may not go to prod/);
    expect(await served("prod")).toContain("version 0.1.2");
  });

  it("rolls prod back to the previous freight, and auto-promotion leaves the rollback in place", async () => {
    const first = await freightOf("0.1.1");
    const promoted = await cli(["promote", "prod", "--freight", first.alias]);
    expect(promoted.code, promoted.out).toBe(0);
    const approved = await cli(["approve", first.alias, "--stage", "prod"]);
    expect(approved.code, approved.out).toBe(0);
    expect(await serves("prod", "version 0.1.1")).toContain("Hello from the Ferry quickstart!");
    // Newer verified and approved freight (0.1.2) exists, yet auto-promotion says it holds after the rollback.
    const second = await freightOf("0.1.2");
    const prod = await waitFor(async () => (await api<{ items: Stage[] }>(up, "GET", "/api/v1/stages")).body.items.find((s) => s.name === "prod" && s.autoPromotion?.reason === "held-after-rollback"), 30_000, () => "prod's auto-promotion does not say it holds after the rollback");
    expect(prod.autoPromotion).toEqual({ action: "none", reason: "held-after-rollback", freight: second.name });
    expect(prod.currentFreight).toBe(first.name);
    expect(await served("prod")).toContain("version 0.1.1");
  });
});
