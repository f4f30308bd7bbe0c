import { watch } from "node:fs";
import type { FSWatcher } from "node:fs";

export type RecordWatch = {
  /** The ids whose record file changed since the last take; undefined when the watch broke (look at every file then). */
  take(): Set<string> | undefined;
  close(): void;
};

const SUFFIX = ".json";

/**
 * Notices writes to the records directory (inotify on Linux), so that finding a rewritten record costs
 * nothing while none is rewritten. Undefined when the directory cannot be watched.
 */
export function watchRecords(dir: string): RecordWatch | undefined {
  let changed = new Set<string>();
  let broken = false;
  let watcher: FSWatcher;
  try {
    watcher = watch(dir, { persistent: false }, (_event, name) => {
      if (name === null) {
        // The platform did not say which file: every one may have changed.
        broken = true;
        return;
      }
      if (name.endsWith(SUFFIX)) changed.add(name.slice(0, -SUFFIX.length));
    });
  } catch {
    return undefined;
  }
  watcher.on("error", () => { broken = true; });
  return {
    take() {
      if (broken) return undefined;
      const taken = changed;
      changed = new Set();
      return taken;
    },
    close: () => watcher.close(),
  };
}
