// Issue 24.10: a mission deleted while it runs stops simulating (the worker notices at its next progress
// write) instead of running to the end and dropping its products; the job is settled, nothing is retried.
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
  testConfig,
  token,
  useWorkerServices,
  waitFor,
} from "../service/helpers.js";

const SERVICES = await have(
  "test/hardening/deleted-mission.test.ts: a mission deleted while it runs (PostgreSQL, Redis)",
  "postgres",
  "redis",
);

const services = useWorkerServices();

describe.runIf(SERVICES)("a mission deleted while it runs", () => {
  it("stops its simulation within seconds and settles the job", async () => {
    const name = `dl_gone_${token()}`;
    const queue = new RedisJobQueue({ url: REDIS_URL, queueName: name });
    services.cleanups.push(async () => {
      await queue.close();
      await deleteQueueKeys(name);
    });
    const runs: FakeRun[] = [];
    const worker = createWorker({
      db: services.database.db,
      queue,
      storage: services.s3.storage,
      config: testConfig({ QUEUE_NAME: name, S3_ENDPOINT: services.s3.endpoint }),
      logger: silentLogger(),
      runner: fakeRunner({ durationMs: 60_000, runs }), // a progress report every 12 s
    });
    services.cleanups.push(() => worker.stop({ graceMs: 0 }));
    const id = await insertTestMission(services.database.db, "deleted while running");
    await queue.push(JSON.stringify({ mission_id: id }));
    worker.start();
    const status = async () =>
      (
        await services.database.db.query<{ status: string }>("SELECT status FROM missions WHERE id = $1", [
          id,
        ])
      ).rows[0]?.status;
    await waitFor(async () => (await status()) === "processing", "mission processing");
    await services.database.db.query("DELETE FROM missions WHERE id = $1", [id]);
    const t0 = Date.now();
    await waitFor(async () => worker.running().length === 0, "job ended", 30_000);
    // The fake run reports progress every 12 s: it stopped at its next report, not after its 60 s.
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(runs).toEqual([]); // never finished
    expect(await queue.stats()).toEqual({ waiting: 0, processing: 0, dead: 0 });
    expect(await services.s3.storage.list("driftline-results", `${id}/`)).toEqual([]);
  }, 60_000);
});
