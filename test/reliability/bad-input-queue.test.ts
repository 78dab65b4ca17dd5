// Bad input at the queue: a table of named cases pushed with RPUSH to a worker running the real simulation,
// and property-based tests (fast-check). Every bad job ends with a clear message — in the mission's
// error_message when the job names a mission that exists, in the dead-letter entry otherwise — the worker
// never crashes or stalls, and the next good job is processed normally. 20–50 s.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { runSimulationSpec } from "../../src/pipeline/run.js";
import { insertMission } from "../../src/service/db/missions.js";
import { InvalidEnvelopeError, PermanentJobError } from "../../src/service/errors.js";
import { parseEnvelope, resolveJob } from "../../src/service/job.js";
import type { DeadLetter } from "../../src/service/queue/redis-queue.js";
import { have } from "../helpers/needs.js";
import { fakeRunner } from "../service/helpers.js";
import {
  addMission,
  BUCKET,
  type InProcessWorker,
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

const SERVICES = await have(
  "test/reliability/bad-input-queue.test.ts: bad jobs on the queue",
  "postgres",
  "redis",
);

let database: TestDatabase;
let s3: RestartableS3;

beforeAll(async () => {
  ({ database, s3 } = await startFileServices());
});
afterAll(async () => {
  await stopFileServices({ database, s3 });
});

const GHOST = "0b7e3c6a-1111-4222-8333-444455556666"; // a valid UUID with no mission row
const PARAMS = smallParams({ products: ["netcdf", "summary"] });
const job = (id: string, params: Record<string, unknown> = PARAMS, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ mission_id: id, params, ...extra });
const withParams = (over: Record<string, unknown>) => (id: string) => job(id, { ...PARAMS, ...over });

/**
 * Where the message must appear: `dead` — only the dead-letter entry (no mission to tell);
 * `failed` — the mission's error_message (and the dead-letter entry); `completed` — the job runs normally.
 */
type Where = "dead" | "failed" | "completed";
interface Case {
  name: string;
  where: Where;
  raw: (id: string) => string;
  message?: RegExp;
}

const CASES: Case[] = [
  // Not a usable message at all: no mission to fail.
  {
    name: "malformed JSON",
    where: "dead",
    raw: () => '{"mission_id": "broken',
    message: /^job is not valid JSON: /,
  },
  {
    name: "a JSON array",
    where: "dead",
    raw: () => "[1,2,3]",
    message: /^job must be a JSON object .* got an array$/,
  },
  { name: "a JSON string", where: "dead", raw: () => '"run it"', message: /got string$/ },
  { name: "JSON null", where: "dead", raw: () => "null", message: /got null$/ },
  { name: "an empty message", where: "dead", raw: () => "", message: /^job is not valid JSON/ },
  {
    name: "missing mission_id",
    where: "dead",
    raw: () => JSON.stringify({ params: PARAMS }),
    message: /^mission_id: required \(a UUID\)$/,
  },
  {
    name: "mission_id not a UUID",
    where: "dead",
    raw: () => job("mission-42"),
    message: /^mission_id: must be a UUID .* got "mission-42"$/,
  },
  {
    name: "mission_id a number",
    where: "dead",
    raw: () => JSON.stringify({ mission_id: 42, params: PARAMS }),
    message: /^mission_id: must be a UUID .* got 42$/,
  },
  {
    name: "SQL metacharacters in mission_id",
    where: "dead",
    raw: () => job("'; DROP TABLE missions; --"),
    message: /^mission_id: must be a UUID/,
  },
  {
    name: "path traversal in mission_id",
    where: "dead",
    raw: () => job("../../etc/passwd"),
    message: /^mission_id: must be a UUID/,
  },
  {
    name: "path traversal after a UUID",
    where: "dead",
    raw: () => job(`${GHOST}/../../x`),
    message: /^mission_id: must be a UUID/,
  },
  {
    name: "a mission id that does not exist",
    where: "dead",
    raw: () => job(GHOST),
    message: new RegExp(`^mission ${GHOST} not found in table missions`),
  },
  // The message names an existing mission: it is failed with the reason.
  {
    name: "malformed JSON naming a mission (NaN literal)",
    where: "failed",
    raw: (id) => `{"mission_id": "${id}", "params": {"latitude": NaN}}`,
    message: /^job is not valid JSON: /,
  },
  {
    name: "payload over 1 MiB",
    where: "failed",
    raw: (id) => job(id, PARAMS, { padding: "x".repeat(1_100_000) }),
    message: /^job is 11\d{5} bytes; the limit is 1048576 \(1 MiB\)$/,
  },
  {
    name: "params not an object",
    where: "failed",
    raw: (id) => job(id, "latitude=60" as never),
    message: /^params: must be an object, got string$/,
  },
  {
    name: "latitude as text",
    where: "failed",
    raw: withParams({ latitude: "sixty" }),
    message: /^invalid job: params\.latitude: must be a number \(degrees north\), got "sixty"$/,
  },
  {
    name: "particles as text",
    where: "failed",
    raw: withParams({ num_particles: "100" }),
    message: /params\.num_particles: must be a number \(particles\)/,
  },
  {
    name: "backtracking not a boolean",
    where: "failed",
    raw: withParams({ backtracking: "yes" }),
    message: /params\.backtracking: must be true or false/,
  },
  {
    name: "Infinity (1e999 in the JSON text)",
    where: "failed",
    raw: (id) => job(id).replace('"latitude":59.3', '"latitude":1e999'),
    message: /params\.latitude: must be a number \(degrees north\), got Infinity$/,
  },
  {
    name: "NaN as a string",
    where: "failed",
    raw: withParams({ duration_hours: "NaN" }),
    message: /params\.duration_hours: must be a number \(hours\), got "NaN"$/,
  },
  {
    name: "latitude above 90",
    where: "failed",
    raw: withParams({ latitude: 90.5 }),
    message: /params\.latitude: must be between -90 and 90 degrees north/,
  },
  {
    name: "latitude exactly at a pole",
    where: "failed",
    raw: withParams({ latitude: -90 }),
    message: /params\.latitude: must not be exactly ±90/,
  },
  {
    name: "longitude below -180",
    where: "failed",
    raw: withParams({ longitude: -180.5 }),
    message: /params\.longitude: must be in \[-180, 360\) degrees east/,
  },
  {
    name: "longitude 360",
    where: "failed",
    raw: withParams({ longitude: 360 }),
    message: /params\.longitude: must be in \[-180, 360\)/,
  },
  {
    name: "start time not a date (Feb 30)",
    where: "failed",
    raw: withParams({ start_time: "2024-02-30T00:00:00Z" }),
    message: /params\.start_time: must be an RFC 3339 time/,
  },
  {
    name: "start time in 1900",
    where: "failed",
    raw: withParams({ start_time: "1900-01-01T00:00:00Z" }),
    message: /params\.start_time: must lie between 1950 and 2100/,
  },
  {
    name: "end time before the start",
    where: "failed",
    raw: withParams({ end_time: "2024-03-01T05:00:00Z" }),
    message: /params\.end_time: must lie after start_time/,
  },
  {
    name: "zero duration",
    where: "failed",
    raw: withParams({ duration_hours: 0 }),
    message: /params\.duration_hours: must not be zero/,
  },
  {
    name: "huge negative duration",
    where: "failed",
    raw: withParams({ duration_hours: -1e6 }),
    message: /params\.duration_hours: must be at most 720 hours/,
  },
  {
    name: "huge duration",
    where: "failed",
    raw: withParams({ duration_hours: 1e9 }),
    message: /params\.duration_hours: must be at most 720 hours/,
  },
  {
    name: "zero particles",
    where: "failed",
    raw: withParams({ num_particles: 0 }),
    message: /params\.num_particles: must be between 1 and 5000000/,
  },
  {
    name: "negative particles",
    where: "failed",
    raw: withParams({ num_particles: -5 }),
    message: /params\.num_particles: must be between 1 and 5000000/,
  },
  {
    name: "fractional particles",
    where: "failed",
    raw: withParams({ num_particles: 1.5 }),
    message: /params\.num_particles: must be a whole number/,
  },
  {
    name: "huge particle count",
    where: "failed",
    raw: withParams({ num_particles: 1e12 }),
    message: /params\.num_particles: must be between 1 and 5000000/,
  },
  {
    name: "unknown object type id",
    where: "failed",
    raw: withParams({ object_type: 999 }),
    message: /params\.object_type: unknown object type 999/,
  },
  {
    name: "unknown object type name",
    where: "failed",
    raw: withParams({ object_type: "spaceship" }),
    message: /params\.object_type: unknown object type "spaceship"/,
  },
  {
    name: "wind with unknown fields",
    where: "failed",
    raw: withParams({ wind: { u: 1, v: 2 } }),
    message: /params\.wind: unknown field\(s\) u, v/,
  },
  {
    name: "path traversal in a forcing file",
    where: "failed",
    raw: withParams({ forcing: { wind: { files: ["../../etc/passwd"] } } }),
    message: /params\.forcing\.wind\.files/,
  },
  {
    name: "unknown product",
    where: "failed",
    raw: withParams({ products: ["../../x"] }),
    message: /params\.products\.0/,
  },
  // Accepted: unknown fields are ignored (newer platform versions add some), text is data, never SQL.
  {
    name: "unknown fields",
    where: "completed",
    raw: (id) => job(id, { ...PARAMS, colour: "red" }, { priority: 5 }),
  },
  {
    name: "SQL metacharacters in the name",
    where: "completed",
    raw: withParams({ name: "Robert'); DROP TABLE missions;--" }),
  },
];

describe.runIf(SERVICES)("bad jobs on the queue: named cases", () => {
  it("each gives a clear message where it belongs; the worker goes on and the next good job completes", async () => {
    const w = startInProcessWorker({
      db: database.db,
      s3Endpoint: s3.endpoint,
      queueName: queueName("bad"),
      env: { MAX_CONCURRENT_JOBS: "2", MAX_ATTEMPTS: "2" },
    });
    onTestFailed(() =>
      console.log(
        w
          .logs()
          .slice(-30)
          .map((l) => JSON.stringify(l).slice(0, 300))
          .join("\n"),
      ),
    );
    try {
      const pushed: { c: Case; id: string; raw: string }[] = [];
      for (const c of CASES) {
        const id = c.where === "dead" ? GHOST : await addMission(database.db, `bad input: ${c.name}`);
        pushed.push({ c, id, raw: c.raw(id) });
      }
      // A mission whose own row is bad, pushed by an API that stored everything in the row.
      const badRow = await insertMission(database.db, {
        name: "bad row",
        lastKnownLat: 95,
        lastKnownLon: 3,
        lastKnownTime: "2024-03-01T06:00:00Z",
        objectType: "Life Raft",
        forecastHours: 3,
        ensembleSize: 100,
      });
      const good = await addMission(database.db, "the next good job");
      for (const p of pushed) await w.queue.push(p.raw);
      await w.queue.push(JSON.stringify({ mission_id: badRow }));
      await w.queue.push(job(good, smallParams()));

      const done = await waitFor(
        async () => {
          const m = await missionRow(database.db, good);
          return m.status === "completed" || m.status === "failed" ? m : null;
        },
        "the good job settled",
        90_000,
        200,
      );
      expect(done.error_message).toBeNull();
      expect(done.status).toBe("completed");
      expect((await resultRows(database.db, good)).length).toBe(1);
      const stored = await s3.storage.list(BUCKET, `${good}/`);
      expect(stored.length).toBe(4);

      await waitFor(async () => (await w.queue.stats()).processing === 0, "every job settled", 60_000);
      expect((await w.queue.stats()).waiting).toBe(0);
      const dead = await w.queue.listDead(1000);
      const reasonOf = (raw: string) => dead.filter((d: DeadLetter) => d.raw === raw).map((d) => d.reason);

      const table: string[] = [];
      for (const { c, id, raw } of pushed) {
        if (c.where === "dead") {
          const reasons = reasonOf(raw);
          expect(reasons.length, c.name).toBe(1);
          expect(reasons[0], c.name).toMatch(c.message as RegExp);
          table.push(`${c.name} | dead letter | ${reasons[0].slice(0, 140)}`);
        } else if (c.where === "failed") {
          const m = await missionRow(database.db, id);
          expect(m.status, c.name).toBe("failed");
          expect(m.error_message, c.name).toMatch(c.message as RegExp);
          expect(m.started_at, `${c.name}: refused before any work`).toBeNull();
          expect(reasonOf(raw), c.name).toEqual([m.error_message]);
          table.push(`${c.name} | error_message | ${String(m.error_message).slice(0, 140)}`);
        } else {
          const m = await missionRow(database.db, id);
          expect(m.status, c.name).toBe("completed");
          table.push(`${c.name} | completed | —`);
        }
      }
      const row = await missionRow(database.db, badRow);
      expect(row.status).toBe("failed");
      expect(row.error_message).toMatch(/^invalid job: missions\.last_known_lat: must be between -90 and 90/);
      table.push(`bad value in the mission row | error_message | ${row.error_message}`);
      console.log(table.join("\n"));

      // Text stayed text: the missions table is intact, keys stayed under valid mission prefixes.
      const count = await database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM missions");
      expect(count.rows[0].n).toBe(CASES.filter((c) => c.where !== "dead").length + 2);
      for (const key of await s3.storage.list(BUCKET, ""))
        expect(key).toMatch(/^[0-9a-f-]{36}\/(raw\/)?[a-z_.]+$/);
      // The worker never hit an unexpected error and is still taking jobs.
      const msgs = w.logs().map((l) => String(l.msg));
      expect(msgs).not.toContain("unexpected error while handling a job");
      expect(msgs).not.toContain("worker loop crashed");
      expect(w.worker.liveness().ok).toBe(true);
    } finally {
      await w.close();
    }
  }, 150_000);
});

// ---- properties ----------------------------------------------------------------------------------------------

const KNOWN_KEYS = [
  "latitude",
  "longitude",
  "start_time",
  "duration_hours",
  "num_particles",
  "object_type",
  "uncertainty_radius_m",
  "time_step_seconds",
  "output_step_seconds",
  "backtracking",
  "end_latitude",
  "end_longitude",
  "end_time",
  "wind",
  "current",
  "forcing",
  "random_seed",
  "name",
  "coastline",
  "products",
] as const;

/** Values of every JSON kind, biased towards the edges that break number handling. */
const edgy = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.double(),
  fc.constantFrom(0, -0, 1, -1, 90, -90, 180, 360, 1e308, -1e308, 5e-324, 2 ** 53, 0.5),
  fc.constantFrom(
    "NaN",
    "Infinity",
    "",
    " ",
    "1e999",
    "'; DROP TABLE missions; --",
    "../../etc/passwd",
    "\u0000",
  ),
  fc.string(),
);

/** Job-shaped params: some known fields with edge values, some plausible, plus unknown ones. */
const paramsArb = fc.dictionary(
  fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string({ maxLength: 12 })),
  fc.oneof(
    edgy,
    fc.integer({ min: -1000, max: 1000 }),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  ),
  { maxKeys: 8 },
);

describe.runIf(SERVICES)("properties", () => {
  it("parseEnvelope: any text is parsed or refused with an InvalidEnvelopeError that says why", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (raw) => {
          try {
            parseEnvelope(raw);
          } catch (err) {
            expect(err).toBeInstanceOf(InvalidEnvelopeError);
            expect((err as Error).message.length).toBeGreaterThan(10);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("resolveJob: any job-shaped params give a spec or a PermanentJobError naming a field or a cap — never another error", () => {
    const id = "9b2f0c1e-1111-4222-8333-444455556666";
    fc.assert(
      fc.property(paramsArb, (params) => {
        let envelope: ReturnType<typeof parseEnvelope>;
        try {
          envelope = parseEnvelope(JSON.stringify({ mission_id: id, params }));
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidEnvelopeError);
          return;
        }
        try {
          const r = resolveJob(envelope, null, {
            catalog: false,
            maxParticleSteps: 1e8,
            maxJobMemoryMb: 4096,
          });
          expect(Number.isFinite(r.particleSteps)).toBe(true);
          expect(Math.abs(r.spec.seed.number)).toBeGreaterThan(0);
        } catch (err) {
          expect(err).toBeInstanceOf(PermanentJobError);
          expect((err as Error).message).toMatch(
            /^(invalid job: (params\.[a-z_]+|missions\.)|job needs .* over the cap MAX_(PARTICLE_STEPS|JOB_MEMORY_MB)=)/,
          );
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("small accepted jobs anywhere off the poles run to an end (result or a clear error) — no hang, no crash", async () => {
    // Exactly ±90 is refused by validation (see the named cases): the simulation has no bearing there.
    const outDir = await mkdtemp(path.join(os.tmpdir(), "driftline-rel-prop-"));
    let ran = 0;
    const vector = fc.record({
      x: fc.double({ min: -30, max: 30, noNaN: true }),
      y: fc.double({ min: -30, max: 30, noNaN: true }),
    });
    const small = fc.record(
      {
        latitude: fc.double({ min: -89.99, max: 89.99, noNaN: true }),
        longitude: fc.double({ min: -180, max: 359.99, noNaN: true }),
        start_time: fc
          .date({
            min: new Date("1950-01-01T00:00:00Z"),
            max: new Date("2099-12-01T00:00:00Z"),
            noInvalidDate: true,
          })
          .map((d) => d.toISOString()),
        duration_hours: fc.constantFrom(-6, -1, 1, 2, 3, 6),
        num_particles: fc.integer({ min: 1, max: 40 }),
        object_type: fc.integer({ min: 1, max: 85 }),
        uncertainty_radius_m: fc.double({ min: 0, max: 50_000, noNaN: true }),
        wind: vector,
        current: vector.map((v) => ({ x: v.x / 10, y: v.y / 10 })),
        coastline: fc.constantFrom("stranding", "previous", "none"),
        end_latitude: fc.double({ min: -89.9, max: 89.9, noNaN: true }),
        end_longitude: fc.double({ min: -180, max: 180, noNaN: true }),
      },
      {
        requiredKeys: [
          "latitude",
          "longitude",
          "start_time",
          "duration_hours",
          "num_particles",
          "wind",
          "current",
        ],
      },
    );
    try {
      await fc.assert(
        fc.asyncProperty(small, async (params) => {
          // A release line needs both ends.
          if ((params.end_latitude === undefined) !== (params.end_longitude === undefined)) {
            delete params.end_latitude;
            delete params.end_longitude;
          }
          const resolved = resolveJob(
            parseEnvelope(JSON.stringify({ mission_id: "9b2f0c1e-1111-4222-8333-444455556666", params })),
            null,
            {
              catalog: false,
            },
          );
          const started = Date.now();
          try {
            const r = await runSimulationSpec(resolved.spec, { outDir, products: ["netcdf", "summary"] });
            expect(r.summary.particleCount).toBe(params.num_particles);
            ran++;
          } catch (err) {
            expect(err).toBeInstanceOf(Error);
            expect((err as Error).message.length).toBeGreaterThan(10);
          }
          expect(Date.now() - started).toBeLessThan(60_000);
        }),
        { numRuns: 20, endOnFailure: true },
      );
      // Most of them really ran (the others failed with a message, e.g. a release on land).
      expect(ran).toBeGreaterThanOrEqual(10);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }, 240_000);

  it("the worker: batches of arbitrary messages never crash or stall it; each is settled; the next good job completes", async () => {
    const w: InProcessWorker = startInProcessWorker({
      db: database.db,
      s3Endpoint: s3.endpoint,
      queueName: queueName("prop"),
      env: { MAX_CONCURRENT_JOBS: "2", MAX_ATTEMPTS: "2", MAX_PARTICLE_STEPS: "100000" },
      runner: fakeRunner({ durationMs: 50 }), // the physics is not the subject here: the worker's handling is
    });
    onTestFailed(() =>
      console.log(
        w
          .logs()
          .slice(-30)
          .map((l) => JSON.stringify(l).slice(0, 300))
          .join("\n"),
      ),
    );
    // A listener added per job and never removed shows up as this warning after a few dozen jobs.
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on("warning", onWarning);
    try {
      const message = (ids: string[]) =>
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.json({ maxDepth: 3 }),
          fc
            .record(
              {
                mission_id: fc.oneof(fc.constantFrom(...ids), fc.uuid(), edgy),
                params: fc.oneof(paramsArb, edgy),
              },
              { requiredKeys: [] },
            )
            .map((o) => JSON.stringify(o)),
        );
      let batch = 0;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.infiniteStream(fc.nat()), async (n, seeds) => {
          batch++;
          const ids: string[] = [];
          for (let i = 0; i < 3; i++) ids.push(await addMission(database.db, `property ${batch}.${i}`));
          const msgs = fc.sample(message(ids), { numRuns: n, seed: seeds.next().value });
          const good = await addMission(database.db, `property ${batch} good`);
          for (const m of msgs) await w.queue.push(m);
          await w.queue.push(job(good));
          await waitFor(
            async () => (await missionRow(database.db, good)).status === "completed",
            "good job",
            30_000,
          );
          await waitFor(
            async () => {
              const s = await w.queue.stats();
              return s.processing === 0 && s.waiting === 0;
            },
            "every message settled",
            30_000,
          );
          // Missions the messages named are settled (or untouched when no message reached them).
          for (const id of ids) {
            const m = await missionRow(database.db, id);
            expect(["queued", "completed", "failed"]).toContain(m.status);
            if (m.status === "failed") expect(String(m.error_message).length).toBeGreaterThan(5);
          }
          for (const d of await w.queue.listDead(1000)) expect(d.reason.length).toBeGreaterThan(5);
          const logged = w.logs().map((l) => String(l.msg));
          expect(logged).not.toContain("unexpected error while handling a job");
          expect(logged).not.toContain("worker loop crashed");
          // Acked jobs leave the worker's own list a moment later (after their scratch files are removed).
          await waitFor(async () => w.worker.running().length === 0, "no job left running", 5000, 20);
        }),
        { numRuns: 25 },
      );
      expect(warnings.filter((x) => x.startsWith("MaxListenersExceededWarning"))).toEqual([]);
    } finally {
      process.off("warning", onWarning);
      await w.close();
    }
  }, 150_000);
});
