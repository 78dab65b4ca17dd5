// Limits: MAX_PARTICLE_STEPS and MAX_JOB_MEMORY_MB refuse a job before any work (no `processing`, the
// simulation never starts) with a message naming the cap; MAX_JOB_SECONDS stops a running simulation and
// fails the mission, without retrying it. Real simulation in a worker thread. 12–20 s.
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { loadConfig } from "../../src/service/config.js";
import { estimateJobMemoryMb } from "../../src/service/job.js";
import { createThreadRunner, type SimulationRunner } from "../../src/service/worker/thread-runner.js";
import { have } from "../helpers/needs.js";
import {
  addMission,
  type InProcessWorker,
  jobJson,
  missionRow,
  queueName,
  type RestartableS3,
  resultRows,
  smallParams,
  startFileServices,
  startInProcessWorker,
  stopFileServices,
  type TestDatabase,
  waitFor,
} from "./helpers.js";

const SERVICES = await have("test/reliability/limits.test.ts: caps on a job", "postgres", "redis");

let database: TestDatabase;
let s3: RestartableS3;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  ({ database, s3 } = await startFileServices());
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});
afterAll(async () => {
  await stopFileServices({ database, s3 });
});

/** The real thread runner, counting its calls. */
function countingRunner(memoryMb: number): { runner: SimulationRunner; calls: () => number } {
  const real = createThreadRunner({ memoryMb });
  let calls = 0;
  return {
    runner: (spec, opts) => {
      calls++;
      return real(spec, opts);
    },
    calls: () => calls,
  };
}

function start(env: Record<string, string>, runner: SimulationRunner): InProcessWorker {
  const w = startInProcessWorker({
    db: database.db,
    s3Endpoint: s3.endpoint,
    queueName: queueName("limits"),
    env,
    runner,
  });
  cleanups.push(() => w.close());
  onTestFailed(() =>
    console.log(
      w
        .logs()
        .map((l) => JSON.stringify(l).slice(0, 300))
        .join("\n"),
    ),
  );
  return w;
}

const settled = (id: string) => async () => {
  const m = await missionRow(database.db, id);
  return m.status === "completed" || m.status === "failed" ? m : null;
};

describe.runIf(SERVICES)("caps on a job", () => {
  it("MAX_PARTICLE_STEPS: a job over it is refused before any work, with a message naming the cap", async () => {
    const { runner, calls } = countingRunner(4096);
    const w = start({ MAX_PARTICLE_STEPS: "10000" }, runner);
    const id = await addMission(database.db, "too many particle-steps");
    // 1000 particles × 24 hourly steps = 24 000 particle-steps.
    await w.queue.push(jobJson(id, smallParams({ num_particles: 1000, duration_hours: 24 })));
    const m = await waitFor(settled(id), "mission settled", 30_000);
    expect(m.status).toBe("failed");
    expect(m.error_message).toBe(
      "job needs 24,000 particle-steps (1000 particles × 24 steps), over the cap MAX_PARTICLE_STEPS=10,000; use fewer particles, a shorter run or a longer time step",
    );
    // Before any work: never marked processing, the simulation never started, not retried.
    expect(m.started_at).toBeNull();
    expect(m.attempts).toBeNull();
    expect(calls()).toBe(0);
    const dead = await w.queue.listDead();
    expect(dead.map((d) => d.reason)).toEqual([m.error_message]);
  });

  it("MAX_JOB_MEMORY_MB: a job whose estimated memory is over it is refused before any work; a small one runs under it", async () => {
    const { runner, calls } = countingRunner(256);
    const w = start({ MAX_JOB_MEMORY_MB: "256" }, runner);
    const big = await addMission(database.db, "too much memory");
    const small = await addMission(database.db, "fits in 256 MB");
    await w.queue.push(jobJson(big, smallParams({ num_particles: 2_000_000, duration_hours: 3 })));
    await w.queue.push(jobJson(small, smallParams()));
    const m = await waitFor(settled(big), "big mission settled", 30_000);
    expect(m.status).toBe("failed");
    const estimate = estimateJobMemoryMb(2_000_000, 4);
    expect(estimate).toBeGreaterThan(256);
    expect(m.error_message).toBe(
      `job needs an estimated ${estimate.toLocaleString("en")} MB (2000000 particles × 4 output times), over the cap MAX_JOB_MEMORY_MB=256; use fewer particles, a shorter run or a longer output step`,
    );
    expect(m.started_at).toBeNull();
    const ok = await waitFor(settled(small), "small mission settled", 90_000, 200);
    expect(ok.error_message).toBeNull();
    expect(ok.status).toBe("completed");
    expect(calls()).toBe(1); // only the small one ran
  }, 120_000);

  it("MAX_JOB_MEMORY_MB below 256 is refused at start-up (a smaller thread heap cannot even load the simulation)", () => {
    expect(() => loadConfig({ MAX_JOB_MEMORY_MB: "64" })).toThrow(/MAX_JOB_MEMORY_MB: must be at least 256/);
  });

  it("MAX_JOB_SECONDS: a simulation running longer is stopped and the mission failed (not retried)", async () => {
    const { runner, calls } = countingRunner(4096);
    const w = start({ MAX_JOB_SECONDS: "3", MAX_ATTEMPTS: "3" }, runner);
    const id = await addMission(database.db, "runs too long");
    // 50,000 particles at 1-minute steps for 48 h: far more than 3 s of work.
    await w.queue.push(jobJson(id, smallParams({}, true)));
    await waitFor(async () => (await missionRow(database.db, id)).status === "processing", "running", 30_000);
    const t0 = Date.now();
    const m = await waitFor(settled(id), "mission settled", 30_000, 100);
    expect(m.status).toBe("failed");
    expect(m.error_message).toBe("simulation ran longer than the cap MAX_JOB_SECONDS=3");
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(m.attempts).toBe(1);
    expect(calls()).toBe(1);
    expect(await resultRows(database.db, id)).toEqual([]);
    // The worker is idle again (the thread was stopped, its slot is free).
    await waitFor(async () => w.worker.running().length === 0, "slot free", 5000);
  }, 120_000);
});
