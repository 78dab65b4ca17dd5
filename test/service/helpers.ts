// Real services for the worker tests: a fresh PostgreSQL database per test file, unique Redis key prefixes,
// and an S3 server (s3rver) on a random port with a temporary directory.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { RunOptions, RunResult } from "../../src/pipeline/run.js";
import { PRODUCT_FILES, type ProductName } from "../../src/products/registry.js";
import { loadConfig, type WorkerConfig } from "../../src/service/config.js";
import { migrate } from "../../src/service/db/migrations.js";
import { insertMission } from "../../src/service/db/missions.js";
import { PgDatabase } from "../../src/service/db/pg-database.js";
import { S3Storage } from "../../src/service/storage/s3-storage.js";
import type { SimulationRunner } from "../../src/service/worker/thread-runner.js";

export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";

export function token(): string {
  return randomBytes(5).toString("hex");
}

export interface TestDatabase {
  name: string;
  url: string;
  db: PgDatabase;
  drop(): Promise<void>;
}

/** CREATE DATABASE driftline_test_<random>; drop() closes every connection and drops it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `driftline_test_${token()}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const db = new PgDatabase(url.toString(), { max: 6 });
  return {
    name,
    url: url.toString(),
    db,
    async drop() {
      await db.close().catch(() => undefined);
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** Deletes every Redis key of a queue prefix. */
export async function deleteQueueKeys(queueName: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${queueName}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
  await redis.quit();
}

export interface TestS3 {
  endpoint: string;
  storage: S3Storage;
  close(): Promise<void>;
}

export async function startS3(): Promise<TestS3> {
  const require = createRequire(import.meta.url);
  const S3rver = require("s3rver");
  const directory = await mkdtemp(path.join(os.tmpdir(), "driftline-s3-"));
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const storage = new S3Storage({
    endpoint,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    maxAttempts: 2,
  });
  return {
    endpoint,
    storage,
    async close() {
      storage.close();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A worker configuration for tests: real service URLs, short timings, overridable. */
export function testConfig(env: Record<string, string>): WorkerConfig {
  return loadConfig(
    {
      REDIS_URL,
      S3_ACCESS_KEY: "S3RVER",
      S3_SECRET_KEY: "S3RVER",
      POLL_INTERVAL: "0.2",
      LEASE_SECONDS: "5",
      RETRY_BASE_SECONDS: "0.2",
      OUTAGE_RETRY_SECONDS: "2",
      PROGRESS_INTERVAL_SECONDS: "0.2",
      METRICS_PORT: "0",
      FORCING_BUCKET: "",
      WORK_DIR: path.join(os.tmpdir(), "driftline-worker-test"),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
      ...env,
    },
    {},
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until fn returns a truthy value or the time is up. */
export async function waitFor<T>(
  fn: () => Promise<T>,
  what: string,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<Exclude<T, null | undefined | false | 0 | "">> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v as Exclude<T, null | undefined | false | 0 | "">;
    } catch (err) {
      last = err;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}`);
}

export interface FakeRun {
  spec: Record<string, unknown>;
  start: number;
  end: number;
}

/**
 * A stand-in for runSimulationSpec that writes small product files: for the worker's plumbing tests
 * (concurrency, retries, crashes), where the physics does not matter. The real runner is tested in
 * worker-integration.test.ts.
 */
export function fakeRunner(
  options: {
    durationMs?: number;
    fail?: (spec: Record<string, unknown>, call: number) => Error | undefined;
    runs?: FakeRun[];
  } = {},
): SimulationRunner {
  let calls = 0;
  return async (specInput: unknown, opts: RunOptions): Promise<RunResult> => {
    const spec = specInput as Record<string, unknown>;
    const call = ++calls;
    const start = Date.now();
    const steps = 5;
    for (let i = 0; i < steps; i++) {
      opts.signal?.throwIfAborted();
      opts.onProgress?.({ fraction: i / steps, stage: "simulate", message: `step ${i}` });
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, (options.durationMs ?? 100) / steps);
        opts.signal?.addEventListener(
          "abort",
          () => {
            clearTimeout(t);
            reject(new Error("aborted"));
          },
          { once: true },
        );
      });
    }
    const failure = options.fail?.(spec, call);
    if (failure) throw failure;
    await mkdir(opts.outDir, { recursive: true });
    const files: Partial<Record<ProductName, string>> = {};
    for (const name of opts.products ?? (Object.keys(PRODUCT_FILES) as ProductName[])) {
      const file = path.join(opts.outDir, PRODUCT_FILES[name]);
      await writeFile(file, `${name} of ${String(spec.name)} seed ${String(spec.random_seed)}\n`);
      files[name] = file;
    }
    options.runs?.push({ spec, start, end: Date.now() });
    const seed = spec.seed as { lon: number; lat: number; number: number };
    const t0 = Date.parse(String(spec.start_time)) / 1000;
    const polygon = {
      type: "Polygon" as const,
      coordinates: [
        [
          [seed.lon, seed.lat],
          [seed.lon + 0.1, seed.lat],
          [seed.lon + 0.1, seed.lat + 0.1],
          [seed.lon, seed.lat],
        ] as [number, number][],
      ],
    };
    const area = (percent: number) => ({
      percent,
      geometry: polygon,
      areaKm2: percent,
      areaNm2: percent / 3.43,
      containedFraction: percent / 100,
      droppedFraction: 0,
      droppedPieces: 0,
      pieces: [],
    });
    return {
      summary: {
        name: String(spec.name),
        objectType: { id: Number(spec.object_type), key: "PIW-1", description: "test" },
        particleCount: seed.number,
        activeCount: seed.number - 1,
        strandedCount: 1,
        missingDataCount: 0,
        computationSeconds: (Date.now() - start) / 1000,
        simulationSeconds: 0.05,
        particleSteps: seed.number * 24,
        snapshots: [0, 1].map((k) => ({
          time: t0 + k * 3600,
          counts: { active: seed.number },
          centroidLon: seed.lon + k * 0.01,
          centroidLat: seed.lat,
          stdEastKm: 0,
          stdNorthKm: 0,
        })),
        // As the real runner: the areas of every time only when asked (or a product reads them).
        searchAreas: !opts.searchAreas
          ? undefined
          : [0, 1].map((k) => ({
              timeIndex: k,
              time: t0 + k * 3600,
              hoursElapsed: k,
              centroidLon: seed.lon + k * 0.01,
              centroidLat: seed.lat,
              mostLikelyLon: seed.lon,
              mostLikelyLat: seed.lat,
              mostLikely: null,
              counts: { active: seed.number },
              areas: { "50": area(50), "90": area(90), "95": area(95) },
            })),
        forcing: [{ variable: "wind", name: "constant" }],
      },
      files,
    };
  };
}

export interface WorkerServices {
  database: TestDatabase;
  s3: TestS3;
  redis: Redis;
  /** Run after each test, last added first. */
  cleanups: (() => Promise<void>)[];
}

/**
 * Registers the hooks of a worker test file: a migrated database and an S3 server for the file, a Redis
 * client, and cleanups run after each test. The fields are set once beforeAll has run.
 */
export function useWorkerServices(): WorkerServices {
  const services = { cleanups: [] } as unknown as WorkerServices;
  beforeAll(async () => {
    [services.database, services.s3] = await Promise.all([createTestDatabase(), startS3()]);
    await migrate(services.database.db);
    services.redis = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    for (const c of services.cleanups.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    await services.redis?.quit();
    await Promise.all([services.database?.drop(), services.s3?.close()]);
  });
  return services;
}

/** A mission row as a producer writes it before pushing its job (60° N 3° E, 24 h, 100 particles). */
export function insertTestMission(db: PgDatabase, name: string): Promise<string> {
  return insertMission(db, {
    name,
    lastKnownLat: 60,
    lastKnownLon: 3,
    lastKnownTime: "2024-01-01T12:00:00Z",
    objectType: "PIW",
    forecastHours: 24,
    ensembleSize: 100,
  });
}
