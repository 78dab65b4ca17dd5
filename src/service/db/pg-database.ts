// The Database port on PostgreSQL through a pg Pool. Connections that die during an outage are dropped by
// the pool and reopened on the next query; the caller decides about retries (see retry.ts).
import pg from "pg";
import type { Logger } from "pino";
import { redactUrl } from "../config.js";
import type { Database, QueryResult } from "../ports.js";

/** TIMESTAMP WITHOUT TIME ZONE columns hold UTC by the platform's convention: read them as UTC. */
function parseUtcTimestamp(value: string): Date {
  return new Date(`${value.replace(" ", "T")}Z`);
}

const TIMESTAMP_OID = 1114;

export class PgDatabase implements Database {
  readonly pool: pg.Pool;

  constructor(url: string, options: { max?: number; log?: Logger; applicationName?: string } = {}) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 5,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      application_name: options.applicationName ?? "driftline-worker",
      types: {
        getTypeParser: ((oid: number, format?: "text" | "binary") =>
          oid === TIMESTAMP_OID && format !== "binary"
            ? parseUtcTimestamp
            : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
      },
    });
    // An idle connection killed by a server restart emits 'error' on the pool; unhandled it would crash
    // the process. The pool discards that client and opens a new one for the next query.
    this.pool.on("error", (err) => {
      options.log?.warn({ err: err.message, database: redactUrl(url) }, "idle database connection lost");
    });
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    const result = await this.pool.query(sql, params as unknown[] | undefined);
    return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
