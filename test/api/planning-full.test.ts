// Plans and revisions on the platform's services (issue 22 item 5): driftline serve with PostgreSQL, Redis
// and S3 (s3rver); the rows in mission_plans and mission_revisions, the files under the mission's prefix,
// and all of them gone with the mission.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/service/db/api-keys.js";
import { have } from "../helpers/needs.js";
import {
  createTestDatabase,
  deleteQueueKeys,
  REDIS_URL,
  startS3,
  type TestDatabase,
  type TestS3,
  token,
} from "../service/helpers.js";
import { call, removeDir, SMALL_MISSION, startTestServer, waitForMission } from "./helpers.js";

const SERVICES = await have(
  "test/api/planning-full.test.ts: plans and revisions in PostgreSQL and S3",
  "postgres",
  "redis",
);

const QUEUE = `driftline_planning_${token()}`;
const UNITS = {
  conditions: { visibility_nm: 10, wind_kn: 10, sea_ft: 2 },
  units: [
    { name: "Vessel", platform: "vessel", speed_kn: 12, on_scene_hours: 2 },
    { name: "Heli", platform: "helicopter", speed_kn: 90, on_scene_hours: 1 },
  ],
};

let server: Awaited<ReturnType<typeof startTestServer>>;
let database: TestDatabase;
let s3: TestS3;

beforeAll(async () => {
  if (!SERVICES) return;
  database = await createTestDatabase();
  s3 = await startS3();
  server = await startTestServer({
    forcingDir: null,
    env: {
      DATABASE_URL: database.url,
      REDIS_URL,
      QUEUE_NAME: QUEUE,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: "S3RVER",
      S3_SECRET_KEY: "S3RVER",
    },
  });
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (server) removeDir(server.dataDir);
  await s3?.close();
  await database?.drop();
  if (SERVICES) await deleteQueueKeys(QUEUE);
});

describe.runIf(SERVICES)("search planning on PostgreSQL and S3", () => {
  it("stores plans and revisions in their tables and under the mission's prefix", async () => {
    expect(server.services.describe.storage).toMatch(/S3/);
    const { key } = await createApiKey(server.services.db, { name: "planning test" });
    const auth = { authorization: `Bearer ${key}` };
    const created = await call(
      server,
      "POST",
      "/api/v1/missions",
      { ...SMALL_MISSION, name: "planning" },
      auth,
    );
    expect(created.status).toBe(201);
    const id = created.json.data.id;
    expect((await waitForMission(server, id, 180_000, auth)).status).toBe("completed");

    const plan = await call(server, "POST", `/api/v1/missions/${id}/plans`, UNITS, auth);
    expect(plan.status).toBe(201);
    const searched = await call(
      server,
      "POST",
      `/api/v1/missions/${id}/searches`,
      { units: UNITS, planId: plan.json.data.id },
      auth,
    );
    expect(searched.status).toBe(201);
    expect(searched.json.data.revision).toBe(1);

    const plans = await database.db.query<{ revision: number; joint_pos: number }>(
      "SELECT revision, joint_pos FROM mission_plans WHERE mission_id = $1",
      [id],
    );
    expect(plans.rows).toEqual([{ revision: 0, joint_pos: plan.json.data.joint_pos }]);
    const revisions = await database.db.query<{ revision: number; cumulative_pos: number }>(
      "SELECT revision, cumulative_pos FROM mission_revisions WHERE mission_id = $1",
      [id],
    );
    expect(revisions.rows).toEqual([{ revision: 1, cumulative_pos: searched.json.data.cumulativePos }]);
    const keys = await s3.storage.list("driftline-results", `${id}/`);
    expect(keys).toContain(`${id}/plans/${plan.json.data.id}/plan.gpx`);
    expect(keys).toContain(`${id}/revisions/1/particles.nc`);
    expect(keys).toContain(`${id}/revisions/1/revision.json`);
    expect(keys).toContain(`${id}/raw/particles.nc`);

    // Deleting the mission deletes its plans, revisions and their files.
    expect((await call(server, "DELETE", `/api/v1/missions/${id}`, undefined, auth)).status).toBeLessThan(
      300,
    );
    const left = await database.db.query("SELECT 1 FROM mission_revisions WHERE mission_id = $1", [id]);
    expect(left.rows).toHaveLength(0);
    expect(await s3.storage.list("driftline-results", `${id}/`)).toEqual([]);
  }, 400_000);
});
