// Issue 24.4: no quota, rate limit or fairness. Before, 200 maximum-size missions from one key were accepted in
// a second and another user's mission waited behind all of them. Now the 201st queued mission of one key gets
// 429 with Retry-After while another key's mission is taken before the flooding key's second; a key is held
// to a rate per minute; a full queue and a quota of queued work answer 429 too; a mission costing more
// particle-steps than one job may is refused with a 400 naming the field.
import { afterEach, describe, expect, it } from "vitest";
import { missionCost } from "../../src/service/api/admission.js";
import { createApiKey } from "../../src/service/db/api-keys.js";
import type { Database } from "../../src/service/ports.js";
import { call, removeDir, SMALL_MISSION, startTestServer } from "../api/helpers.js";

type Server = Awaited<ReturnType<typeof startTestServer>>;
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    await s.close();
    removeDir(s.dataDir);
  }
});

async function server(env: Record<string, string>): Promise<Server> {
  const s = await startTestServer({ auth: "required", worker: false, forcingDir: null, env });
  servers.push(s);
  return s;
}

/** A user of its own and a key for it. */
async function keyOf(db: Database, email: string): Promise<Record<string, string>> {
  const { rows } = await db.query<{ id: string }>(
    "INSERT INTO users (email, name) VALUES ($1, $1) RETURNING id::text AS id",
    [email],
  );
  const { key } = await createApiKey(db, { userId: rows[0].id });
  return { authorization: `Bearer ${key}` };
}

const post = (s: Server, key: Record<string, string>, over: Record<string, unknown> = {}) =>
  call(s, "POST", "/api/v1/missions", { ...SMALL_MISSION, ...over }, key);

describe("admission", () => {
  it("gives the 201st queued mission of one key 429, and takes another key's mission before the flood", async () => {
    const s = await server({ RATE_LIMIT_PER_MINUTE: "1000" });
    const flood = await keyOf(s.services.db, "flood@example.org");
    const other = await keyOf(s.services.db, "other@example.org");
    const flooded: string[] = [];
    for (let i = 0; i < 200; i++) {
      const r = await post(s, flood, { name: `flood ${i}` });
      expect(r.status).toBe(201);
      flooded.push(r.json.data.id);
    }
    const refused = await post(s, flood, { name: "flood 200" });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.json.error).toMatch(/200 missions of this API key are waiting or running \(at most 200\)/);
    const mine = await post(s, other, { name: "someone else" });
    expect(mine.status).toBe(201);

    // The order workers take jobs in: the flood's first (nothing else waited), then the other user's,
    // then the rest of the flood.
    const taken: string[] = [];
    for (let i = 0; i < 3; i++) {
      const job = await s.services.queue.claim("w", 10_000, 0);
      taken.push(JSON.parse(job?.raw ?? "{}").mission_id);
    }
    expect(taken).toEqual([flooded[0], mine.json.data.id, flooded[1]]);
  }, 120_000);

  it("holds a key to its rate, refuses work beyond the quota, a full queue and a mission too large", async () => {
    const s = await server({
      RATE_LIMIT_PER_MINUTE: "3",
      MAX_QUEUE_DEPTH: "5",
      MAX_PARTICLE_STEPS: "1000000",
      MAX_QUEUED_WORK_PER_KEY: "20000",
    });
    const a = await keyOf(s.services.db, "a@example.org");
    const b = await keyOf(s.services.db, "b@example.org");
    const c = await keyOf(s.services.db, "c@example.org");
    // 200 particles × 36 steps (6 h at 600 s) = 7,200 particle-steps each.
    expect(missionCost({ particles: 200, forecastHours: 6, timeStepSeconds: 600 })).toBe(7200);
    expect((await post(s, a)).status).toBe(201);
    expect((await post(s, a)).status).toBe(201);
    const work = await post(s, a);
    expect(work.status).toBe(429);
    expect(work.json.error).toMatch(/quota: this API key has 14,400 particle-steps waiting or running/);

    for (let i = 0; i < 3; i++) expect((await post(s, b, { ensembleSize: 100 })).status).toBe(201);
    const rate = await post(s, b, { ensembleSize: 100 });
    expect(rate.status).toBe(429);
    expect(rate.json.error).toMatch(/rate limit: at most 3 missions per minute per API key/);
    expect(Number(rate.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(rate.headers.get("retry-after"))).toBeLessThanOrEqual(20);

    const full = await post(s, c, { ensembleSize: 100 });
    expect(full.status).toBe(429);
    expect(full.json.error).toMatch(/the queue is full \(5 jobs waiting; at most 5\)/);

    const large = await post(s, c, { ensembleSize: 10_000, forecastHours: 168 });
    expect(large.status).toBe(400);
    expect(large.json.details[0]).toMatchObject({
      field: "particleCount",
      message: expect.stringMatching(
        /10000 particles × 1008 steps is 10,080,000 particle-steps; at most 1,000,000/,
      ),
    });
  }, 120_000);
});

describe("admission of a release on land", () => {
  it("charges particles released on land, so a release inland is refused naming particleCount while the same release at sea is admitted", async () => {
    const s = await server({ MAX_PARTICLE_STEPS: "100000000" });
    const a = await keyOf(s.services.db, "land@example.org");
    // Off Andøya (open sea) and inland on Andøya (api.test's coastline/land points), 1000 particles × 36 steps.
    const sea = await post(s, a, { lastKnownLat: 69.3, lastKnownLon: 15.9, ensembleSize: 1000 });
    expect(sea.status).toBe(201);
    const land = await post(s, a, { lastKnownLat: 69.25, lastKnownLon: 16.0, ensembleSize: 1000 });
    expect(land.status).toBe(400);
    expect(land.json.details[0]).toMatchObject({
      field: "particleCount",
      message: expect.stringMatching(
        /1000 particles × 36 steps \+ land is .* \(\d+ of them released on land/,
      ),
    });
    // The same on land with few particles is admitted: the surcharge is per particle on land.
    expect((await post(s, a, { lastKnownLat: 69.25, lastKnownLon: 16.0, ensembleSize: 100 })).status).toBe(
      201,
    );
    // A scenario on land costs as much as the same release given directly.
    const scenario = await post(s, a, {
      ensembleSize: 1000,
      scenarios: [{ lastKnownLat: 69.25, lastKnownLon: 16.0, weight: 1 }],
    });
    expect(scenario.status).toBe(400);
  }, 120_000);
});
