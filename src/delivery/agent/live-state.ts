import { mkdir, readFile, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { serviceSchema } from "../../resources/index.js";
import type { Service } from "../../resources/index.js";
import { writeFileAtomic } from "../../runtime/index.js";

/** A sync the agent must still tell the server about (kept until the server has it). */
export const syncReportSchema = z.object({
  agentSyncId: z.string(),
  revision: z.string(),
  trigger: z.string(),
  actor: z.string(),
  result: z.enum(["Succeeded", "Failed"]),
  message: z.string().optional(),
  changes: z.unknown(),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type SyncReport = z.infer<typeof syncReportSchema>;

/**
 * What an agent remembers of one Application across restarts: the Services it last applied (the "live"
 * side of every diff, and the inventory pruning works from), the revision they came from, a rollback pin,
 * the sync under way (so one interrupted by a crash is finished and reported, never half-recorded), and
 * reports not yet delivered.
 */
export const liveStateSchema = z.object({
  app: z.string(),
  revision: z.string().nullable(),
  services: z.array(serviceSchema),
  /** Versions (spec hash with resolved digest) of the applied Services, by name. */
  versions: z.record(z.string(), z.string()).default({}),
  pinnedRevision: z.string().nullable().default(null),
  syncing: syncReportSchema.omit({ result: true, finishedAt: true, message: true }).nullable().default(null),
  outbox: z.array(syncReportSchema).default([]),
  history: z.array(syncReportSchema).default([]),
});
export type LiveState = z.infer<typeof liveStateSchema>;

export const emptyLiveState = (app: string): LiveState => ({ app, revision: null, services: [], versions: {}, pinnedRevision: null, syncing: null, outbox: [], history: [] });

/** One JSON file per Application under `<dir>`, written atomically. */
export function createLiveStore(dir: string): {
  load(app: string): Promise<LiveState>;
  save(state: LiveState): Promise<void>;
  remove(app: string): Promise<void>;
  apps(): Promise<string[]>;
} {
  const file = (app: string): string => join(dir, `${app}.json`);
  return {
    async load(app) {
      try {
        const parsed = liveStateSchema.safeParse(JSON.parse(await readFile(file(app), "utf8")));
        return parsed.success ? parsed.data : emptyLiveState(app);
      } catch {
        return emptyLiveState(app);
      }
    },
    async save(state) {
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(file(state.app), `${JSON.stringify({ ...state, history: state.history.slice(-100) }, null, 1)}\n`);
    },
    async remove(app) {
      await rm(file(app), { force: true });
    },
    async apps() {
      const names = await readdir(dir).catch(() => [] as string[]);
      return names.filter((n) => n.endsWith(".json") && !n.startsWith(".")).map((n) => n.slice(0, -5));
    },
  };
}

export type { Service };
