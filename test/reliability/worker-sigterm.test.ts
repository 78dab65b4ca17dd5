// Fault: SIGTERM to a worker PROCESS during a job. Within SHUTDOWN_GRACE_SECONDS the job finishes and the
// process exits 0; past it, the job goes back to the queue (mission `queued` again) and the process exits 0,
// and the next worker completes the job. SLOW (35–95 s on a busy 2-core machine): real several-second
// simulations in worker processes.
import { describe, expect, it, onTestFailed } from "vitest";
import { have } from "../helpers/needs.js";
import {
  addMission,
  CONTRACT_PRODUCTS,
  checkStoredProducts,
  jobJson,
  missionRow,
  resultRows,
  settledMission,
  smallParams,
  startWorkerProcess,
  useWorkerProcessServices,
  type WorkerProcess,
  waitFor,
} from "./helpers.js";

const SERVICES = await have(
  "test/reliability/worker-sigterm.test.ts: SIGTERM during a job",
  "postgres",
  "redis",
);

const services = useWorkerProcessServices();

function start(queue: string, graceSeconds: number): WorkerProcess {
  const w = startWorkerProcess(
    services.workerEnv(queue, {
      SHUTDOWN_GRACE_SECONDS: String(graceSeconds),
      LEASE_SECONDS: "5",
      MAX_CONCURRENT_JOBS: "1",
    }),
  );
  onTestFailed(() => console.log(`worker output:\n${w.output().slice(-4000)}`));
  return w;
}

/** Waits until the mission is in the middle of its simulation (step-loop progress in the row). */
async function midRun(id: string): Promise<void> {
  await waitFor(
    async () => {
      const m = await missionRow(services.database.db, id);
      return m.status === "processing" && /simulating/.test(String(m.progress_message));
    },
    "mission in the middle of its simulation",
    45_000,
    100,
  );
}

const messages = (w: WorkerProcess) => w.logs().map((l) => String(l.msg));

describe.runIf(SERVICES)("SIGTERM during a job", () => {
  it("within the grace period: the job finishes, then the process exits 0", async () => {
    const { database, s3, redis } = services;
    const queue = services.queue("term_finish");
    const id = await addMission(database.db, "sigterm finishes");
    await redis.rpush(queue, jobJson(id, smallParams({}, true)));
    const worker = start(queue, 60);
    const workerId = await worker.id();
    await midRun(id);
    const t0 = Date.now();
    worker.child.kill("SIGTERM");
    const exit = await worker.exited;
    expect(exit.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(60_000);

    const m = await missionRow(database.db, id);
    expect(m.status).toBe("completed");
    expect(m.worker_id).toBe(workerId);
    expect(m.attempts).toBe(1);
    const rows = await resultRows(database.db, id);
    expect(rows.length).toBe(1);
    expect(await checkStoredProducts(s3.storage, rows[0])).toEqual([...CONTRACT_PRODUCTS].sort());
    expect(await redis.llen(queue)).toBe(0);
    expect(await redis.llen(`${queue}:processing:${workerId}`)).toBe(0);
    // The order of events: stop claiming, finish the job, stop.
    const log = messages(worker);
    const stopping = log.indexOf("stopping: no new jobs");
    expect(stopping).toBeGreaterThanOrEqual(0);
    expect(log.indexOf("job completed")).toBeGreaterThan(stopping);
    expect(log.indexOf("worker stopped")).toBeGreaterThan(log.indexOf("job completed"));
    expect(log).not.toContain("grace period over: returning running jobs to the queue");
  }, 120_000);

  it("past the grace period: the job goes back to the queue, the process exits 0, the next worker completes it", async () => {
    const { database, redis } = services;
    const queue = services.queue("term_requeue");
    const id = await addMission(database.db, "sigterm requeues");
    const raw = jobJson(id, smallParams({}, true));
    await redis.rpush(queue, raw);
    const first = start(queue, 1);
    const firstId = await first.id();
    await midRun(id);
    const t0 = Date.now();
    first.child.kill("SIGTERM");
    expect((await first.exited).code).toBe(0);
    // Grace (1 s) plus settling: well before the simulation could have ended by itself.
    expect(Date.now() - t0).toBeLessThan(12_000);
    expect(messages(first)).toEqual(
      expect.arrayContaining([
        "grace period over: returning running jobs to the queue",
        "job returned to the queue (shutdown)",
        "worker stopped",
      ]),
    );
    // Back in the waiting list exactly once, not in the processing list; the row says queued, no result.
    expect(await redis.lrange(queue, 0, -1)).toEqual([raw]);
    expect(await redis.llen(`${queue}:processing:${firstId}`)).toBe(0);
    const m = await missionRow(database.db, id);
    expect(m.status).toBe("queued");
    expect(m.last_error).toBe("worker shut down");
    expect(await resultRows(database.db, id)).toEqual([]);

    const second = start(queue, 60);
    const secondId = await second.id();
    const done = await waitFor(
      settledMission(database.db, id),
      "mission completed by the next worker",
      50_000,
      200,
    );
    expect(done.status).toBe("completed");
    expect(done.worker_id).toBe(secondId);
    expect((await resultRows(database.db, id)).length).toBe(1);
    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
    expect(await redis.llen(queue)).toBe(0);
    expect(await redis.llen(`${queue}:dead`)).toBe(0);
  }, 120_000);
});
