import { constants } from "node:os";
import { z } from "zod";
import type { Replica, ReplicaSettings } from "../schema.js";
import { LABELS } from "./container-labels.js";

/** The fields of `container inspect` the runtime reads; lenient, as for any remote data. Podman and Docker agree on them. */
const inspectSchema = z.array(z.object({
  Id: z.string(),
  Config: z.object({
    Labels: z.record(z.string(), z.string()).nullish(),
    Image: z.string().nullish(),
    Env: z.array(z.string()).nullish(),
  }).nullish(),
  ImageName: z.string().optional(),
  State: z.object({
    Status: z.string(),
    Pid: z.number().optional(),
    ExitCode: z.number().optional(),
    StartedAt: z.string().optional(),
    FinishedAt: z.string().optional(),
  }),
  Created: z.string().optional(),
}));

const RUNNING = new Set(["running", "paused", "restarting", "stopping"]);

/** An engine time as ISO, or undefined for its "never" (`0001-01-01...`) and anything unreadable. */
function isoTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) || ms <= 0 ? undefined : new Date(ms).toISOString();
}

/** Engines report death by signal N as exit code 128+N. */
function signalOf(exitCode: number): string | null {
  if (exitCode <= 128) return null;
  const name = Object.entries(constants.signals).find(([, n]) => n === exitCode - 128)?.[0];
  return name ?? null;
}

/** What the container runs: its image as it was named, and its environment. */
function settingsOf(image: string | null | undefined, env: readonly string[] | null | undefined): ReplicaSettings {
  const settings: ReplicaSettings = {};
  if (image) settings.image = image;
  if (env) {
    settings.env = {};
    for (const entry of env) {
      const eq = entry.indexOf("=");
      if (eq > 0) settings.env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
  }
  return settings;
}

/** The replicas among inspected containers (those without Ferry's labels are skipped). */
export function parseInspect(json: string): Replica[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return [];
  }
  const parsed = inspectSchema.safeParse(data);
  if (!parsed.success) return [];
  const replicas: Replica[] = [];
  for (const c of parsed.data) {
    const labels = c.Config?.Labels ?? {};
    const id = labels[LABELS.replica];
    const app = labels[LABELS.app];
    const service = labels[LABELS.service];
    const version = labels[LABELS.version];
    const index = Number(labels[LABELS.index]);
    if (id === undefined || app === undefined || service === undefined || version === undefined || !Number.isInteger(index)) continue;
    const running = RUNNING.has(c.State.Status);
    const replica: Replica = {
      id, app, service, version, index, state: running ? "running" : "exited", containerId: c.Id,
      startedAt: isoTime(c.State.StartedAt) ?? isoTime(c.Created) ?? new Date(0).toISOString(),
    };
    const port = Number(labels[LABELS.port]);
    if (Number.isInteger(port) && port > 0) replica.port = port;
    const ports = (labels[LABELS.ports] ?? "").split(",").map(Number).filter((p) => Number.isInteger(p) && p > 0);
    if (ports.length > 0) replica.ports = ports;
    replica.settings = settingsOf(c.Config?.Image ?? c.ImageName, c.Config?.Env);
    if (running && c.State.Pid !== undefined && c.State.Pid > 0) replica.pid = c.State.Pid;
    if (!running) {
      const exitCode = c.State.ExitCode ?? null;
      replica.exitCode = exitCode;
      replica.signal = exitCode === null ? null : signalOf(exitCode);
      const exitedAt = isoTime(c.State.FinishedAt);
      if (exitedAt !== undefined) replica.exitedAt = exitedAt;
    }
    replicas.push(replica);
  }
  return replicas;
}
