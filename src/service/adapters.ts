// The one place that chooses the adapters behind the ports: PostgreSQL, Redis and S3 when their variables
// are set, else (only where an embedded data directory is given, as for `driftline serve`) PGlite, a queue
// table and local files. `driftline worker`, `driftline serve` and the operator commands all open their
// services here, so a new queue or store is one new adapter file plus one branch below.
import path from "node:path";
import type { Logger } from "pino";
import { redactUrl, type WorkerConfig } from "./config.js";
import { type Migration, migrate } from "./db/migrations.js";
import { PgDatabase } from "./db/pg-database.js";
import { EmbeddedQueue } from "./embedded/embedded-queue.js";
import { LocalStorage } from "./embedded/local-storage.js";
import { errorMessage, isTransientError } from "./errors.js";
import type { Database, JobQueue, ObjectStorage, QueueAdmin } from "./ports.js";
import { RedisJobQueue } from "./queue/redis-queue.js";
import { backoffMs, sleep } from "./retry.js";
import { S3Storage } from "./storage/s3-storage.js";

export interface ServiceOptions {
  /**
   * Where the embedded adapters keep their data: <dataDir>/pg (database) and <dataDir>/products (object
   * storage). Without it every service must be configured (DATABASE_URL, REDIS_URL, S3_ENDPOINT).
   */
  dataDir?: string;
  log?: Logger;
  /** PostgreSQL application_name, shown in pg_stat_activity. */
  applicationName?: string;
  /** Largest PostgreSQL pool. */
  maxConnections?: number;
  /**
   * Without REDIS_URL, use the queue table in the configured database even without a data directory: the
   * operator commands against a `driftline serve` that keeps its queue in PostgreSQL.
   */
  queueInDatabase?: boolean;
}

/** A queue as the worker and the operator commands use it. */
export type Queue = JobQueue & QueueAdmin;

export interface Services {
  db: Database;
  queue: Queue;
  storage: ObjectStorage;
  /** Where the follow-up `{mission_id, netcdf_path}` messages go (RESULTS_QUEUE), when one is configured. */
  resultsQueue?: { push(raw: string): Promise<void> };
  /** What runs where, for the start-up message and /health. */
  describe: { database: string; queue: string; storage: string };
  /** True when nothing outside this process is used. */
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Opens the database, the queue and the object storage. Nothing here waits for a real service to answer
 * (a worker starts during an outage and waits in migrateWhenReady); the embedded ones are opened at once.
 * Closes what it opened if a later one fails.
 */
export async function openServices(config: WorkerConfig, options: ServiceOptions = {}): Promise<Services> {
  const opened: { close(): Promise<void> }[] = [];
  const closeAll = async () => {
    for (const s of opened.reverse()) await s.close().catch(() => undefined);
  };
  try {
    const database = await openDatabase(config, options);
    opened.push(database.db);
    const queue = await openQueue(config, { ...options, db: database.db });
    opened.push(queue.queue);
    // Only this process holds the embedded database (its lock): jobs in processing belong to a previous
    // process that died. They go back at once rather than after their leases.
    if (database.exclusive && queue.queue instanceof EmbeddedQueue) {
      const n = await queue.queue.reclaimAll();
      if (n > 0) options.log?.info({ jobs: n }, "jobs of the previous (dead) process returned to the queue");
    }
    const storage = openStorage(config, options);
    opened.push({ close: async () => storage.storage.close?.() });
    let resultsQueue: Services["resultsQueue"];
    const resultsName = config.resultsQueue;
    if (resultsName) {
      const q = queue.queue;
      if (q instanceof RedisJobQueue) {
        resultsQueue = { push: (raw) => q.pushToList(resultsName, raw) };
      } else {
        const embedded = await EmbeddedQueue.open(database.db, resultsName);
        opened.push(embedded);
        resultsQueue = embedded;
      }
    }
    return {
      db: database.db,
      queue: queue.queue,
      storage: storage.storage,
      resultsQueue,
      describe: { database: database.text, queue: queue.text, storage: storage.text },
      embedded: !config.databaseUrl && !config.redisUrl && !config.s3Endpoint,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** PostgreSQL when DATABASE_URL is set, else the embedded database in <dataDir>/pg. */
export async function openDatabase(
  config: Pick<WorkerConfig, "databaseUrl">,
  options: ServiceOptions = {},
): Promise<{ db: Database; text: string; exclusive?: boolean }> {
  if (config.databaseUrl) {
    const db = new PgDatabase(config.databaseUrl, {
      log: options.log,
      applicationName: options.applicationName,
      max: options.maxConnections,
    });
    return { db, text: `PostgreSQL ${redactedHost(config.databaseUrl)}` };
  }
  const dir = path.join(embeddedDir(options, "DATABASE_URL"), "pg");
  // Loaded only here: `driftline worker` never needs PGlite.
  const { PGliteDatabase } = await import("./embedded/pglite-database.js");
  const db = await PGliteDatabase.open(dir);
  return { db, text: `embedded PostgreSQL (PGlite) in ${dir}`, exclusive: true };
}

/** The job queue: Redis when REDIS_URL is set, else the queue table in `db`. */
export async function openQueue(
  config: WorkerConfig,
  options: ServiceOptions & { db?: Database } = {},
): Promise<{ queue: Queue; text: string }> {
  if (config.redisUrl) {
    const queue = new RedisJobQueue({ url: config.redisUrl, queueName: config.queueName, log: options.log });
    return { queue, text: `Redis ${redactedHost(config.redisUrl)} list ${config.queueName}` };
  }
  if (!options.queueInDatabase) embeddedDir(options, "REDIS_URL");
  if (!options.db) throw new Error("the queue table lives in the database: open the database first");
  return {
    queue: await EmbeddedQueue.open(options.db, config.queueName),
    text: `durable queue in the database (table embedded_jobs, queue ${config.queueName})`,
  };
}

export function openStorage(
  config: WorkerConfig,
  options: ServiceOptions = {},
): { storage: ObjectStorage & { close?(): void }; text: string } {
  if (config.s3Endpoint) {
    if (!config.s3AccessKey || !config.s3SecretKey) {
      throw new Error("S3_ENDPOINT is set: set S3_ACCESS_KEY and S3_SECRET_KEY too");
    }
    const storage = new S3Storage({
      endpoint: config.s3Endpoint,
      accessKeyId: config.s3AccessKey,
      secretAccessKey: config.s3SecretKey,
      region: config.s3Region,
    });
    return { storage, text: `S3 ${redactUrl(config.s3Endpoint)} bucket ${config.resultsBucket}` };
  }
  const dir = path.join(embeddedDir(options, "S3_ENDPOINT"), "products");
  return { storage: new LocalStorage(dir), text: `local files in ${path.join(dir, config.resultsBucket)}` };
}

function embeddedDir(options: ServiceOptions, variable: string): string {
  if (options.dataDir === undefined) throw new Error(`${variable}: required, not set`);
  return options.dataDir;
}

/**
 * Applies the migrations, waiting (with backoff, logging) while the database is unreachable. Returns false
 * when the signal aborted first; a non-transient error (permissions, SQL) is thrown.
 */
export async function migrateWhenReady(
  db: Database,
  log: Logger,
  signal?: AbortSignal,
  extra: readonly Migration[] = [],
): Promise<boolean> {
  for (let attempt = 1; !signal?.aborted; attempt++) {
    try {
      const applied = await migrate(db, extra);
      if (applied.length > 0) log.info({ migrations: applied }, "database migrated");
      return true;
    } catch (err) {
      if (!isTransientError(err)) throw err;
      const wait = backoffMs(attempt, 500, 15_000);
      log.warn({ err: errorMessage(err), retry_in_ms: wait }, "database unavailable at start-up; waiting");
      await sleep(wait, signal);
    }
  }
  return false;
}

function redactedHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname.length > 1 ? u.pathname : ""}`;
  } catch {
    return "(configured)";
  }
}
