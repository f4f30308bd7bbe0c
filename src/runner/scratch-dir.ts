import { accessSync, constants, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";

/**
 * A private directory for the small files rewritten at every step (scripts, file commands).
 * Memory-backed (/dev/shm) where the host has it: on a journaling filesystem, rewriting a
 * file costs about a millisecond, more than a trivial step itself (see bench/step-cost.mjs).
 */
export async function createScratchDir(fallbackParent: string): Promise<{ path: string; remove(): Promise<void> }> {
  let parent = fallbackParent;
  try {
    if (statSync("/dev/shm").isDirectory()) {
      accessSync("/dev/shm", constants.W_OK);
      parent = "/dev/shm";
    }
  } catch {
    // no shared memory filesystem here
  }
  const path = await mkdtemp(join(parent, "ferry-job-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
