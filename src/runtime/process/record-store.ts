import { mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { isReplicaId } from "../replica-id.js";
import { isTemporaryName, writeFileAtomic } from "../write-file-atomic.js";
import { processRecordSchema } from "./process-record.js";
import type { ProcessRecord } from "./process-record.js";

export type RecordStore = {
  readonly logsDir: string;
  /** Creates the directories and removes temporary files a crash left behind. */
  init(): Promise<void>;
  logFile(id: string): string;
  write(record: ProcessRecord): Promise<void>;
  read(id: string): Promise<ProcessRecord | undefined>;
  recordFile(id: string): string;
  readonly recordsDir: string;
  /** The id of every record file (no record is read). */
  ids(): Promise<string[]>;
  /** When the record file was last modified; undefined when there is none. */
  mtime(id: string): Promise<number | undefined>;
  /** Every readable record; `onBad` hears about files that are not one. */
  readAll(onBad: (file: string, error: unknown) => void): Promise<ProcessRecord[]>;
  remove(id: string): Promise<void>;
};

const SUFFIX = ".json";

/** One JSON file per replica under `<stateDir>/replicas/`, each written atomically; logs under `<stateDir>/logs/`. */
export function createRecordStore(stateDir: string): RecordStore {
  const recordsDir = join(stateDir, "replicas");
  const logsDir = join(stateDir, "logs");
  const recordFile = (id: string): string => join(recordsDir, `${id}${SUFFIX}`);

  async function readOne(file: string): Promise<ProcessRecord> {
    return processRecordSchema.parse(JSON.parse(await readFile(file, "utf8")));
  }

  return {
    logsDir,
    recordsDir,
    async init() {
      await mkdir(recordsDir, { recursive: true, mode: 0o700 });
      await mkdir(logsDir, { recursive: true, mode: 0o700 });
      for (const name of await readdir(recordsDir)) {
        if (isTemporaryName(name)) await rm(join(recordsDir, name), { force: true });
      }
    },
    logFile: (id) => join(logsDir, `${id}.log`),
    recordFile,
    async ids() {
      const ids: string[] = [];
      for (const name of await readdir(recordsDir)) {
        if (!name.endsWith(SUFFIX) || isTemporaryName(name)) continue;
        const id = name.slice(0, -SUFFIX.length);
        if (isReplicaId(id)) ids.push(id);
      }
      return ids;
    },
    mtime: (id) => stat(recordFile(id)).then((s) => s.mtimeMs, () => undefined),
    write: (record) => writeFileAtomic(recordFile(record.id), `${JSON.stringify(record, null, 2)}\n`),
    async read(id) {
      if (!isReplicaId(id)) return undefined;
      try {
        return await readOne(recordFile(id));
      } catch (error: unknown) {
        if ((error as { code?: unknown }).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async readAll(onBad) {
      const records: ProcessRecord[] = [];
      for (const name of await readdir(recordsDir)) {
        if (!name.endsWith(SUFFIX) || isTemporaryName(name)) continue;
        const file = join(recordsDir, name);
        try {
          records.push(await readOne(file));
        } catch (error: unknown) {
          if ((error as { code?: unknown }).code !== "ENOENT") onBad(file, error);
        }
      }
      return records;
    },
    async remove(id) {
      if (isReplicaId(id)) await rm(recordFile(id), { force: true });
    },
  };
}
