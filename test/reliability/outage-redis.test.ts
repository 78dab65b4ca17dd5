// Fault: the Redis server crashes (SIGKILL) and restarts while jobs wait and run. Two real worker processes
// reconnect by themselves, and every job completes exactly once. A private redis-server on a random port
// (append-only file fsynced on every write, as a production queue would run) keeps 127.0.0.1:6379 untouched.
// test/service/outage.test.ts covers a clean restart with one in-process worker; this is the harder case.
// SLOW (35–70 s).
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { RedisJobQueue } from "../../src/service/queue/redis-queue.js";
import { have } from "../helpers/needs.js";
import {
  addMission,
  jobJson,
  killAllWorkers,
  outcomesByMission,
  type PrivateRedis,
  queueName,
  type RestartableS3,
  resultRows,
  sleep,
  smallParams,
  startFileServices,
  startPrivateRedis,
  startWorkerProcess,
  statusesOf,
  stopFileServices,
  type TestDatabase,
  waitFor,
  workerEnv,
} from "./helpers.js";

const PRIVATE_REDIS = await have(
  "test/reliability/outage-redis.test.ts: Redis crash and restart",
  "redis-server",
  "postgres",
);

let database: TestDatabase;
let s3: RestartableS3;
let redis: PrivateRedis | undefined;

beforeAll(async () => {
  ({ database, s3 } = await startFileServices());
});
afterEach(killAllWorkers);
afterAll(async () => {
  await killAllWorkers();
  await redis?.close();
  await stopFileServices({ database, s3 });
});

describe.runIf(PRIVATE_REDIS)("Redis crash and restart", () => {
  it("no job is lost, both worker processes reconnect by themselves, each job completes once", async () => {
    redis = await startPrivateRedis();
    const queue = queueName("redis");
    const env = workerEnv({
      databaseUrl: database.url,
      redisUrl: redis.url,
      s3Endpoint: s3.endpoint,
      queueName: queue,
      extra: { MAX_CONCURRENT_JOBS: "1", LEASE_SECONDS: "10" },
    });
    const producer = new RedisJobQueue({ url: redis.url, queueName: queue });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await addMission(database.db, `redis outage ${i}`));
    for (const id of ids)
      await producer.push(jobJson(id, smallParams({ products: ["netcdf", "trajectories"] })));

    const workers = [startWorkerProcess(env), startWorkerProcess(env)];
    onTestFailed(() => {
      for (const w of workers) console.log(`worker output:\n${w.output().slice(-3000)}`);
    });
    await Promise.all(workers.map((w) => w.id()));
    // Jobs run and jobs wait: then Redis dies.
    const seen = await waitFor(
      async () => {
        const s = await statusesOf(database.db, ids);
        return s.includes("processing") && s.filter((x) => x === "queued").length >= 3 ? s : null;
      },
      "a job running while others wait",
      45_000,
      100,
    );
    expect(seen.filter((s) => s === "completed").length).toBeLessThanOrEqual(2);
    await redis.stop("SIGKILL");
    await sleep(3000);
    await redis.start();

    await waitFor(
      async () => (await statusesOf(database.db, ids)).every((s) => s === "completed"),
      "every mission completed",
      90_000,
      250,
    );
    for (const id of ids) expect((await resultRows(database.db, id)).length).toBe(1);
    // Each job ran to completion exactly once across the two processes.
    // The row says completed a moment before the worker logs it: wait for the log lines, then count them.
    const logged = () => ids.map((id) => outcomesByMission(workers, "completed").get(id) ?? 0);
    await waitFor(
      async () => logged().every((c) => c >= 1),
      "a completion log line per mission",
      10_000,
      100,
    );
    expect(logged()).toEqual(ids.map(() => 1));
    // Neither process crashed; both noticed the outage and the reconnection.
    for (const w of workers) {
      expect(w.child.exitCode).toBeNull();
      const msgs = w.logs().map((l) => l.msg);
      expect(msgs).toContain("redis connection error; reconnecting");
      expect(msgs).toContain("redis connection restored");
    }
    await waitFor(async () => (await producer.stats()).processing === 0, "processing lists empty");
    expect(await producer.stats()).toEqual({ waiting: 0, processing: 0, dead: 0 });

    for (const w of workers) w.child.kill("SIGTERM");
    for (const w of workers) expect((await w.exited).code).toBe(0);
    await producer.close();
  }, 150_000);
});
