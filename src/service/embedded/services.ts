// Picks the three services for `driftline serve`: embedded by default (PGlite, a queue table, local files
// under the data directory), each replaced by the real one when its variable is set (DATABASE_URL,
// REDIS_URL, S3_ENDPOINT). The API, the worker and the SQL are the same either way.
import path from "node:path";
import { redactUrl, type WorkerConfig } from "../config.js";
import { PgDatabase } from "../db/pg-database.js";
import type { Logger } from "../log.js";
import type { Database, JobQueue, ObjectStorage } from "../ports.js";
import { RedisJobQueue } from "../queue/redis-queue.js";
import { S3Storage } from "../storage/s3-storage.js";
import { EmbeddedQueue } from "./embedded-queue.js";
import { LocalStorage } from "./local-storage.js";
import { PGliteDatabase } from "./pglite-database.js";

export interface Services {
  db: Database;
  queue: JobQueue;
  storage: ObjectStorage;
  /** What runs where, for the start-up message and /health. */
  describe: { database: string; queue: string; storage: string };
  /** True when nothing outside this process is used. */
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Opens the services. `dataDir` holds the embedded parts: <dataDir>/pg (database) and <dataDir>/products
 * (object storage). Closes what it opened if a later one fails.
 */
export async function openServices(config: WorkerConfig, dataDir: string, log?: Logger): Promise<Services> {
  const opened: { close(): Promise<void> }[] = [];
  const closeAll = async () => {
    for (const s of opened.reverse()) await s.close().catch(() => undefined);
  };
  try {
    let db: Database;
    let dbText: string;
    if (config.databaseUrl) {
      db = new PgDatabase(config.databaseUrl, { log, applicationName: "driftline-serve" });
      dbText = `PostgreSQL ${redactedHost(config.databaseUrl)}`;
    } else {
      const dir = path.join(dataDir, "pg");
      db = await PGliteDatabase.open(dir);
      dbText = `embedded PostgreSQL (PGlite) in ${dir}`;
    }
    opened.push(db);

    let queue: JobQueue;
    let queueText: string;
    if (config.redisUrl) {
      queue = new RedisJobQueue({ url: config.redisUrl, queueName: config.queueName, log });
      queueText = `Redis ${redactedHost(config.redisUrl)} list ${config.queueName}`;
    } else {
      queue = await EmbeddedQueue.open(db, config.queueName);
      queueText = `durable queue in the database (table embedded_jobs, queue ${config.queueName})`;
    }
    opened.push(queue);

    let storage: ObjectStorage;
    let storageText: string;
    if (config.s3Endpoint) {
      if (!config.s3AccessKey || !config.s3SecretKey) {
        throw new Error("S3_ENDPOINT is set: set S3_ACCESS_KEY and S3_SECRET_KEY too");
      }
      storage = new S3Storage({
        endpoint: config.s3Endpoint,
        accessKeyId: config.s3AccessKey,
        secretAccessKey: config.s3SecretKey,
        region: config.s3Region,
      });
      storageText = `S3 ${redactUrl(config.s3Endpoint)} bucket ${config.resultsBucket}`;
    } else {
      const dir = path.join(dataDir, "products");
      storage = new LocalStorage(dir);
      storageText = `local files in ${path.join(dir, config.resultsBucket)}`;
    }
    await storage.ensureBucket(config.resultsBucket);

    return {
      db,
      queue,
      storage,
      describe: { database: dbText, queue: queueText, storage: storageText },
      embedded: !config.databaseUrl && !config.redisUrl && !config.s3Endpoint,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function redactedHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname.length > 1 ? u.pathname : ""}`;
  } catch {
    return "(configured)";
  }
}
