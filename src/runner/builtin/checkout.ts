import { mkdir, readdir, realpath, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { runCommand } from "./exec-file.js";
import { isNotFound, isReallyInside } from "./fs-safety.js";
import { githubString, readBooleanInput, readInput } from "./inputs.js";
import type { BuiltinAction, BuiltinContext } from "./types.js";
import { ActionFailure } from "./types.js";

type Git = (cwd: string, args: readonly string[]) => Promise<string>;

function gitRunner(ctx: BuiltinContext): Git {
  // The auth header travels in git's environment config, never on a command line.
  const auth = ctx.sourceAuthHeader
    ? { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "http.extraHeader", GIT_CONFIG_VALUE_0: ctx.sourceAuthHeader }
    : {};
  const env = { ...ctx.env, GIT_TERMINAL_PROMPT: "0", ...auth };
  return async (cwd, args) => (await runCommand("git", args, { cwd, env, signal: ctx.signal })).stdout;
}

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/** Rejects input values git could read as options or that cannot be ref names. */
function assertRefInput(ref: string): void {
  if (ref.startsWith("-") || /[\s\0~^:?*[\\]|\.\.|@\{/.test(ref)) {
    throw new ActionFailure(`Invalid ref ${JSON.stringify(ref)}`);
  }
}

function assertRepositoryInput(repository: string): void {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository) || repository.startsWith("-") || repository.includes("..")) {
    throw new ActionFailure(`Invalid repository ${JSON.stringify(repository)}: expected owner/name`);
  }
}

function parseFetchDepth(value: string): number {
  const depth = value === "" ? 1 : Number(value);
  if (!Number.isInteger(depth) || depth < 0) throw new ActionFailure(`fetch-depth must be a whole number, got ${JSON.stringify(value)}`);
  return depth;
}

function warnUnsupported(ctx: BuiltinContext): void {
  const submodules = readInput(ctx.inputs, "submodules").toLowerCase();
  if (submodules !== "" && submodules !== "false") ctx.warning(`submodules: ${submodules} is not supported offline; submodules are not checked out`);
  if (readBooleanInput(ctx.inputs, "lfs", false)) ctx.warning("lfs: true is not supported offline; Git LFS files are left as pointers");
  if (readInput(ctx.inputs, "sparse-checkout") !== "") ctx.warning("sparse-checkout is not supported; the whole tree is checked out");
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error: unknown) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function verifyCommit(git: Git, cwd: string, rev: string): Promise<string | undefined> {
  try {
    return (await git(cwd, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`])).trim();
  } catch {
    return undefined;
  }
}

type Resolved = { commit: string; ref: string };

/** Finds the commit for `ref` in a repository whose remote-tracking branches are under refs/remotes/origin. */
async function resolveRef(git: Git, dir: string, ref: string, url: string): Promise<Resolved | undefined> {
  const attempts: Array<[rev: string, qualified: string]> = [];
  if (FULL_SHA.test(ref)) attempts.push([ref, ref]);
  else if (ref.startsWith("refs/heads/")) attempts.push([`refs/remotes/origin/${ref.slice("refs/heads/".length)}`, ref], [ref, ref]);
  else if (ref.startsWith("refs/tags/")) attempts.push([ref, ref]);
  else if (ref.startsWith("refs/")) attempts.push([ref, ref]);
  else {
    attempts.push(
      [`refs/remotes/origin/${ref}`, `refs/heads/${ref}`],
      [`refs/heads/${ref}`, `refs/heads/${ref}`],
      [`refs/tags/${ref}`, `refs/tags/${ref}`],
      [ref, ref],
    );
  }
  for (const [rev, qualified] of attempts) {
    const commit = await verifyCommit(git, dir, rev);
    if (commit !== undefined) return { commit, ref: qualified };
  }
  // Other refs (refs/pull/...) and commits no ref points at: ask the source for them.
  if (ref.startsWith("refs/") || FULL_SHA.test(ref)) {
    try {
      await git(dir, ["fetch", "--no-tags", "--end-of-options", url, ref]);
      const commit = await verifyCommit(git, dir, "FETCH_HEAD");
      if (commit !== undefined) return { commit, ref };
    } catch {
      // Reported by the caller as "not found".
    }
  }
  return undefined;
}

async function isRepositoryRoot(git: Git, dir: string): Promise<boolean> {
  if (!(await exists(join(dir, ".git")))) return false;
  try {
    const top = (await git(dir, ["rev-parse", "--show-toplevel"])).trim();
    return (await realpath(top)) === (await realpath(dir));
  } catch {
    return false;
  }
}

async function emptyDirectory(ctx: BuiltinContext, dir: string): Promise<void> {
  const names = await readdir(dir);
  if (names.length === 0) return;
  ctx.log(`Deleting the contents of '${dir}'`);
  for (const name of names) await rm(join(dir, name), { recursive: true, force: true });
}

/** Clones the source repository (or reuses a clone already at `target`) and checks out the ref. */
async function checkoutInto(
  ctx: BuiltinContext,
  target: string,
  source: { url: string; local: boolean; repository: string },
  ref: string,
  depth: number,
): Promise<Resolved> {
  const git = gitRunner(ctx);
  const eventSha = githubString(ctx.github, "sha");
  const eventRef = githubString(ctx.github, "ref");
  const clean = readBooleanInput(ctx.inputs, "clean", true);
  await mkdir(target, { recursive: true });

  if (source.local && (await isRepositoryRoot(git, target))) {
    ctx.log(`Reusing the repository at '${target}'`);
    if (clean) {
      await git(target, ["clean", "-ffdx"]);
      await git(target, ["reset", "--hard", "HEAD"]).catch(() => "");
    }
    await git(target, [
      "fetch", "--force", "--no-tags", "--end-of-options", source.url,
      "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*", "+HEAD:refs/ferry/source-head",
    ]);
  } else {
    await emptyDirectory(ctx, target);
    const args = ["clone", "--template=", "--no-checkout", "--quiet"];
    if (source.local) args.push("--shared");
    else if (depth > 0 && !FULL_SHA.test(ref) && !(ref.startsWith("refs/") && !/^refs\/(heads|tags)\//.test(ref))) {
      args.push("--depth", String(depth));
      const branch = ref.replace(/^refs\/(heads|tags)\//, "");
      if (branch !== "") args.push("--branch", branch);
    }
    args.push("--", source.url, target);
    try {
      await git(ctx.workspace, args);
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ActionFailure(
        source.local
          ? `Could not clone ${source.url}: ${message}`
          : `Could not clone ${source.repository} from ${source.url}: ${message}. ferry run has no network; set FERRY_GIT_BASE_URL to a reachable mirror (e.g. file:///path/to/mirrors)`,
      );
    }
  }

  let resolved: Resolved | undefined;
  if (ref === "" && source.local) {
    const commit = await verifyCommit(git, target, eventSha);
    resolved = commit === undefined ? undefined : { commit, ref: eventRef || commit };
  } else if (ref === "") {
    const commit = await verifyCommit(git, target, "HEAD");
    const head = (await git(target, ["symbolic-ref", "-q", "HEAD"]).catch(() => "")).trim();
    resolved = commit === undefined ? undefined : { commit, ref: head || commit };
  } else {
    resolved = await resolveRef(git, target, ref, source.url);
  }
  const wanted = ref === "" ? (source.local ? eventSha : "the default branch") : ref;
  if (resolved === undefined) throw new ActionFailure(`A branch, tag or commit '${wanted}' could not be found in ${source.repository}`);
  await git(target, ["checkout", "--force", "--quiet", "--detach", resolved.commit, "--"]);
  return resolved;
}

/** A runner's checkout: the event commit (or a ref) fetched from the server's mirror over HTTP. */
async function fetchFromServer(ctx: BuiltinContext, target: string, url: string, want: string, depth: number): Promise<string> {
  const git = gitRunner(ctx);
  await emptyDirectory(ctx, target);
  await mkdir(target, { recursive: true });
  await git(target, ["init", "-q", "--template="]);
  const args = ["fetch", "--quiet", "--no-tags"];
  if (depth > 0) args.push("--depth", String(depth));
  const refspec = FULL_SHA.test(want) ? want : want.startsWith("refs/") ? want : `refs/heads/${want}`;
  args.push("--end-of-options", url, refspec);
  try {
    await git(target, args);
  } catch (error: unknown) {
    throw new ActionFailure(`Could not fetch ${want} from ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  await git(target, ["checkout", "--force", "--quiet", "--detach", "FETCH_HEAD", "--"]);
  return (await git(target, ["rev-parse", "HEAD"])).trim();
}

async function main(ctx: BuiltinContext): Promise<void> {
  const ownRepository = githubString(ctx.github, "repository");
  const repository = readInput(ctx.inputs, "repository") || ownRepository;
  const sameRepository = repository.toLowerCase() === ownRepository.toLowerCase();
  const ref = readInput(ctx.inputs, "ref");
  if (ref !== "") assertRefInput(ref);
  const pathInput = readInput(ctx.inputs, "path") || ".";
  const target = resolve(ctx.workspace, pathInput);
  if (!(await isReallyInside(ctx.workspace, target))) {
    throw new ActionFailure(`Repository path '${pathInput}' is not under '${ctx.workspace}'`);
  }
  const depth = parseFetchDepth(readInput(ctx.inputs, "fetch-depth"));
  warnUnsupported(ctx);

  const sha = githubString(ctx.github, "sha");
  const eventRef = githubString(ctx.github, "ref");
  // The event's own ref, however it is spelt: "", its sha, "refs/heads/main" or "main".
  const isEventRef =
    ref === "" || ref === sha || ref === eventRef || eventRef === `refs/heads/${ref}` || eventRef === `refs/tags/${ref}`;

  if (sameRepository && ctx.sourceRepo !== undefined && /^https?:\/\//.test(ctx.sourceRepo) && ctx.workspacePrepared === false) {
    const want = ref === "" ? sha : ref;
    ctx.log(`Fetching ${repository} at ${want} into '${target}'`);
    const commit = await fetchFromServer(ctx, target, ctx.sourceRepo, want, depth);
    ctx.log(`HEAD is now at ${commit}`);
    ctx.setOutput("ref", isEventRef ? eventRef || sha : ref);
    ctx.setOutput("commit", commit);
    return;
  }

  if (sameRepository && target === resolve(ctx.workspace) && isEventRef) {
    ctx.log(`Using the workspace prepared from ${ctx.sourceRepo ?? repository} at ${sha}`);
    if (depth !== 1 && !(await exists(join(ctx.workspace, ".git")))) {
      ctx.warning(`fetch-depth: ${depth} cannot be honoured: the prepared workspace has no git history`);
    }
    ctx.setOutput("ref", eventRef || sha);
    ctx.setOutput("commit", sha);
    return;
  }

  let source: { url: string; local: boolean; repository: string };
  if (sameRepository) {
    if (ctx.sourceRepo === undefined) {
      throw new ActionFailure(`Cannot check out ${repository} into '${pathInput}': ferry run was not started in a git repository`);
    }
    source = { url: ctx.sourceRepo, local: true, repository };
  } else {
    assertRepositoryInput(repository);
    const base = (ctx.env.FERRY_GIT_BASE_URL ?? "https://github.com").replace(/\/+$/, "");
    source = { url: `${base}/${repository}`, local: false, repository };
  }
  ctx.log(`Checking out ${repository}${ref === "" ? "" : ` at ${ref}`} into '${target}'`);
  const resolved = await checkoutInto(ctx, target, source, ref, depth);
  ctx.log(`HEAD is now at ${resolved.commit}`);
  ctx.setOutput("ref", resolved.ref);
  ctx.setOutput("commit", resolved.commit);
}

export const checkoutAction: BuiltinAction = {
  id: "actions/checkout",
  inputs: {
    repository: {},
    ref: {},
    token: {},
    "ssh-key": {},
    "ssh-known-hosts": {},
    "ssh-strict": { default: "true" },
    "ssh-user": { default: "git" },
    "persist-credentials": { default: "true" },
    path: { default: "." },
    clean: { default: "true" },
    filter: {},
    "sparse-checkout": {},
    "sparse-checkout-cone-mode": { default: "true" },
    "fetch-depth": { default: "1" },
    "fetch-tags": { default: "false" },
    "show-progress": { default: "true" },
    lfs: { default: "false" },
    submodules: { default: "false" },
    "set-safe-directory": { default: "true" },
    "github-server-url": {},
  },
  main,
};
