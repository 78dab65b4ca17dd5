// The worker loop against the real Redis, PostgreSQL and an S3 server, with a stand-in simulation runner
// (the plumbing: outcomes, concurrency, retries, crashes, shutdown). worker-integration.test.ts runs the
// real simulation.
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PRODUCT_NAMES } from "../../src/products/registry.js";
import { migrate } from "../../src/service/db/migrations.js";
import { insertMission } from "../../src/service/db/missions.js";
import { silentLogger } from "../../src/service/log.js";
import type { ClaimedJob, JobQueue, ObjectStorage } from "../../src/service/ports.js";
import { type DeadLetter, RedisJobQueue } from "../../src/service/queue/redis-queue.js";
import { productKey } from "../../src/service/storage/keys.js";
import { startHealthServer } from "../../src/service/worker/health-server.js";
import type { SimulationRunner } from "../../src/service/worker/thread-runner.js";
import { createWorker, type DriftWorker } from "../../src/service/worker/worker.js";
import { have } from "../helpers/needs.js";
import {
  createTestDatabase,
  deleteQueueKeys,
  type FakeRun,
  fakeRunner,
  REDIS_URL,
  startS3,
  type TestDatabase,
  type TestS3,
  testConfig,
  token,
  waitFor,
} from "./helpers.js";

const SERVICES = await have("test/service/worker.test.ts: drift worker", "postgres", "redis");

let database: TestDatabase;
let s3: TestS3;
let redis: Redis;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  [database, s3] = await Promise.all([createTestDatabase(), startS3()]);
  await migrate(database.db);
  redis = new Redis(REDIS_URL);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await redis?.quit();
  await Promise.all([database?.drop(), s3?.close()]);
});

interface Setup {
  worker: DriftWorker;
  queue: RedisJobQueue;
  queueName: string;
  env: Record<string, string>;
}

/** A worker on a fresh queue; stopped and cleaned up after the test. */
function setup(
  options: {
    env?: Record<string, string>;
    runner?: SimulationRunner;
    queueName?: string;
    wrapQueue?: (q: JobQueue) => JobQueue;
    storage?: ObjectStorage;
    resultsQueue?: string;
  } = {},
): Setup {
  const queueName = options.queueName ?? `dl_worker_${token()}`;
  const env = { QUEUE_NAME: queueName, S3_ENDPOINT: s3.endpoint, ...options.env };
  const config = testConfig(env);
  const queue = new RedisJobQueue({ url: REDIS_URL, queueName });
  const resultsQueue = options.resultsQueue;
  const worker = createWorker({
    db: database.db,
    queue: options.wrapQueue ? options.wrapQueue(queue) : queue,
    storage: options.storage ?? s3.storage,
    config,
    logger: silentLogger(),
    runner: options.runner ?? fakeRunner(),
    resultsQueue: resultsQueue ? { push: (raw) => queue.pushToList(resultsQueue, raw) } : undefined,
  });
  cleanups.push(async () => {
    await worker.stop({ graceMs: 0 });
    await queue.close();
    await deleteQueueKeys(queueName);
  });
  return { worker, queue, queueName, env };
}

async function newMission(over: Record<string, unknown> = {}): Promise<string> {
  return insertMission(database.db, {
    name: "worker test",
    lastKnownLat: 60,
    lastKnownLon: 3,
    lastKnownTime: "2024-01-01T12:00:00Z",
    objectType: "PIW",
    forecastHours: 24,
    ensembleSize: 1000,
    ...over,
  });
}

function contractJob(id: string, params: Record<string, unknown> = {}): string {
  return JSON.stringify({
    mission_id: id,
    params: {
      latitude: 60.0,
      longitude: -3.0,
      start_time: "2024-01-01T12:00:00Z",
      duration_hours: 24,
      num_particles: 1000,
      object_type: 1,
      ...params,
    },
  });
}

async function mission(id: string): Promise<Record<string, unknown>> {
  return (await database.db.query("SELECT * FROM missions WHERE id = $1", [id])).rows[0];
}

async function results(id: string): Promise<Record<string, unknown>[]> {
  return (await database.db.query("SELECT * FROM mission_results WHERE mission_id = $1", [id])).rows;
}

async function deadLetters(queueName: string): Promise<DeadLetter[]> {
  return (await redis.lrange(`${queueName}:dead`, 0, -1)).map((e) => JSON.parse(e));
}

const status = (id: string, wanted: string) => async () => (await mission(id)).status === wanted;

/** A queue whose connection to Redis is cut after `crashAfter` is called: every call then fails. */
function crashable(q: JobQueue): JobQueue & { crash(): void } {
  let crashed = false;
  const guard =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> =>
      crashed ? Promise.reject(new Error("simulated crash: redis unreachable")) : fn(...a);
  return {
    push: guard((raw) => q.push(raw)),
    claim: guard((w, l, t) => q.claim(w, l, t)),
    renew: guard((j, l) => q.renew(j, l)),
    ack: guard((j) => q.ack(j)),
    release: guard((j, d) => q.release(j, d)),
    deadLetter: guard((j, r) => q.deadLetter(j, r)),
    reclaimExpired: guard(() => q.reclaimExpired()),
    heldBy: guard((w, r) => q.heldBy(w, r)),
    stats: guard(() => q.stats()),
    close: () => q.close(),
    crash: () => {
      crashed = true;
    },
  };
}

describe.runIf(SERVICES)("drift worker", () => {
  it("turns a job RPUSHed in the contract's JSON into a completed mission with every product stored", async () => {
    const { worker, queueName } = setup();
    const id = await newMission();
    await redis.rpush(queueName, contractJob(id));
    worker.start();
    await waitFor(status(id, "completed"), "mission completed");

    const m = await mission(id);
    expect(m).toMatchObject({
      status: "completed",
      error_message: null,
      progress: 1,
      attempts: 1,
      worker_id: worker.id,
    });
    expect(m.completed_at).not.toBeNull();
    const rows = await results(id);
    expect(rows.length).toBe(1);
    const r = rows[0];
    expect(r).toMatchObject({
      netcdf_path: `s3://driftline-results/${id}/raw/particles.nc`,
      geojson_path: `s3://driftline-results/${id}/trajectories.geojson`,
      heatmap_path: `s3://driftline-results/${id}/heatmap.png`,
      pdf_report_path: `s3://driftline-results/${id}/report.pdf`,
      particle_count: 1000,
      stranded_count: 1,
      centroid_lat: 60,
      produced_by: "driftline",
    });
    expect(r.centroid_lon).toBeCloseTo(-2.99, 6);
    expect((r.centroid_time as Date).toISOString()).toBe("2024-01-01T13:00:00.000Z");
    expect(r.computation_time_seconds).toBeGreaterThan(0);
    for (const k of ["search_area_50_geom", "search_area_90_geom", "search_area_95_geom"]) {
      expect(r[k]).toMatchObject({ type: "Polygon" });
    }
    const contours = r.timestep_contours as Record<string, unknown>[];
    expect(contours.length).toBe(2);
    expect(Object.keys(contours[1]).sort()).toEqual(
      [
        "centroid_lat",
        "centroid_lon",
        "hours_elapsed",
        "search_area_50_geom",
        "search_area_90_geom",
        "time_index",
        "timestamp",
      ].sort(),
    );
    // Every product is in the bucket under the mission's prefix, readable back.
    const products = r.products as Record<string, string>;
    expect(Object.keys(products).length).toBe(PRODUCT_NAMES.length);
    const keys = (await s3.storage.list("driftline-results", `${id}/`)).sort();
    expect(keys.length).toBe(PRODUCT_NAMES.length);
    for (const [name, uri] of Object.entries(products)) {
      const key = productKey(id, name as never);
      expect(uri).toBe(`s3://driftline-results/${key}`);
      const body = Buffer.from(await s3.storage.get("driftline-results", key)).toString();
      expect(body).toContain(`${name} of worker test`);
    }
    expect(await redis.llen(queueName)).toBe(0);
    expect(await redis.llen(`${queueName}:processing:${worker.id}`)).toBe(0);
  });

  it("pushes the follow-up message onto RESULTS_QUEUE", async () => {
    const list = `results_${token()}`;
    cleanups.push(async () => void (await redis.del(list)));
    const { worker, queueName } = setup({ resultsQueue: list });
    const id = await newMission();
    await redis.rpush(queueName, contractJob(id));
    worker.start();
    await waitFor(status(id, "completed"), "mission completed");
    expect((await redis.lrange(list, 0, -1)).map((m) => JSON.parse(m))).toEqual([
      { mission_id: id, netcdf_path: `s3://driftline-results/${id}/raw/particles.nc` },
    ]);
  });

  it("fails an invalid job at once with a message naming the field, and dead-letters it", async () => {
    const runs: FakeRun[] = [];
    const { worker, queueName } = setup({ runner: fakeRunner({ runs }) });
    const id = await newMission();
    const raw = contractJob(id, { latitude: 123 });
    await redis.rpush(queueName, raw);
    worker.start();
    await waitFor(status(id, "failed"), "mission failed");
    const m = await mission(id);
    expect(m.error_message).toMatch(/params\.latitude: must be between -90 and 90/);
    expect(m.completed_at).not.toBeNull();
    const dead = await waitFor(async () => (await deadLetters(queueName))[0], "dead letter");
    expect(dead).toMatchObject({ raw, attempt: 1, reason: expect.stringContaining("params.latitude") });
    expect(runs.length).toBe(0);
    expect(await results(id)).toEqual([]);
  });

  it("dead-letters unparseable JSON and a job whose mission row is missing, with the reason, and goes on", async () => {
    const { worker, queueName } = setup();
    const ghost = "0b7e3c6a-1111-4222-8333-444455556666";
    const good = await newMission();
    await redis.rpush(queueName, '{"mission_id": "broken', contractJob(ghost), contractJob(good));
    worker.start();
    await waitFor(status(good, "completed"), "the next good job completed");
    const dead = await deadLetters(queueName);
    expect(dead.length).toBe(2);
    expect(dead[0].reason).toMatch(/not valid JSON/);
    expect(dead[1].reason).toBe(
      `mission ${ghost} not found in table missions (deleted, or pushed before its row was written)`,
    );
    expect(dead[1].raw).toBe(contractJob(ghost));
  });

  it("runs MAX_CONCURRENT_JOBS=2 jobs at once (overlapping processing intervals), and writes progress", async () => {
    const runs: FakeRun[] = [];
    const { worker, queueName } = setup({
      env: { MAX_CONCURRENT_JOBS: "2" },
      runner: fakeRunner({ durationMs: 2500, runs }),
    });
    const a = await newMission();
    const b = await newMission();
    await redis.rpush(queueName, contractJob(a), contractJob(b));
    worker.start();
    const seen = await waitFor(async () => {
      const [ma, mb] = [await mission(a), await mission(b)];
      return ma.status === "processing" && mb.status === "processing" && Number(ma.progress) > 0
        ? [ma, mb]
        : null;
    }, "both missions processing at once");
    expect(seen[0].progress_message).toMatch(/step/);
    expect(worker.running().length).toBe(2);
    await waitFor(
      async () => (await mission(a)).status === "completed" && (await mission(b)).status === "completed",
      "both completed",
    );
    const [ma, mb] = [await mission(a), await mission(b)];
    // Intervals [started_at, completed_at] overlap.
    const t = (v: unknown) => (v as Date).getTime();
    expect(t(ma.started_at)).toBeLessThan(t(mb.completed_at));
    expect(t(mb.started_at)).toBeLessThan(t(ma.completed_at));
    expect(runs[0].start).toBeLessThan(runs[1].end);
    expect(runs[1].start).toBeLessThan(runs[0].end);
  });

  it("gives one result row when a worker crashes after completing but before acking (re-delivery)", async () => {
    const queueName = `dl_worker_${token()}`;
    let crashable1: ReturnType<typeof crashable> | undefined;
    const env = { LEASE_SECONDS: "1" };
    const first = setup({
      queueName,
      env,
      wrapQueue: (q) => {
        crashable1 = crashable(q);
        const ack = crashable1.ack;
        // The worker "dies" just as it acks: its Redis connection is gone, the job stays in its list.
        crashable1.ack = (job: ClaimedJob) => {
          crashable1?.crash();
          return ack(job);
        };
        return crashable1;
      },
    });
    const id = await newMission();
    await redis.rpush(queueName, contractJob(id));
    first.worker.start();
    await waitFor(status(id, "completed"), "completed by the first worker");
    expect(await redis.llen(`${queueName}:processing:${first.worker.id}`)).toBe(1);

    const second = setup({ queueName, env });
    second.worker.start();
    await waitFor(
      async () => (await redis.llen(`${queueName}:processing:${first.worker.id}`)) === 0,
      "job reclaimed",
    );
    const duplicateCount = async () =>
      (await second.worker.metrics.jobs.get()).values.find((v) => v.labels.outcome === "duplicate")?.value;
    // The queue can look empty for a moment between the reclaim and the second worker's claim: wait for the
    // re-delivery to be handled (its outcome counted), then for the lists to settle.
    await waitFor(async () => (await duplicateCount()) !== undefined, "re-delivery handled");
    await waitFor(
      async () => (await second.queue.stats()).processing === 0 && (await redis.llen(queueName)) === 0,
      "re-delivery settled",
    );
    expect((await results(id)).length).toBe(1);
    expect((await mission(id)).status).toBe("completed");
    expect(await duplicateCount()).toBe(1);
  });

  it("completes a job whose worker died mid-run, after the lease expires; one result row", async () => {
    const queueName = `dl_worker_${token()}`;
    const env = { LEASE_SECONDS: "1" };
    let handle: ReturnType<typeof crashable> | undefined;
    const slowRuns: FakeRun[] = [];
    const first = setup({
      queueName,
      env,
      runner: fakeRunner({ durationMs: 60_000, runs: slowRuns }),
      wrapQueue: (q) => {
        handle = crashable(q);
        return handle;
      },
    });
    const id = await newMission();
    await redis.rpush(queueName, contractJob(id));
    first.worker.start();
    await waitFor(status(id, "processing"), "first worker running");
    handle?.crash(); // from here on the first worker can neither renew nor settle anything
    const second = setup({ queueName, env });
    second.worker.start();
    await waitFor(status(id, "completed"), "completed by the second worker", 30_000);
    const m = await mission(id);
    expect(m.worker_id).toBe(second.worker.id);
    expect(m.attempts).toBe(2);
    expect((await results(id)).length).toBe(1);
    // Re-processing the same mission (e.g. the platform re-enqueues it) still leaves one row.
    await database.db.query("UPDATE missions SET status = 'queued' WHERE id = $1", [id]);
    await redis.rpush(queueName, contractJob(id));
    await waitFor(
      async () => (await mission(id)).attempts === 1 && (await mission(id)).status === "completed",
      "second run",
    );
    expect((await results(id)).length).toBe(1);
  });

  it("retries transient failures with backoff, then fails after MAX_ATTEMPTS with the reason", async () => {
    const transient = () =>
      Object.assign(new Error("connect ECONNRESET forcing.example.org"), { code: "ECONNRESET" });
    const { worker, queueName } = setup({
      env: { MAX_ATTEMPTS: "3" },
      runner: fakeRunner({ fail: transient }),
    });
    const doomed = await newMission();
    await redis.rpush(queueName, contractJob(doomed));
    worker.start();
    await waitFor(status(doomed, "failed"), "mission failed after its attempts");
    const m = await mission(doomed);
    expect(m.error_message).toMatch(/^failed after 3 attempts: simulation failed: connect ECONNRESET/);
    expect(m.attempts).toBe(3);
    const dead = await deadLetters(queueName);
    expect(dead.length).toBe(1);
    expect(dead[0].attempt).toBe(3);
  });

  it("retries a run that fails once and completes it on the second attempt", async () => {
    const { worker, queueName } = setup({
      runner: fakeRunner({
        fail: (_spec, call) =>
          call === 1 ? Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) : undefined,
      }),
    });
    const id = await newMission();
    await redis.rpush(queueName, contractJob(id));
    worker.start();
    await waitFor(status(id, "completed"), "completed on retry");
    expect((await mission(id)).attempts).toBe(2);
    expect((await mission(id)).last_error).toBeNull();
  });

  it("fails at once, without retry, when the run itself rejects the job (no forcing covers it)", async () => {
    const noForcing = Object.assign(
      new Error("no current forcing covers 3.0E 60.0N at 2024-01-01T12:00Z: no sources"),
      {
        name: "ForcingCoverageError",
      },
    );
    const { worker, queueName } = setup({ runner: fakeRunner({ fail: () => noForcing }) });
    const id = await newMission();
    await redis.rpush(queueName, contractJob(id));
    worker.start();
    await waitFor(status(id, "failed"), "failed");
    expect((await mission(id)).error_message).toMatch(/^no current forcing covers/);
    expect((await mission(id)).attempts).toBe(1);
  });

  it("retries uploads while S3 is failing and completes once it answers", async () => {
    let failures = 3;
    const real = s3.storage;
    const flaky: ObjectStorage = {
      ensureBucket: (b) => real.ensureBucket(b),
      put: (b, k, body, type) =>
        failures-- > 0
          ? Promise.reject(
              Object.assign(new Error("ServiceUnavailable"), { $metadata: { httpStatusCode: 503 } }),
            )
          : real.put(b, k, body, type),
      get: (b, k) => real.get(b, k),
      exists: (b, k) => real.exists(b, k),
      list: (b, p) => real.list(b, p),
      delete: (b, k) => real.delete(b, k),
      uri: (b, k) => real.uri(b, k),
    };
    const { worker, queueName } = setup({ storage: flaky, env: { OUTAGE_RETRY_SECONDS: "10" } });
    const id = await newMission();
    await redis.rpush(queueName, contractJob(id));
    worker.start();
    await waitFor(status(id, "completed"), "completed after S3 recovered");
    expect((await mission(id)).attempts).toBe(1);
    expect((await s3.storage.list("driftline-results", `${id}/`)).length).toBe(PRODUCT_NAMES.length);
  });

  it("on stop: a job over the grace period goes back to the queue and another worker completes it", async () => {
    const queueName = `dl_worker_${token()}`;
    const first = setup({ queueName, runner: fakeRunner({ durationMs: 60_000 }) });
    const id = await newMission();
    await redis.rpush(queueName, contractJob(id));
    first.worker.start();
    await waitFor(status(id, "processing"), "running");
    const t0 = Date.now();
    await first.worker.stop({ graceMs: 300 });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(await redis.lrange(queueName, 0, -1)).toEqual([contractJob(id)]);
    expect((await mission(id)).status).toBe("queued");
    const second = setup({ queueName });
    second.worker.start();
    await waitFor(status(id, "completed"), "completed after restart");
  });

  it("on stop: a job that ends within the grace period completes", async () => {
    const { worker, queueName } = setup({ runner: fakeRunner({ durationMs: 800 }) });
    const id = await newMission();
    await redis.rpush(queueName, contractJob(id));
    worker.start();
    await waitFor(status(id, "processing"), "running");
    await worker.stop({ graceMs: 10_000 });
    expect((await mission(id)).status).toBe("completed");
    expect(await redis.llen(queueName)).toBe(0);
  });

  it("serves /healthz, /readyz and /metrics", async () => {
    const { worker, queueName } = setup();
    const server = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      source: worker,
      registry: worker.metrics.registry,
    });
    cleanups.push(() => server.close());
    const id = await newMission();
    await redis.rpush(queueName, contractJob(id));
    worker.start();
    await waitFor(status(id, "completed"), "completed");
    const base = `http://127.0.0.1:${server.port}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", database: "ok", queue: "ok" });
    // The row is marked completed just before the worker counts the job.
    const metrics = await waitFor(async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return /driftline_jobs_total\{outcome="completed"\} 1/.test(text) && text;
    }, "job counted in /metrics");
    expect(metrics).toMatch(/driftline_queue_depth\{state="waiting"\} 0/);
    expect(metrics).toMatch(/driftline_job_duration_seconds_count\{outcome="completed"\} 1/);
    expect(metrics).toMatch(/driftline_particle_steps_per_second \d+/);
    expect(metrics).toMatch(/driftline_job_attempt_count 1/);
    await worker.stop({ graceMs: 0 });
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
  });
});
