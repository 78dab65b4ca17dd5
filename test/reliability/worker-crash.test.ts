// Fault: `kill -9` of a worker PROCESS in the middle of a job. A second worker process reclaims the job when
// the dead worker's lease expires and completes it: one mission_results row, every product in the bucket.
// SLOW (25–70 s on a busy 2-core machine): two worker processes and two runs of a real several-second
// simulation.
import { describe, expect, it, onTestFailed } from "vitest";
import { have } from "../helpers/needs.js";
import {
  addMission,
  BUCKET,
  CONTRACT_PRODUCTS,
  checkStoredProducts,
  jobJson,
  missionRow,
  resultRows,
  settledMission,
  smallParams,
  startWorkerProcess,
  useWorkerProcessServices,
  waitFor,
} from "./helpers.js";

const SERVICES = await have(
  "test/reliability/worker-crash.test.ts: kill -9 of a worker process mid-job",
  "postgres",
  "redis",
);

const services = useWorkerProcessServices();

describe.runIf(SERVICES)("kill -9 of a worker process mid-job", () => {
  it("another worker completes the job after the lease expires: one result row, every product stored", async () => {
    const { database, s3, redis } = services;
    const queue = services.queue("kill");
    const env = services.workerEnv(queue, {
      LEASE_SECONDS: "2",
      MAX_CONCURRENT_JOBS: "1",
      SHUTDOWN_GRACE_SECONDS: "20",
    });
    const id = await addMission(database.db, "kill -9");
    const raw = jobJson(id, smallParams({}, true));
    await redis.rpush(queue, raw);

    const first = startWorkerProcess(env);
    onTestFailed(() => console.log(`first worker:\n${first.output().slice(-4000)}`));
    const firstId = await first.id();
    // In the middle of the simulation: processing, and progress reports from the step loop.
    await waitFor(
      async () => {
        const m = await missionRow(database.db, id);
        return m.status === "processing" && /simulating/.test(String(m.progress_message));
      },
      "first worker in the middle of the simulation",
      45_000,
      100,
    );
    const killedAt = Date.now();
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");

    // Left behind: a stale `processing` row, the job in the dead worker's processing list, no result.
    expect((await missionRow(database.db, id)).status).toBe("processing");
    expect(await redis.lrange(`${queue}:processing:${firstId}`, 0, -1)).toEqual([raw]);
    expect(await resultRows(database.db, id)).toEqual([]);

    const second = startWorkerProcess(env);
    onTestFailed(() => console.log(`second worker:\n${second.output().slice(-4000)}`));
    const secondId = await second.id();
    const done = await waitFor(
      settledMission(database.db, id),
      "mission completed by the second worker",
      50_000,
      200,
    );
    expect(done.error_message).toBeNull();
    expect(done.status).toBe("completed");
    expect(done.worker_id).toBe(secondId);
    expect(done.attempts).toBe(2);
    // The second worker took the job only once the first one's lease had lapsed.
    const reclaimed = second.logs().find((l) => l.msg === "reclaimed jobs of workers whose lease expired");
    expect(reclaimed).toBeDefined();
    expect(Date.parse(String(reclaimed?.time))).toBeGreaterThanOrEqual(killedAt);
    const rows = await resultRows(database.db, id);
    expect(rows.length).toBe(1);
    const row = rows[0];
    expect(row).toMatchObject({
      netcdf_path: `s3://${BUCKET}/${id}/raw/particles.nc`,
      geojson_path: `s3://${BUCKET}/${id}/trajectories.geojson`,
      heatmap_path: `s3://${BUCKET}/${id}/heatmap.png`,
      pdf_report_path: `s3://${BUCKET}/${id}/report.pdf`,
      particle_count: 50_000,
    });
    expect(await checkStoredProducts(s3.storage, row)).toEqual([...CONTRACT_PRODUCTS].sort());
    expect((await s3.storage.list(BUCKET, `${id}/`)).sort()).toEqual(
      [
        `${id}/heatmap.png`,
        `${id}/raw/particles.nc`,
        `${id}/report.pdf`,
        `${id}/trajectories.geojson`,
      ].sort(),
    );
    // Nothing left in the queue: not waiting, not in either processing list, not dead.
    await waitFor(
      async () => (await redis.llen(`${queue}:processing:${secondId}`)) === 0,
      "second worker acknowledged the job",
    );
    expect(await redis.llen(queue)).toBe(0);
    expect(await redis.llen(`${queue}:processing:${firstId}`)).toBe(0);
    expect(await redis.llen(`${queue}:dead`)).toBe(0);
    const stopAt = Date.now();
    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(15_000);
  }, 120_000);
});
