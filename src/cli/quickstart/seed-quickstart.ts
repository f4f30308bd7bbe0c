import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { createGit, type Git } from "../../git/index.js";
import { fillPlaceholders } from "./fill-placeholders.js";
import { pickPorts } from "./free-port.js";

/** What `ferry up --demo` seeded, kept in `<data-dir>/demo/quickstart.json` so a restart reuses it. */
export type QuickstartState = {
  appRepo: string;
  configRepo: string;
  registry: string;
  ports: { dev: number; staging: number; prod: number };
};

export type SeedOptions = {
  dataDir: string;
  /** The examples/quickstart folder. */
  examples: string;
  /** The server's base URL; its host is the registry's. */
  serverUrl: string;
  /** An admin token of the server, to apply resources and dispatch the first build. */
  token: string;
};

const AUTHOR = { GIT_AUTHOR_NAME: "Ferry quickstart", GIT_AUTHOR_EMAIL: "quickstart@ferry.invalid", GIT_COMMITTER_NAME: "Ferry quickstart", GIT_COMMITTER_EMAIL: "quickstart@ferry.invalid" };

async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Copies a template folder, filling `{{...}}` placeholders in every file. */
async function copyTemplate(from: string, to: string, values: Record<string, string>): Promise<void> {
  await cp(from, to, { recursive: true });
  for (const file of await filesBelow(to)) {
    const text = await readFile(file, "utf8");
    const filled = fillPlaceholders(text, values, relative(to, file));
    if (filled !== text) await writeFile(file, filled);
  }
}

async function commitAll(git: Git, dir: string, message: string): Promise<void> {
  await git.run(dir, ["add", "--all"]);
  await git.run(dir, ["commit", "--quiet", "--message", message]);
}

async function api(o: SeedOptions, method: string, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(new URL(path, o.serverUrl), {
    method, headers: { authorization: `Bearer ${o.token}`, "content-type": "application/json" }, body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text === "" ? undefined : (JSON.parse(text) as unknown);
}

/** Dispatches the app's workflow on main, once the server's first poll of the repository has seen the branch. */
async function dispatchFirstBuild(o: SeedOptions): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await api(o, "POST", "/api/v1/repositories/quickstart-app/workflows/ci.yml/dispatches", { ref: "main" });
      return;
    } catch (error: unknown) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Text for inside a double-quoted YAML string (JSON's escapes are YAML's too): a path may hold any character. */
const quoted = (text: string): string => JSON.stringify(text).slice(1, -1);

/** Values for the placeholders of the quickstart's templates; the repository paths stand inside double quotes there. */
function placeholderValues(state: QuickstartState): Record<string, string> {
  return {
    APP_REPO: quoted(state.appRepo), CONFIG_REPO: quoted(state.configRepo), REGISTRY: state.registry,
    DEV_PORT: String(state.ports.dev), STAGING_PORT: String(state.ports.staging), PROD_PORT: String(state.ports.prod),
  };
}

/**
 * Seeds the quickstart once per data directory: an app repository (a working tree to commit in) and a bare
 * config repository under `<data-dir>/demo`, the stages' ports (the server's port + 1, 2, 3 when free);
 * then applies `ferry.yaml` and, the first time, dispatches the app's workflow so a first version flows to
 * dev and staging on its own. Seeding that was cut short is started over; a finished one is reused.
 */
export async function seedQuickstart(o: SeedOptions): Promise<{ state: QuickstartState; fresh: boolean }> {
  const demo = join(o.dataDir, "demo");
  const stateFile = join(demo, "quickstart.json");
  const git = createGit({ env: AUTHOR });
  let state: QuickstartState;
  let fresh = false;
  if (existsSync(stateFile)) {
    state = JSON.parse(await readFile(stateFile, "utf8")) as QuickstartState;
  } else {
    await rm(demo, { recursive: true, force: true });
    await mkdir(demo, { recursive: true });
    const serverPort = Number(new URL(o.serverUrl).port);
    const [dev = 0, staging = 0, prod = 0] = await pickPorts([serverPort + 1, serverPort + 2, serverPort + 3]);
    state = { appRepo: join(demo, "app"), configRepo: join(demo, "config.git"), registry: new URL(o.serverUrl).host, ports: { dev, staging, prod } };
    const values = placeholderValues(state);

    const configWork = join(demo, ".config-seed");
    await copyTemplate(join(o.examples, "config"), configWork, values);
    await git.run(demo, ["init", "--quiet", "--initial-branch", "main", configWork]);
    await commitAll(git, configWork, "Quickstart config: the web app in dev, staging and prod");
    await git.run(demo, ["clone", "--quiet", "--bare", configWork, state.configRepo]);
    await rm(configWork, { recursive: true, force: true });

    await copyTemplate(join(o.examples, "app"), state.appRepo, values);
    await git.run(demo, ["init", "--quiet", "--initial-branch", "main", state.appRepo]);
    // Commits people make in the app repository must work on a machine without a Git identity.
    const identity = await git.run(state.appRepo, ["config", "user.email"], { allowFailure: true });
    if (identity.code !== 0 || identity.stdout.trim() === "") {
      await git.run(state.appRepo, ["config", "user.name", "Quickstart user"]);
      await git.run(state.appRepo, ["config", "user.email", "you@quickstart.invalid"]);
    }
    await commitAll(git, state.appRepo, "Quickstart app: a web page, its test and its workflow");
    fresh = true;
  }

  const resources = fillPlaceholders(await readFile(join(o.examples, "ferry.yaml"), "utf8"), placeholderValues(state), "examples/quickstart/ferry.yaml");
  await api(o, "POST", "/api/v1/apply", { documents: [{ file: "examples/quickstart/ferry.yaml", text: resources }] });
  if (fresh) {
    // The first version: built by a dispatched run, since the seed commit came before the watch began.
    await dispatchFirstBuild(o);
    const temp = `${stateFile}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
    await rename(temp, stateFile);
  }
  return { state, fresh };
}
