// Outages: a private Redis server and a private PostgreSQL cluster (so that nothing else is disturbed) go
// away while jobs wait and run, and come back; every job still completes exactly once.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/service/db/migrations.js";
import { insertMission } from "../../src/service/db/missions.js";
import { PgDatabase } from "../../src/service/db/pg-database.js";
import { silentLogger } from "../../src/service/log.js";
import type { Database } from "../../src/service/ports.js";
import { RedisJobQueue } from "../../src/service/queue/redis-queue.js";
import { createWorker } from "../../src/service/worker/worker.js";
import { have, PG_SERVER } from "../helpers/needs.js";
import { startPrivateRedis } from "../reliability/helpers.js";
import {
  createTestDatabase,
  fakeRunner,
  REDIS_URL,
  sleep,
  startS3,
  type TestDatabase,
  type TestS3,
  testConfig,
  token,
  waitFor,
} from "./helpers.js";

const { pgCtl: PG_CTL, initdb: INITDB, isRoot: IS_ROOT, runuser: RUNUSER } = PG_SERVER;
const REDIS_RESTART = await have(
  "test/service/outage.test.ts: Redis restarted while jobs wait and run",
  "redis-server",
  "postgres",
);
const PG_DOWN = await have(
  "test/service/outage.test.ts: PostgreSQL down while jobs run",
  "postgres-server",
  "redis",
);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

let s3: TestS3;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  s3 = await startS3();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});
afterAll(async () => {
  await s3?.close();
});

function job(id: string): string {
  return JSON.stringify({
    mission_id: id,
    params: {
      latitude: 60,
      longitude: 3,
      start_time: "2024-01-01T12:00:00Z",
      duration_hours: 6,
      num_particles: 100,
      object_type: 1,
    },
  });
}

async function addMissions(db: Database, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(
      await insertMission(db, {
        name: `outage ${i}`,
        lastKnownLat: 60,
        lastKnownLon: 3,
        lastKnownTime: "2024-01-01T12:00:00Z",
        objectType: "PIW",
        forecastHours: 6,
        ensembleSize: 100,
      }),
    );
  }
  return ids;
}

async function statuses(db: Database, ids: string[]): Promise<string[]> {
  const r = await db.query<{ status: string }>("SELECT status FROM missions WHERE id = ANY($1::uuid[])", [
    ids,
  ]);
  return r.rows.map((row) => row.status);
}

describe("outages", () => {
  it.runIf(REDIS_RESTART)(
    "Redis restarted while jobs wait and run: no job lost, the worker reconnects by itself",
    async () => {
      const redis = await startPrivateRedis();
      let database: TestDatabase | undefined = await createTestDatabase();
      cleanups.push(async () => {
        await redis.close();
        await database?.drop();
        database = undefined;
      });
      const db = database.db;
      await migrate(db);
      const url = redis.url;
      const queueName = `dl_outage_${token()}`;
      const queue = new RedisJobQueue({ url, queueName });
      const worker = createWorker({
        db,
        queue,
        storage: s3.storage,
        config: testConfig({
          REDIS_URL: url,
          QUEUE_NAME: queueName,
          S3_ENDPOINT: s3.endpoint,
          MAX_CONCURRENT_JOBS: "2",
        }),
        logger: silentLogger(),
        runner: fakeRunner({ durationMs: 1500 }),
      });
      cleanups.unshift(async () => {
        await worker.stop({ graceMs: 0 });
        await queue.close();
      });
      const ids = await addMissions(db, 5);
      for (const id of ids) await queue.push(job(id));
      worker.start();
      await waitFor(
        async () => (await statuses(db, ids)).filter((s) => s === "processing").length === 2,
        "two running",
      );
      await redis.stop("SIGTERM"); // clean shutdown: the append-only file is complete
      await sleep(1500);
      await redis.start();
      await waitFor(
        async () => (await statuses(db, ids)).every((s) => s === "completed"),
        "all completed",
        40_000,
        200,
      );
      const rows = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM mission_results WHERE mission_id = ANY($1::uuid[]) GROUP BY mission_id",
        [ids],
      );
      expect(rows.rows.map((r) => r.n)).toEqual([1, 1, 1, 1, 1]);
      await waitFor(async () => (await queue.stats()).processing === 0, "processing list empty");
      expect(await queue.stats()).toEqual({ waiting: 0, processing: 0, dead: 0 });
    },
  );

  it.runIf(PG_DOWN)(
    "PostgreSQL down for several seconds: running jobs wait and complete when it is back",
    async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), "driftline-pg-"));
      const data = path.join(dir, "data");
      const port = await freePort();
      const asPostgres = (cmd: string, args: string[]) =>
        IS_ROOT
          ? execFileSync(RUNUSER as string, ["-u", "postgres", "--", cmd, ...args])
          : execFileSync(cmd, args);
      if (IS_ROOT) {
        await chmod(dir, 0o777);
      }
      asPostgres(INITDB as string, ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]);
      const pgCtl = (action: "start" | "stop") =>
        action === "start"
          ? asPostgres(PG_CTL as string, [
              "-D",
              data,
              "-o",
              `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
              "-l",
              path.join(dir, "log"),
              "-w",
              "start",
            ])
          : asPostgres(PG_CTL as string, ["-D", data, "-m", "fast", "-w", "stop"]);
      pgCtl("start");
      const db = new PgDatabase(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 5 });
      cleanups.push(async () => {
        await db.close().catch(() => undefined);
        if (existsSync(path.join(data, "postmaster.pid"))) pgCtl("stop");
        await rm(dir, { recursive: true, force: true });
      });
      await migrate(db);
      const queueName = `dl_outage_${token()}`;
      const queue = new RedisJobQueue({ url: REDIS_URL, queueName });
      const worker = createWorker({
        db,
        queue,
        storage: s3.storage,
        config: testConfig({
          QUEUE_NAME: queueName,
          S3_ENDPOINT: s3.endpoint,
          MAX_CONCURRENT_JOBS: "2",
          OUTAGE_RETRY_SECONDS: "30",
        }),
        logger: silentLogger(),
        runner: fakeRunner({ durationMs: 1500 }),
      });
      cleanups.unshift(async () => {
        await worker.stop({ graceMs: 0 });
        await queue.close();
        const redis = new Redis(REDIS_URL);
        const keys = await redis.keys(`${queueName}*`);
        if (keys.length) await redis.del(...keys);
        await redis.quit();
      });
      const ids = await addMissions(db, 4);
      for (const id of ids) await queue.push(job(id));
      worker.start();
      await waitFor(
        async () => (await statuses(db, ids)).filter((s) => s === "processing").length === 2,
        "two running",
      );
      pgCtl("stop");
      await sleep(4000);
      pgCtl("start");
      await waitFor(
        async () => (await statuses(db, ids)).every((s) => s === "completed"),
        "all completed",
        40_000,
        250,
      );
      const rows = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM mission_results WHERE mission_id = ANY($1::uuid[]) GROUP BY mission_id",
        [ids],
      );
      expect(rows.rows.map((r) => r.n)).toEqual([1, 1, 1, 1]);
      expect(await queue.stats()).toEqual({ waiting: 0, processing: 0, dead: 0 });
    },
  );
});
