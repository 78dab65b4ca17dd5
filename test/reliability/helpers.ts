// Shared pieces of the reliability tests: `driftline worker` as a real child process with its JSON logs,
// private Redis servers and PostgreSQL clusters that a test may stop and restart, an S3 server that can go
// away and come back on the same port, and small real jobs. Everything is loopback-only, bounded in time
// and removed afterwards.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll } from "vitest";
import { migrate } from "../../src/service/db/migrations.js";
import { insertMission } from "../../src/service/db/missions.js";
import { PgDatabase } from "../../src/service/db/pg-database.js";
import { createLogger } from "../../src/service/log.js";
import type { Database, ObjectStorage } from "../../src/service/ports.js";
import { RedisJobQueue } from "../../src/service/queue/redis-queue.js";
import { S3Storage } from "../../src/service/storage/s3-storage.js";
import type { SimulationRunner } from "../../src/service/worker/thread-runner.js";
import { createWorker, type DriftWorker } from "../../src/service/worker/worker.js";
import { PG_SERVER } from "../helpers/needs.js";
import {
  createTestDatabase,
  deleteQueueKeys,
  REDIS_URL,
  type TestDatabase,
  testConfig,
  token,
  waitFor,
} from "../service/helpers.js";

export {
  createTestDatabase,
  deleteQueueKeys,
  PG_ADMIN_URL,
  REDIS_URL,
  sleep,
  type TestDatabase,
  testConfig,
  token,
  waitFor,
} from "../service/helpers.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BUCKET = "driftline-results";

export function which(cmd: string): string | null {
  try {
    return (
      execFileSync("sh", ["-c", `command -v ${cmd}`])
        .toString()
        .trim() || null
    );
  } catch {
    return null;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

// ---- jobs ----------------------------------------------------------------------------------------------------

/** Products of the small jobs: the contract's four files. */
export const CONTRACT_PRODUCTS = ["netcdf", "trajectories", "png", "pdf"] as const;

/**
 * A small real job: a life raft off Utsira on on-scene wind and current (no forcing file needed), few
 * particles, a few hours, a short product list. `slow` makes the simulation itself last several seconds
 * (50,000 particles at 1-minute steps for 48 h) so that a test can act while it runs.
 */
export function smallParams(over: Record<string, unknown> = {}, slow = false): Record<string, unknown> {
  return {
    latitude: 59.3,
    longitude: 4.6,
    start_time: "2024-03-01T06:00:00Z",
    duration_hours: slow ? 48 : 3,
    // Slow: 144 M particle-steps, seconds of simulation even as the step loop gets faster (a SIGTERM or a
    // kill mid-run must find it still running well past a 1 s grace period).
    num_particles: slow ? 50_000 : 100,
    object_type: 7,
    wind: { x: 3, y: 5 },
    current: { x: 0.1, y: 0.2 },
    ...(slow ? { time_step_seconds: 60 } : {}),
    products: [...CONTRACT_PRODUCTS],
    ...over,
  };
}

export function jobJson(id: string, params: Record<string, unknown>): string {
  return JSON.stringify({ mission_id: id, params });
}

/** Inserts a queued mission the way the platform's API does; returns its id. */
export function addMission(db: Database, name = "reliability"): Promise<string> {
  return insertMission(db, {
    name,
    lastKnownLat: 59.3,
    lastKnownLon: 4.6,
    lastKnownTime: "2024-03-01T06:00:00Z",
    objectType: "Life Raft",
    forecastHours: 3,
    ensembleSize: 100,
  });
}

export async function missionRow(db: Database, id: string): Promise<Record<string, unknown>> {
  return (await db.query("SELECT * FROM missions WHERE id = $1", [id])).rows[0];
}

export async function resultRows(db: Database, id: string): Promise<Record<string, unknown>[]> {
  return (await db.query("SELECT * FROM mission_results WHERE mission_id = $1", [id])).rows;
}

export async function statusesOf(db: Database, ids: string[]): Promise<string[]> {
  const r = await db.query<{ status: string }>(
    "SELECT status FROM missions WHERE id = ANY($1::uuid[]) ORDER BY id",
    [ids],
  );
  return r.rows.map((row) => row.status);
}

/** Every product the result row names is in the bucket, non-empty; returns the product names. */
export async function checkStoredProducts(
  storage: S3Storage,
  row: Record<string, unknown>,
): Promise<string[]> {
  const products = row.products as Record<string, string>;
  for (const [name, uri] of Object.entries(products)) {
    const prefix = `s3://${BUCKET}/`;
    if (!uri.startsWith(prefix)) throw new Error(`product ${name}: unexpected URI ${uri}`);
    const body = await storage.get(BUCKET, uri.slice(prefix.length));
    if (body.byteLength === 0) throw new Error(`product ${name}: empty object ${uri}`);
  }
  return Object.keys(products).sort();
}

// ---- worker processes ------------------------------------------------------------------------------------------

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** The JSON log lines printed so far. */
  logs(): Record<string, unknown>[];
  /** The worker id it runs under (from its "worker started" line). */
  id(): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running (for cleanup). */
  kill(): Promise<void>;
}

const spawned = new Set<ChildProcess>();

/**
 * Starts `driftline worker` from the sources as ONE node process (no npx/tsx wrapper in between, so a
 * signal reaches the worker itself). The environment is only what is given here plus PATH and HOME.
 */
export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "worker"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      METRICS_PORT: "0",
      FORCING_BUCKET: "",
      LOG_LEVEL: "info",
      POLL_INTERVAL: "0.5",
      PROGRESS_INTERVAL_SECONDS: "0.3",
      WORK_DIR: path.join(os.tmpdir(), "driftline-reliability-work"),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  spawned.add(child);
  let text = "";
  child.stdout?.on("data", (d) => {
    text += String(d);
  });
  child.stderr?.on("data", (d) => {
    text += String(d);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      spawned.delete(child);
      resolve({ code, signal });
    }),
  );
  const logs = () =>
    text
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  return {
    child,
    output: () => text,
    logs,
    id: () =>
      waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`worker exited early:\n${text.slice(-2000)}`);
          const started = logs().find((l) => l.msg === "worker started");
          return started ? String(started.worker) : null;
        },
        "worker process started",
        45_000,
        100,
      ),
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

/** Kills every worker process a test left running (afterEach / afterAll). */
export async function killAllWorkers(): Promise<void> {
  for (const child of [...spawned]) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  spawned.clear();
}

/** `job <outcome>` log lines of one or more worker processes, per mission id. */
export function outcomesByMission(workers: WorkerProcess[], outcome: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of workers) {
    for (const l of w.logs()) {
      if (l.msg === `job ${outcome}` && typeof l.mission_id === "string") {
        counts.set(l.mission_id, (counts.get(l.mission_id) ?? 0) + 1);
      }
    }
  }
  return counts;
}

// ---- a private Redis server ------------------------------------------------------------------------------------

export const REDIS_SERVER = which("redis-server");

export interface PrivateRedis {
  url: string;
  start(): Promise<void>;
  /** SIGTERM: a clean shutdown; SIGKILL: a crash (the append-only file is fsynced on every write). */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
  close(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "driftline-rel-redis-"));
  const port = await freePort();
  let server: ChildProcess | undefined;
  const start = async () => {
    server = spawn(
      REDIS_SERVER as string,
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--dir",
        dir,
      ],
      { stdio: "ignore" },
    );
    const probe = new Redis(port, "127.0.0.1", {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on("error", () => undefined);
    await waitFor(
      async () => (await probe.connect().then(() => probe.ping())) === "PONG",
      "redis up",
      10_000,
      50,
    );
    probe.disconnect();
  };
  const stop = async (signal: "SIGTERM" | "SIGKILL" = "SIGTERM") => {
    const s = server;
    if (!s || s.exitCode !== null || s.signalCode !== null) return;
    const exited = new Promise((r) => s.once("exit", r));
    s.kill(signal);
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    start,
    stop,
    async close() {
      await stop("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// ---- a private PostgreSQL cluster ------------------------------------------------------------------------------

// The programs are found by test/helpers/needs.ts (tests ask for them with have(…, "postgres-server")).
const { pgCtl: PG_CTL, initdb: INITDB, isRoot: IS_ROOT, runuser: RUNUSER } = PG_SERVER;

export interface PrivatePostgres {
  url: string;
  start(): void;
  stop(): void;
  close(): Promise<void>;
}

/** initdb + pg_ctl start on a free port, as user postgres when running as root (trust auth, no fsync). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "driftline-rel-pg-"));
  const data = path.join(dir, "data");
  const port = await freePort();
  const asPostgres = (cmd: string, args: string[]) =>
    IS_ROOT
      ? execFileSync(RUNUSER as string, ["-u", "postgres", "--", cmd, ...args], { stdio: "pipe" })
      : execFileSync(cmd, args, { stdio: "pipe" });
  if (IS_ROOT) await chmod(dir, 0o777);
  asPostgres(INITDB as string, ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]);
  const start = () =>
    asPostgres(PG_CTL as string, [
      "-D",
      data,
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      "-l",
      path.join(dir, "log"),
      "-w",
      "start",
    ]);
  const stop = () => {
    if (existsSync(path.join(data, "postmaster.pid")))
      asPostgres(PG_CTL as string, ["-D", data, "-m", "fast", "-w", "stop"]);
  };
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async close() {
      try {
        stop();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A PgDatabase on a URL, migrated (the worker's tables). */
export async function migratedDatabase(url: string): Promise<PgDatabase> {
  const db = new PgDatabase(url, { max: 4 });
  await migrate(db);
  return db;
}

// ---- an S3 server that can go away -------------------------------------------------------------------------

export interface RestartableS3 {
  endpoint: string;
  port: number;
  /** A client for the test's own checks. */
  storage: S3Storage;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** s3rver on a fixed free port and directory: stop() and start() keep the endpoint and the objects. */
export async function startRestartableS3(): Promise<RestartableS3> {
  const require = createRequire(import.meta.url);
  const S3rver = require("s3rver");
  const directory = await mkdtemp(path.join(os.tmpdir(), "driftline-rel-s3-"));
  const port = await freePort();
  let server: { run(): Promise<unknown>; close(): Promise<void> } | undefined;
  const start = async () => {
    if (server) return;
    const s = new S3rver({ port, address: "127.0.0.1", silent: true, directory });
    await s.run();
    server = s;
  };
  const stop = async () => {
    const s = server;
    server = undefined;
    await s?.close();
  };
  await start();
  const endpoint = `http://127.0.0.1:${port}`;
  const storage = new S3Storage({
    endpoint,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    maxAttempts: 2,
  });
  return {
    endpoint,
    port,
    storage,
    stop,
    start,
    async close() {
      storage.close();
      await stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The environment of a worker process against the given services. */
export function workerEnv(options: {
  databaseUrl: string;
  redisUrl?: string;
  s3Endpoint: string;
  queueName: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl ?? REDIS_URL,
    S3_ENDPOINT: options.s3Endpoint,
    S3_ACCESS_KEY: "S3RVER",
    S3_SECRET_KEY: "S3RVER",
    QUEUE_NAME: options.queueName,
    ...options.extra,
  };
}

/** A unique queue name per test. */
export function queueName(what: string): string {
  return `dl_rel_${what}_${token()}`;
}

// ---- an in-process worker ------------------------------------------------------------------------------------

export interface InProcessWorker {
  worker: DriftWorker;
  queue: RedisJobQueue;
  storage: S3Storage;
  logs(): Record<string, unknown>[];
  /** Stops the worker, closes its connections and deletes the queue's keys. */
  close(): Promise<void>;
}

/**
 * createWorker on the real services with the default runner (the simulation in a worker thread) unless one
 * is given; its JSON log lines are kept for the test to read.
 */
export function startInProcessWorker(options: {
  db: Database;
  s3Endpoint: string;
  queueName: string;
  env?: Record<string, string>;
  runner?: SimulationRunner;
  storage?: ObjectStorage;
}): InProcessWorker {
  const config = testConfig({
    QUEUE_NAME: options.queueName,
    S3_ENDPOINT: options.s3Endpoint,
    ...options.env,
  });
  const lines: string[] = [];
  const logger = createLogger(
    { level: "info", workerId: config.workerId },
    { write: (line: string) => void lines.push(line) },
  );
  const queue = new RedisJobQueue({ url: config.redisUrl ?? REDIS_URL, queueName: options.queueName });
  const storage = new S3Storage({
    endpoint: options.s3Endpoint,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    maxAttempts: 2,
  });
  const worker = createWorker({
    db: options.db,
    queue,
    storage: options.storage ?? storage,
    config,
    logger,
    runner: options.runner,
  });
  worker.start();
  return {
    worker,
    queue,
    storage,
    logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    async close() {
      await worker.stop({ graceMs: 0 });
      await queue.close();
      storage.close();
      await deleteQueueKeys(options.queueName);
    },
  };
}

// ---- the HTTP API on the real services ------------------------------------------------------------------------

export interface ApiHarness {
  app: FastifyInstance;
  db: Database;
  queue: RedisJobQueue;
  /** Two users with one API key each. */
  users: { a: { id: string; key: string }; b: { id: string; key: string } };
  close(): Promise<void>;
}

/**
 * buildApi() with authentication required, on a private PostgreSQL database, a private Redis queue (no worker
 * takes its jobs) and the given S3 server; requests go through app.inject (no network).
 */
export async function startApiHarness(s3Endpoint: string, database: { db: Database }): Promise<ApiHarness> {
  const { buildApi, API_MIGRATIONS, createApiKey } = await import("../../src/service/api/server.js");
  await migrate(database.db, API_MIGRATIONS);
  const name = queueName("api");
  const queue = new RedisJobQueue({ url: REDIS_URL, queueName: name });
  const storage = new S3Storage({
    endpoint: s3Endpoint,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    maxAttempts: 2,
  });
  const app = await buildApi({
    db: database.db,
    queue,
    storage,
    // Admission (rate, quota, queue depth) has its own test: test/hardening/admission.test.ts.
    config: {
      bucket: BUCKET,
      auth: "required",
      version: "test",
      limits: { ratePerMinute: 1e6, maxQueuedPerKey: 1e6, maxQueuedWorkPerKey: 1e15, maxQueueDepth: 1e6 },
    },
  });
  const user = async (email: string) => {
    const r = await database.db.query<{ id: string }>(
      "INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id::text AS id",
      [email, email],
    );
    const id = r.rows[0].id;
    return { id, key: (await createApiKey(database.db, { userId: id, name: email })).key };
  };
  const users = { a: await user(`a-${token()}@example.org`), b: await user(`b-${token()}@example.org`) };
  return {
    app,
    db: database.db,
    queue,
    users,
    async close() {
      await app.close();
      await queue.close();
      storage.close();
      await deleteQueueKeys(name);
    },
  };
}

/** What most reliability files share: a private migrated database and a restartable S3 server. */
export interface FileServices {
  database: TestDatabase;
  s3: RestartableS3;
}

export async function startFileServices(): Promise<FileServices> {
  const [database, s3] = await Promise.all([createTestDatabase(), startRestartableS3()]);
  await migrate(database.db);
  return { database, s3 };
}

export async function stopFileServices(s: Partial<FileServices>): Promise<void> {
  await Promise.all([s.database?.drop(), s.s3?.close()]);
}

/** What a file that runs worker processes shares: its file services, a Redis client and its queues. */
export interface WorkerProcessServices extends FileServices {
  redis: Redis;
  /** A unique queue name (queueName) whose keys are deleted after the file. */
  queue(what: string): string;
  /** The environment of a worker process on this file's database and S3 server and the given queue. */
  workerEnv(queue: string, extra: Record<string, string>): Record<string, string>;
}

/**
 * Registers the hooks of a file that runs worker processes: a private migrated database and a restartable S3
 * server for the file, a Redis client, every worker process killed after each test, and after the file the
 * queues it named deleted. The fields are set once beforeAll has run.
 */
export function useWorkerProcessServices(): WorkerProcessServices {
  const queues: string[] = [];
  const services = {
    queue(what: string): string {
      const name = queueName(what);
      queues.push(name);
      return name;
    },
    workerEnv(queue: string, extra: Record<string, string>): Record<string, string> {
      return workerEnv({
        databaseUrl: services.database.url,
        s3Endpoint: services.s3.endpoint,
        queueName: queue,
        extra,
      });
    },
  } as WorkerProcessServices;
  beforeAll(async () => {
    Object.assign(services, await startFileServices());
    services.redis = new Redis(REDIS_URL);
  });
  afterEach(killAllWorkers);
  afterAll(async () => {
    await killAllWorkers();
    for (const q of queues) await deleteQueueKeys(q);
    await services.redis?.quit();
    await stopFileServices(services);
  });
  return services;
}

/** For waitFor: the mission row once it is completed or failed, else null. */
export const settledMission = (db: Database, id: string) => async () => {
  const m = await missionRow(db, id);
  return m.status === "completed" || m.status === "failed" ? m : null;
};
