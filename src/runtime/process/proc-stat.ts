import { readFile } from "node:fs/promises";

export type ProcStat = {
  /** R, S, D, Z (zombie), X (dead), T... */
  state: string;
  /** The process group id. */
  pgrp: number;
  /** When the process started, in clock ticks since boot: with the pid, it names one process for good. */
  startTicks: string;
};

/** `/proc/<pid>/stat` of a process, or undefined when there is no such process (Linux only). */
export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  const pgrp = Number(fields[2]);
  const startTicks = fields[19];
  if (state === undefined || startTicks === undefined || !Number.isInteger(pgrp)) return undefined;
  return { state, pgrp, startTicks };
}

/** Whether `pid` is still the very process that started at `startTicks` and has not exited. */
export async function isSameLiveProcess(pid: number, startTicks: string): Promise<boolean> {
  const stat = await readProcStat(pid);
  return stat !== undefined && stat.startTicks === startTicks && stat.state !== "Z" && stat.state !== "X";
}
