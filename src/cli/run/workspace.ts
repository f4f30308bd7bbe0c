import { execFile } from "node:child_process";
import { cp, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const gitEnv = { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };

/**
 * Makes a job's workspace: a copy of the working tree of `repoDir`. For a Git repository it is
 * a shared clone at `sha` (so history and `git` commands work) with the uncommitted and untracked,
 * not-ignored files laid over it; otherwise a plain copy of the directory.
 */
export async function prepareWorkspace(repoDir: string, dest: string, sha: string | undefined): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  if (!sha) {
    await cp(repoDir, dest, { recursive: true, verbatimSymlinks: true, filter: (src) => !/\/(node_modules|\.git)(\/|$)/.test(src.slice(repoDir.length)) });
    return;
  }
  // No template: copying the sample hooks is most of a clone's cost on a slow disk.
  await run("git", ["clone", "-q", "--template=", "--shared", "--no-checkout", "--", repoDir, dest], { env: gitEnv });
  await run("git", ["-C", dest, "-c", "advice.detachedHead=false", "checkout", "-q", "--detach", sha], { env: gitEnv });
  const { stdout: changed } = await run("git", ["-C", repoDir, "ls-files", "-z", "-m", "-o", "--exclude-standard"], { env: gitEnv, maxBuffer: 64 << 20 });
  const { stdout: deleted } = await run("git", ["-C", repoDir, "ls-files", "-z", "-d"], { env: gitEnv, maxBuffer: 64 << 20 });
  const gone = new Set(deleted.split("\0").filter(Boolean));
  for (const f of gone) await rm(join(dest, f), { force: true });
  for (const f of new Set(changed.split("\0").filter(Boolean))) {
    if (gone.has(f)) continue;
    await mkdir(dirname(join(dest, f)), { recursive: true });
    await cp(join(repoDir, f), join(dest, f), { recursive: true, force: true, verbatimSymlinks: true });
  }
}
