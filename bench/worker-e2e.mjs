// End-to-end time of drift worker jobs on the built code (dist/), against the real Redis and PostgreSQL
// (TEST_REDIS_URL, TEST_PG_ADMIN_URL as the service tests) and an S3 server (s3rver) on a random port:
// a job is pushed in the contract's JSON, the worker claims it, simulates, writes every product to the
// bucket and the mission row; "claimed → completed" is the row's started_at → completed_at.
//   node bench/worker-e2e.mjs '{"particles":5000,"hours":48,"jobs":2}'
// Prints one JSON line.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const DIST = path.join(ROOT, "dist");
const FORCING_DIR = path.resolve(ROOT, "../shared/data/forcing");
const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
const { particles = 5000, hours = 48, jobs = 2, threads = 1 } = JSON.parse(process.argv[2] ?? "{}");

const load = (p) => import(path.join(DIST, p));
const { PgDatabase } = await load("service/db/pg-database.js");
const { migrate } = await load("service/db/migrations.js");
const { insertMission } = await load("service/db/missions.js");
const { RedisJobQueue } = await load("service/queue/redis-queue.js");
const { S3Storage } = await load("service/storage/s3-storage.js");
const { createWorker } = await load("service/worker/worker.js");
const { loadConfig } = await load("service/config.js");
const { silentLogger } = await load("service/log.js");
const require = createRequire(import.meta.url);
const pg = require("pg");
const { Redis } = require("ioredis");
const S3rver = require("s3rver");

const token = randomBytes(4).toString("hex");
const dbName = `driftline_bench_${token}`;
const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
await admin.end();
const dbUrl = new URL(PG_ADMIN_URL);
dbUrl.pathname = `/${dbName}`;
const db = new PgDatabase(dbUrl.toString(), { max: 4 });
const s3dir = await mkdtemp(path.join(os.tmpdir(), "driftline-bench-s3-"));
const s3 = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: s3dir });
const { port } = await s3.run();
const endpoint = `http://127.0.0.1:${port}`;
const storage = new S3Storage({ endpoint, accessKeyId: "S3RVER", secretAccessKey: "S3RVER", maxAttempts: 2 });
const queueName = `dl_bench_${token}`;
const queue = new RedisJobQueue({ url: REDIS_URL, queueName });
const redis = new Redis(REDIS_URL);
const results = [];
let worker;
let warmUpSeconds = null;
try {
  await migrate(db);
  const config = loadConfig(
    {
      REDIS_URL,
      QUEUE_NAME: queueName,
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY: "S3RVER",
      S3_SECRET_KEY: "S3RVER",
      FORCING_DIR,
      POLL_INTERVAL: "0.1",
      PROGRESS_INTERVAL_SECONDS: "1",
      METRICS_PORT: "0",
      FORCING_BUCKET: "",
      WORK_DIR: path.join(os.tmpdir(), `driftline-bench-work-${token}`),
      LOG_LEVEL: "silent",
      SIM_THREADS: String(threads),
    },
    {},
  );
  worker = createWorker({ db, queue, storage, config, logger: silentLogger() });
  worker.start();
  // A deployed worker runs long before its jobs come: the first job finds its thread warmed up.
  const warmStarted = performance.now();
  await worker.warm;
  warmUpSeconds = (performance.now() - warmStarted) / 1000;
  for (let j = 0; j < jobs; j++) {
    const id = await insertMission(db, {
      name: `bench ${j}`,
      lastKnownLat: 68.9,
      lastKnownLon: 14.0,
      lastKnownTime: "2016-02-01T12:00:00Z",
      objectType: "PIW",
      forecastHours: hours,
      ensembleSize: particles,
    });
    const pushed = performance.now();
    await redis.rpush(
      queueName,
      JSON.stringify({
        mission_id: id,
        params: {
          latitude: 68.9,
          longitude: 14.0,
          start_time: "2016-02-01T12:00:00Z",
          duration_hours: hours,
          num_particles: particles,
          object_type: 1,
        },
      }),
    );
    let row;
    for (;;) {
      row = (
        await db.query(
          "SELECT status, error_message, EXTRACT(EPOCH FROM completed_at - started_at) AS seconds FROM missions WHERE id = $1",
          [id],
        )
      ).rows[0];
      if (row.status === "completed" || row.status === "failed") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const observed = (performance.now() - pushed) / 1000;
    if (row.status !== "completed") throw new Error(`job ${j} failed: ${row.error_message}`);
    const computation = (
      await db.query("SELECT computation_time_seconds FROM mission_results WHERE mission_id = $1", [id])
    ).rows[0]?.computation_time_seconds;
    results.push({
      claimedToCompletedSeconds: Number(row.seconds),
      pushedToObservedSeconds: observed,
      computationSeconds: computation === undefined ? null : Number(computation),
    });
    process.stderr.write(
      `  worker job ${j + 1}/${jobs}: claimed → completed ${Number(row.seconds).toFixed(2)} s\n`,
    );
  }
} finally {
  await worker?.stop({ graceMs: 0 }).catch(() => undefined);
  await queue.close().catch(() => undefined);
  const keys = await redis.keys(`${queueName}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  storage.close();
  await s3.close();
  await rm(s3dir, { recursive: true, force: true });
  await db.close().catch(() => undefined);
  const a = new pg.Client({ connectionString: PG_ADMIN_URL });
  await a.connect();
  await a.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await a.end();
}
process.stdout.write(
  `${JSON.stringify({ particles, hours, jobs: results, warmUpSeconds, peakRssMB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
