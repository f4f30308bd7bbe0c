import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";

/**
 * A file rewritten many times in a job (scripts, file-command files). Truncating through an
 * open descriptor avoids ext4's flush-on-close after truncation, which costs ~1 ms per write
 * and would dominate the cost of a trivial step (see bench/step-cost.mjs).
 */
export type ReusableFile = { path: string; write(text: string): void; take(): string; close(): void };

export function openReusableFile(path: string): ReusableFile {
  let fd = openSync(path, "w+");
  const reopen = (): void => {
    if (!existsSync(path)) {
      closeSync(fd);
      fd = openSync(path, "w+");
    }
  };
  return {
    path,
    write(text) {
      reopen();
      ftruncateSync(fd, 0);
      writeSync(fd, text, 0);
    },
    take() {
      let text = "";
      try {
        text = readFileSync(path, "utf8");
      } catch {
        // the step removed it; recreated below
      }
      reopen();
      if (text !== "") ftruncateSync(fd, 0);
      return text;
    },
    close() {
      closeSync(fd);
    },
  };
}
