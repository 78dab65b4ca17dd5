// Embedded PostgreSQL: PGlite (PostgreSQL compiled to WebAssembly) in this process, data in a directory.
// The same SQL as the real server runs here, so the API, the worker and the migrations need no second dialect.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { Database, QueryResult } from "../ports.js";

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
      if (lockFile) rmSync(lockFile, { force: true });
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
      if (this.lockFile) rmSync(this.lockFile, { force: true });
    }
  }
}

/** Creates the lock file with our pid; a lock left by a process that no longer runs is taken over. */
function takeLock(lockFile: string, dataDir: string): void {
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(lockFile, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(lockFile, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new Error(
          `the embedded database in ${dataDir} is in use by process ${pid} (another \`driftline serve\`?); ` +
            "stop it first, or use another --data-dir",
        );
      }
      rmSync(lockFile, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`cannot lock the embedded database in ${dataDir} (${lockFile})`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
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
