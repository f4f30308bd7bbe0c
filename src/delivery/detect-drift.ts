import type { Replica, ReplicaSettings } from "../runtime/index.js";
import { canonicalJson } from "./canonical-json.js";

/** What the agent knows of one Service of an Application, for telling its replicas from drift. */
export type KnownService = {
  name: string;
  /** Whether the agent supervises this replica (or has just stopped it). */
  manages(replicaId: string): boolean;
  /** A replica start is under way: a replica the agent has not taken over yet is no stray. */
  starting: boolean;
  /** What each replica of the current version must run; undefined before the Service is applied. */
  desired?: { version: string; settings: ReplicaSettings };
};

export type Drift =
  /** A running replica of the Application that the agent does not supervise: left from a crash, or started by hand. */
  | { kind: "stray"; replica: Replica; message: string }
  /** A supervised replica of the current version that runs something else than it should. */
  | { kind: "changed"; replica: Replica; service: string; message: string };

/**
 * How what runs differs from what the agent runs, as a list of what to report or heal. Only running
 * replicas of `app` count. A setting is compared only where the runtime observes it; for `env`, every
 * variable the Service sets must have its value, and no other may be set where the runtime sees all of them
 * (a container also has its image's variables). Values of
 * variables are never in a message: they may be secrets.
 */
export function detectDrift(app: string, services: readonly KnownService[], replicas: readonly Replica[]): Drift[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const drift: Drift[] = [];
  for (const replica of replicas) {
    if (replica.app !== app || replica.state !== "running") continue;
    const service = byName.get(replica.service);
    if (service === undefined) {
      drift.push({ kind: "stray", replica, message: `replica ${replica.id} runs for Service ${replica.service}, which the Application does not run` });
      continue;
    }
    if (!service.manages(replica.id)) {
      if (!service.starting) drift.push({ kind: "stray", replica, message: `replica ${replica.id} of Service ${service.name} is not one the agent started or adopted` });
      continue;
    }
    const desired = service.desired;
    if (desired === undefined || replica.version !== desired.version || replica.settings === undefined) continue;
    const differences = settingsDifferences(desired.settings, replica.settings);
    if (differences.length > 0) drift.push({ kind: "changed", replica, service: service.name, message: `replica ${replica.id} of Service ${service.name}: ${differences.join(", ")}` });
  }
  return drift;
}

/**
 * An image name as engines report it once pulled: a short name gets a registry (`nginx:1` is
 * `docker.io/library/nginx:1`, an image built here is `localhost/web:1`) and a tag (`:latest`).
 * Compared without those defaults, so `web:1` and `localhost/web:1` are the same image.
 */
export function imageKey(image: string): string {
  const at = image.indexOf("@");
  const path = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at) : "";
  const tagged = digest !== "" || path.slice(path.lastIndexOf("/") + 1).includes(":") ? path : `${path}:latest`;
  const stripped = tagged.replace(/^(?:docker\.io\/library\/|docker\.io\/|index\.docker\.io\/library\/|index\.docker\.io\/|localhost\/)/, "");
  return `${stripped.startsWith("library/") ? stripped.slice("library/".length) : stripped}${digest}`;
}

/** What differs between the settings a replica must run with and the ones it has, in words. */
export function settingsDifferences(want: ReplicaSettings, have: ReplicaSettings): string[] {
  const out: string[] = [];
  if (want.image !== undefined && have.image !== undefined && imageKey(want.image) !== imageKey(have.image)) out.push(`runs image ${have.image}, not ${want.image}`);
  if (want.dir !== undefined && have.dir !== undefined && want.dir !== have.dir) out.push(`runs from ${have.dir}, not ${want.dir}`);
  if (want.command !== undefined && have.command !== undefined && canonicalJson(want.command) !== canonicalJson(have.command)) out.push("its command differs");
  if (want.args !== undefined && have.args !== undefined && canonicalJson(want.args) !== canonicalJson(have.args)) out.push("its args differ");
  if (want.env !== undefined && have.env !== undefined) {
    for (const name of Object.keys(want.env).sort()) {
      if (!Object.hasOwn(have.env, name)) out.push(`env ${name} is missing`);
      else if (have.env[name] !== want.env[name]) out.push(`env ${name} has another value`);
    }
    if (have.envComplete === true) for (const name of Object.keys(have.env).sort()) if (!Object.hasOwn(want.env, name)) out.push(`env ${name} is set`);
  }
  return out;
}
