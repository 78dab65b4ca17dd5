// Issue 24.7: identical payloads delivered together run once and never flip the mission to `failed`. Before,
// attempts were counted per payload hash (the second copy was "attempt 2" and, with MAX_ATTEMPTS reached,
// failed the mission while the first copy ran it), and both copies ran. Now attempts are counted per
// delivery, and a copy of a job whose mission runs under a live lease is acknowledged without running.
// The queue's side (copies are each attempt 1, heldBy, late acks refused) is in the conformance suite.
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/service/log.js";
import { RedisJobQueue } from "../../src/service/queue/redis-queue.js";
import { createWorker } from "../../src/service/worker/worker.js";
import { have } from "../helpers/needs.js";
import {
  deleteQueueKeys,
  type FakeRun,
  fakeRunner,
  insertTestMission,
  REDIS_URL,
  sleep,
  testConfig,
  token,
  useWorkerServices,
  waitFor,
} from "../service/helpers.js";

const SERVICES = await have(
  "test/hardening/duplicate-delivery.test.ts: identical copies of a job on PostgreSQL and Redis",
  "postgres",
  "redis",
);

const services = useWorkerServices();
const { cleanups } = services;

function queueOn(name: string): RedisJobQueue {
  const q = new RedisJobQueue({ url: REDIS_URL, queueName: name });
  cleanups.push(() => q.close());
  return q;
}

describe.runIf(SERVICES)("identical copies of a job", () => {
  for (const layout of ["two workers", "one worker running two jobs at once"] as const) {
    it(`run once and never fail the mission (${layout}, MAX_ATTEMPTS=1)`, async () => {
      const name = `dl_dup_${token()}`;
      cleanups.push(() => deleteQueueKeys(name));
      const runs: FakeRun[] = [];
      const runner = fakeRunner({ durationMs: 1500, runs });
      const env = {
        QUEUE_NAME: name,
        S3_ENDPOINT: services.s3.endpoint,
        MAX_ATTEMPTS: "1",
        MAX_CONCURRENT_JOBS: layout === "two workers" ? "1" : "2",
      };
      const workers = Array.from({ length: layout === "two workers" ? 2 : 1 }, () =>
        createWorker({
          db: services.database.db,
          queue: queueOn(name),
          storage: services.s3.storage,
          config: testConfig(env),
          logger: silentLogger(),
          runner,
        }),
      );
      for (const w of workers) cleanups.push(() => w.stop({ graceMs: 0 }));
      const id = await insertTestMission(services.database.db, "copies");
      const raw = JSON.stringify({ mission_id: id });
      await services.redis.rpush(name, raw, raw);

      const seen = new Set<string>();
      let watching = true;
      const watch = (async () => {
        while (watching) {
          const r = await services.database.db.query<{ status: string }>(
            "SELECT status FROM missions WHERE id = $1",
            [id],
          );
          seen.add(r.rows[0].status);
          await sleep(25);
        }
      })();
      for (const w of workers) w.start();
      const probe = queueOn(name);
      await waitFor(async () => {
        const s = await probe.stats();
        const r = await services.database.db.query<{ status: string }>(
          "SELECT status FROM missions WHERE id = $1",
          [id],
        );
        return r.rows[0].status === "completed" && s.waiting === 0 && s.processing === 0;
      }, "mission completed and both copies settled");
      watching = false;
      await watch;

      expect(runs.length).toBe(1);
      expect([...seen]).not.toContain("failed");
      expect(await probe.stats()).toEqual({ waiting: 0, processing: 0, dead: 0 });
      const m = (
        await services.database.db.query("SELECT attempts, error_message FROM missions WHERE id = $1", [id])
      ).rows[0];
      expect(m).toEqual({ attempts: 1, error_message: null });
    }, 60_000);
  }
});
