// Scratch directories of killed processes (issue 24 item 9): a `kill -9` leaves a job's work directory and
// the simulation thread's warm-up directory behind. Warm-up directories carry their process's pid and are
// removed once that process is gone; an embedded server, the only process of its data directory, removes
// the job directories under its WORK_DIR at start.
import { readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export const WARM_UP_PREFIX = "driftline-warm-up-";

/** Prefix of this process's warm-up directories (mkdtemp adds a random tail). */
export function warmUpPrefix(dir = os.tmpdir()): string {
  return path.join(dir, `${WARM_UP_PREFIX}${process.pid}-`);
}

/** Removes warm-up directories whose process no longer runs; returns how many. */
export async function removeStaleWarmUps(dir = os.tmpdir()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const match = new RegExp(`^${WARM_UP_PREFIX}(\\d+)-`).exec(name);
    if (!match || isAlive(Number(match[1]))) continue;
    await rm(path.join(dir, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** Removes the job directories (`job-*`) under a work directory no other process uses; returns how many. */
export async function removeJobDirs(workDir: string): Promise<number> {
  let removed = 0;
  for (const name of await readdir(workDir).catch(() => [] as string[])) {
    if (!name.startsWith("job-")) continue;
    await rm(path.join(workDir, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** Whether a process with this pid runs (ours included). */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
