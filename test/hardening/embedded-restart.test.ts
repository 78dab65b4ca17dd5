// Issue 24.9: the embedded server after a crash. A lock file whose pid is alive again (our own pid after a
// restart, PID 1 in a container, or a pid now used by another process) no longer blocks the start; jobs the
// dead process held go back to the queue at once (only one process can hold the database), not after their
// leases; job and warm-up directories of killed runs are removed.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EmbeddedQueue } from "../../src/service/embedded/embedded-queue.js";
import { lockHolder, PGliteDatabase, processStart } from "../../src/service/embedded/pglite-database.js";
import { removeStaleWarmUps, WARM_UP_PREFIX } from "../../src/service/worker/scratch.js";
import { preparedDataDir, removeDir, startTestServer } from "../api/helpers.js";

const dirs: string[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  for (const d of dirs.splice(0)) removeDir(d);
});

function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "driftline-restart-"));
  dirs.push(d);
  return d;
}

describe("embedded restart", () => {
  it("starts over a lock holding our own pid, PID 1, or a pid now used by another process", async () => {
    expect(lockHolder(String(process.pid))).toBeUndefined();
    expect(lockHolder("1")).toBeUndefined();
    expect(lockHolder(JSON.stringify({ pid: 1, start: "12345" }))).toBeUndefined();
    expect(lockHolder(String(spawnSync("true").pid))).toBeUndefined(); // gone
    // A live process whose start time differs from the one recorded: the pid was reused.
    const sleeper = spawn("sleep", ["30"]);
    cleanups.push(() => sleeper.kill());
    const pid = sleeper.pid as number;
    expect(lockHolder(JSON.stringify({ pid, start: "1" }))).toBeUndefined();
    // The same live process with its own start time holds the database; so does a bare live pid.
    const start = processStart(pid);
    expect(start).toBeDefined();
    expect(lockHolder(JSON.stringify({ pid, start }))).toBe(pid);
    expect(lockHolder(String(pid))).toBe(pid);
  });

  it("returns the dead process's jobs to the queue at once and removes its job directories", async () => {
    const dataDir = await preparedDataDir();
    dirs.push(dataDir);
    const db = await PGliteDatabase.open(path.join(dataDir, "pg"));
    const q = await EmbeddedQueue.open(db);
    await q.push('{"mission_id":"x"}');
    expect(await q.claim("killed-worker", 3_600_000, 0)).not.toBeNull();
    await db.close(); // as a kill -9 leaves it: a job in processing with an hour of lease left
    // …and the lock file of the killed process, whose pid this process now has.
    writeFileSync(path.join(dataDir, "pg.lock"), String(process.pid));
    const workDir = path.join(dataDir, "work");
    mkdirSync(path.join(workDir, "job-1234", "out"), { recursive: true });
    mkdirSync(path.join(workDir, "forcing"), { recursive: true });

    const server = await startTestServer({ dataDir, worker: false, forcingDir: null });
    try {
      expect(await server.services.queue.stats()).toEqual({ waiting: 1, processing: 0, dead: 0 });
      expect((await server.services.queue.claim("new-worker", 60_000, 0))?.raw).toBe('{"mission_id":"x"}');
    } finally {
      await server.close();
    }
    expect(existsSync(path.join(workDir, "job-1234"))).toBe(false);
    expect(existsSync(path.join(workDir, "forcing"))).toBe(true);
  }, 60_000);

  it("removes warm-up directories of processes that are gone, not those of live ones", async () => {
    const tmp = tempDir();
    const gone = spawnSync("true").pid as number;
    mkdirSync(path.join(tmp, `${WARM_UP_PREFIX}${gone}-abc123`, "out"), { recursive: true });
    mkdirSync(path.join(tmp, `${WARM_UP_PREFIX}${process.pid}-def456`));
    expect(await removeStaleWarmUps(tmp)).toBe(1);
    expect(existsSync(path.join(tmp, `${WARM_UP_PREFIX}${gone}-abc123`))).toBe(false);
    expect(existsSync(path.join(tmp, `${WARM_UP_PREFIX}${process.pid}-def456`))).toBe(true);
  });
});
