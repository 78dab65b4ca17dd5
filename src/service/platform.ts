// Connects the real services of a platform deployment (PostgreSQL, Redis, S3) from the configuration, and
// waits for the database at start-up instead of crash-looping while it comes up.
import type { Logger } from "pino";
import type { WorkerConfig } from "./config.js";
import { type Migration, migrate } from "./db/migrations.js";
import { PgDatabase } from "./db/pg-database.js";
import { errorMessage, isTransientError } from "./errors.js";
import { RedisJobQueue } from "./queue/redis-queue.js";
import { backoffMs, sleep } from "./retry.js";
import { S3Storage } from "./storage/s3-storage.js";

export function connectDatabase(config: WorkerConfig, log?: Logger): PgDatabase {
  if (!config.databaseUrl) throw new Error("DATABASE_URL: required, not set");
  return new PgDatabase(config.databaseUrl, { max: config.maxConcurrentJobs + 3, log });
}

export function connectQueue(config: WorkerConfig, log?: Logger): RedisJobQueue {
  if (!config.redisUrl) throw new Error("REDIS_URL: required, not set");
  return new RedisJobQueue({ url: config.redisUrl, queueName: config.queueName, log });
}

export function connectStorage(config: WorkerConfig): S3Storage {
  if (!config.s3Endpoint || !config.s3AccessKey || !config.s3SecretKey) {
    throw new Error("S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY: required");
  }
  return new S3Storage({
    endpoint: config.s3Endpoint,
    accessKeyId: config.s3AccessKey,
    secretAccessKey: config.s3SecretKey,
    region: config.s3Region,
  });
}

/**
 * Applies the migrations, waiting (with backoff, logging) while the database is unreachable. Returns false
 * when the signal aborted first; a non-transient error (permissions, SQL) is thrown.
 */
export async function migrateWhenReady(
  db: PgDatabase,
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
