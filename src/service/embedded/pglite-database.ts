// Embedded PostgreSQL: PGlite (PostgreSQL compiled to WebAssembly) in this process, data in a directory.
// The same SQL as the real server runs here, so the API, the worker and the migrations need no second dialect.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { Database, QueryResult } from "../ports.js";
import { isAlive } from "../worker/scratch.js";

export class PGliteDatabase implements Database {
  private closed = false;

  private constructor(
    readonly pg: PGlite,
    /** Directory holding the database files, or undefined for an in-memory database. */
    readonly dataDir: string | undefined,
    private readonly lockFile: string | undefined,
  ) {}

  /**
   * Opens (creating on first use) the database in dataDir; in memory when dataDir is undefined. One
   * process at a time: PGlite has no server to share it, so a lock file keeps a second process out.
   */
  static async open(dataDir?: string): Promise<PGliteDatabase> {
    let lockFile: string | undefined;
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      lockFile = `${dataDir.replace(/[/\\]+$/, "")}.lock`;
      takeLock(lockFile, dataDir);
    }
    let pg: PGlite;
    try {
      pg = await PGlite.create(dataDir);
    } catch (error) {
      if (lockFile) releaseLock(lockFile);
      throw new Error(
        `cannot open the embedded database in ${dataDir ?? "memory"}: ${(error as Error).message}`,
      );
    }
    return new PGliteDatabase(pg, dataDir, lockFile);
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    if (this.closed) throw new Error("embedded database is closed");
    if (!params || params.length === 0) {
      // Simple protocol: allows several statements (migration files); the last result is returned.
      const results = await this.pg.exec(sql);
      const last = results[results.length - 1];
      const rows = (last?.rows ?? []) as T[];
      return { rows, rowCount: countOf(last?.command, rows.length, last?.affectedRows) };
    }
    const result = await this.pg.query<T>(sql, params.map(toParam));
    return { rows: result.rows, rowCount: countOf(undefined, result.rows.length, result.affectedRows) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.pg.close();
    } finally {
      if (this.lockFile) releaseLock(this.lockFile);
    }
  }
}

function releaseLock(lockFile: string): void {
  HELD.delete(lockFile);
  rmSync(lockFile, { force: true });
}

/** Lock files this process holds (a second open in this process is refused like any other holder). */
const HELD = new Set<string>();

/**
 * Creates the lock file with our pid and the process's start time. A lock is stale, and taken over, when
 * its process no longer runs, or when the pid now belongs to another process: the pid is ours (a restart
 * that got the same pid, as PID 1 in a container does) or a different process start time is recorded.
 */
function takeLock(lockFile: string, dataDir: string): void {
  if (HELD.has(lockFile)) {
    throw new Error(
      `the embedded database in ${dataDir} is in use by process ${process.pid} (this one: it is open already)`,
    );
  }
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(lockFile, "wx");
      writeSync(fd, JSON.stringify({ pid: process.pid, start: processStart(process.pid) ?? null }));
      closeSync(fd);
      HELD.add(lockFile);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = lockHolder(readLock(lockFile));
      if (holder !== undefined) {
        throw new Error(
          `the embedded database in ${dataDir} is in use by process ${holder} (another \`driftline serve\`?); ` +
            "stop it first, or use another --data-dir",
        );
      }
      rmSync(lockFile, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`cannot lock the embedded database in ${dataDir} (${lockFile})`);
}

interface LockHolder {
  pid: number;
  /** Start time of the process (Linux: clock ticks after boot), when it could be read. */
  start?: string;
}

function readLock(lockFile: string): string {
  try {
    return readFileSync(lockFile, "utf8");
  } catch {
    return "";
  }
}

/** The pid of the process that holds a lock with this text, or undefined when the lock is stale. */
export function lockHolder(lockText: string): number | undefined {
  const holder = parseLock(lockText.trim());
  return holder && holderRuns(holder) ? holder.pid : undefined;
}

/** The lock's holder: `{"pid", "start"}`, or a bare pid (locks written before the start time was kept). */
function parseLock(text: string): LockHolder | undefined {
  let j: { pid?: unknown; start?: unknown } = { pid: text };
  if (text.startsWith("{")) {
    try {
      j = JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  const pid = Number(j.pid);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return typeof j.start === "string" ? { pid, start: j.start } : { pid };
}

function holderRuns(holder: LockHolder): boolean {
  // Our own pid, not held by us (HELD): a previous life of this process's pid.
  if (holder.pid === process.pid) return false;
  if (!isAlive(holder.pid)) return false;
  const start = processStart(holder.pid);
  if (holder.start !== undefined && start !== undefined) return start === holder.start;
  // No start time to compare: PID 1 is a container's first process (then a previous life of ours) or init,
  // which never holds the lock.
  return holder.pid !== 1;
}

/** Start time of a process from /proc/<pid>/stat (field 22); undefined where there is no /proc. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}

/** node-postgres reports affected rows for INSERT/UPDATE/DELETE and returned rows for SELECT; do the same. */
function countOf(command: string | undefined, returned: number, affected: number | undefined): number {
  if (command === "SELECT") return returned;
  return Math.max(returned, affected ?? 0);
}

/** node-postgres serialises plain objects and arrays given for json/jsonb columns; PGlite wants the same. */
function toParam(value: unknown): unknown {
  if (value === undefined) return null;
  return value;
}
