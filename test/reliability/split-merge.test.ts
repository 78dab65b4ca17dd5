// A forcing-ensemble mission larger than SPLIT_PARTICLES runs as parts on the queue (issue 21 item 4): two
// worker processes on the real Redis queue, PostgreSQL and an S3 server; the first is killed (-9) in the
// middle of a part, the second reclaims that part when its lease lapses, runs the rest and merges. The mission
// is completed once, with one result row and every product; the parts' objects are gone.
// SLOW: 50,000 particles at 1-minute steps for 48 h in four parts, on a busy 2-core machine.
import { describe, expect, it, onTestFailed } from "vitest";
import { have } from "../helpers/needs.js";
import {
  addMission,
  BUCKET,
  checkStoredProducts,
  jobJson,
  outcomesByMission,
  resultRows,
  settledMission,
  smallParams,
  startWorkerProcess,
  useWorkerProcessServices,
  waitFor,
} from "./helpers.js";

const SERVICES = await have(
  "test/reliability/split-merge.test.ts: a split ensemble mission, one worker killed mid-part",
  "postgres",
  "redis",
);

const services = useWorkerProcessServices();

describe.runIf(SERVICES)("split and merge of an ensemble mission on the queue", () => {
  it("completes once after a worker dies mid-part: one result row, every product, no parts left", async () => {
    const { database, s3, redis } = services;
    const queue = services.queue("split");
    const env = services.workerEnv(queue, {
      LEASE_SECONDS: "2",
      MAX_CONCURRENT_JOBS: "1",
      SPLIT_PARTICLES: "15000",
    });
    const id = await addMission(database.db, "split ensemble");
    const current = {
      ensemble: [
        { constant: { x: 0.1, y: 0.2 } },
        { constant: { x: 0.2, y: 0.1 } },
        { constant: { x: 0, y: 0.3 } },
        { constant: { x: 0.15, y: 0.15 } },
      ],
      weights: [1, 2, 1, 1],
    };
    await redis.rpush(queue, jobJson(id, smallParams({ forcing: { current } }, true)));

    const first = startWorkerProcess(env);
    onTestFailed(() => console.log(`first worker:\n${first.output().slice(-4000)}`));
    await first.id();
    await waitFor(
      async () => first.logs().some((l) => l.msg === "part started"),
      "first worker split the mission and started a part",
      90_000,
      100,
    );
    expect(first.logs().find((l) => l.msg === "mission split into parts")).toMatchObject({
      parts: 4,
      members: 4,
    });
    first.child.kill("SIGKILL");
    await first.exited;

    const second = startWorkerProcess(env);
    onTestFailed(() => console.log(`second worker:\n${second.output().slice(-4000)}`));
    await second.id();
    const done = await waitFor(
      settledMission(database.db, id),
      "mission completed by the second worker",
      240_000,
      250,
    );
    expect(done.error_message).toBeNull();
    expect(done.status).toBe("completed");
    const rows = await resultRows(database.db, id);
    expect(rows.length).toBe(1);
    expect(rows[0].particle_count).toBe(50_000);
    const summary = rows[0].summary as { members?: { weight: number; particles: number }[] };
    expect(summary.members?.map((m) => [m.weight, m.particles])).toEqual([
      [0.2, 12_500],
      [0.4, 12_500],
      [0.2, 12_500],
      [0.2, 12_500],
    ]);
    expect((await checkStoredProducts(s3.storage, rows[0])).length).toBeGreaterThanOrEqual(4);
    // Completed once (by the merge), the part the first worker held reclaimed and run again.
    expect(outcomesByMission([first, second], "completed").get(id)).toBe(1);
    expect(second.logs().some((l) => l.msg === "reclaimed jobs of workers whose lease expired")).toBe(true);
    const parts = await database.db.query<{ part: number; done_at: unknown }>(
      "SELECT part, done_at FROM driftline_mission_parts WHERE mission_id = $1 ORDER BY part",
      [id],
    );
    expect(parts.rows.map((r) => r.part)).toEqual([-1, 0, 1, 2, 3]);
    expect(parts.rows.every((r) => r.done_at !== null)).toBe(true);
    await waitFor(
      async () => (await s3.storage.list(BUCKET, `${id}/parts/`)).length === 0,
      "the parts' objects deleted after the merge",
      10_000,
    );
    second.child.kill("SIGTERM");
    await second.exited;
  }, 400_000);
});
