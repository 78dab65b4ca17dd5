// The PostgreSQL outage scenario of outage-postgres-*.test.ts: a private cluster (nothing else is disturbed)
// stops for `outageMs` while a real worker process runs two jobs; two more jobs arrive during the outage (one
// is claimed at once and needs its mission row, the other waits); then the database comes back.
import { expect } from "vitest";
import { RedisJobQueue } from "../../src/service/queue/redis-queue.js";
import {
  addMission,
  deleteQueueKeys,
  jobJson,
  migratedDatabase,
  outcomesByMission,
  queueName,
  REDIS_URL,
  type RestartableS3,
  resultRows,
  sleep,
  smallParams,
  startPrivatePostgres,
  startRestartableS3,
  startWorkerProcess,
  statusesOf,
  type WorkerProcess,
  waitFor,
  workerEnv,
} from "./helpers.js";

export interface OutageOutcome {
  attempts: number[];
  worker: WorkerProcess;
  deadLetters: number;
}

export async function postgresOutage(options: {
  outageMs: number;
  extraEnv: Record<string, string>;
  onWorker?: (w: WorkerProcess) => void;
}): Promise<OutageOutcome> {
  const pg = await startPrivatePostgres();
  let s3: RestartableS3 | undefined;
  let worker: WorkerProcess | undefined;
  const queue = queueName("pg");
  const producer = new RedisJobQueue({ url: REDIS_URL, queueName: queue });
  const db = await migratedDatabase(pg.url);
  try {
    s3 = await startRestartableS3();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await addMission(db, `pg outage ${i}`));
    const push = (id: string) =>
      producer.push(jobJson(id, smallParams({ products: ["netcdf", "trajectories"] })));
    await push(ids[0]);
    await push(ids[1]);
    worker = startWorkerProcess(
      workerEnv({
        databaseUrl: pg.url,
        s3Endpoint: s3.endpoint,
        queueName: queue,
        extra: { MAX_CONCURRENT_JOBS: "3", LEASE_SECONDS: "10", ...options.extraEnv },
      }),
    );
    options.onWorker?.(worker);
    await worker.id();
    await waitFor(
      async () => (await statusesOf(db, ids)).filter((s) => s === "processing").length === 2,
      "two jobs running",
      45_000,
      100,
    );
    pg.stop();
    // Two more jobs arrive during the outage: the free slot takes one at once and must reach the database
    // (its mission row) while it is down; the other waits in Redis.
    await sleep(1000);
    await push(ids[2]);
    await push(ids[3]);
    await sleep(options.outageMs - 1000);
    pg.start();
    await waitFor(
      async () => (await statusesOf(db, ids)).every((s) => s === "completed"),
      "every mission completed after the outage",
      90_000,
      250,
    );
    for (const id of ids) expect((await resultRows(db, id)).length).toBe(1);
    // The row says completed a moment before the worker logs it: wait for the log lines, then count them.
    const logged = () =>
      ids.map((id) => outcomesByMission([worker as WorkerProcess], "completed").get(id) ?? 0);
    await waitFor(
      async () => logged().every((c) => c >= 1),
      "a completion log line per mission",
      10_000,
      100,
    );
    expect(logged()).toEqual([1, 1, 1, 1]);
    // The process rode the outage out: still running, and it said what was happening.
    expect(worker.child.exitCode).toBeNull();
    await waitFor(async () => (await producer.stats()).processing === 0, "processing list empty");
    const stats = await producer.stats();
    expect(stats.waiting).toBe(0);
    const attempts = (
      await db.query<{ attempts: number }>("SELECT attempts FROM missions WHERE id = ANY($1::uuid[])", [ids])
    ).rows.map((r) => r.attempts);
    worker.child.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);
    return { attempts, worker, deadLetters: stats.dead };
  } finally {
    await worker?.kill();
    await producer.close();
    await deleteQueueKeys(queue);
    await db.close().catch(() => undefined);
    await pg.close();
    await s3?.close();
  }
}
