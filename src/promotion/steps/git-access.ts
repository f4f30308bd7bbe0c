import { createGit, GitError, type Git } from "../../git/index.js";
import type { GitCredentials, StepContext, StepDeps } from "./types.js";

/** A Git runner for one remote, with its credentials (if any) and a redactor for its secrets. */
export type GitAccess = { git: Git; redact: (text: string) => string };

function passwordOf(url: string): string[] {
  try {
    const parsed = new URL(url);
    if (parsed.password === "") return [];
    return [parsed.password, decodeURIComponent(parsed.password)];
  } catch {
    return [];
  }
}

/** Settings passed through the environment (not argv, which other users can read). */
function configEnv(entries: readonly (readonly [string, string])[]): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(entries.length) };
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

function authHeader(creds: GitCredentials): string {
  return `Authorization: Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}`;
}

/**
 * Git for talking to `url`: the `ext::` transport is refused, never prompts, and credentials
 * from `ctx.secrets.gitCredentials(url)` go to HTTP(S) remotes as a header set through the
 * environment, so they are neither written to the clone's config nor visible in argv.
 * Git errors come back with secrets replaced by `***`.
 */
export function gitAccess(deps: StepDeps, ctx: StepContext, url: string | undefined, env: Record<string, string> = {}): GitAccess {
  const config: [string, string][] = [["protocol.ext.allow", "never"]];
  const secrets = url === undefined ? [] : passwordOf(url);
  const creds = url !== undefined && /^https?:\/\//i.test(url) ? ctx.secrets?.gitCredentials?.(url) : undefined;
  if (creds) {
    const header = authHeader(creds);
    config.push(["http.extraHeader", header]);
    secrets.push(creds.password, header, header.slice("Authorization: Basic ".length));
  }
  const nonEmpty = [...new Set(secrets)].filter((s) => s !== "").sort((a, b) => b.length - a.length);
  const redact = (text: string): string => nonEmpty.reduce((out, secret) => out.split(secret).join("***"), text);
  const inner = (deps.createGit ?? createGit)({ env: { ...env, ...configEnv(config) } });
  const git: Git = {
    async run(cwd, args, opts) {
      try {
        return await inner.run(cwd, args, opts);
      } catch (error: unknown) {
        if (error instanceof GitError) throw new GitError(args.map(redact), redact(error.stderr), error.exitCode);
        throw error;
      }
    },
  };
  return { git, redact };
}
