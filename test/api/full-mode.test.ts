// The same server with DATABASE_URL and REDIS_URL set: the real PostgreSQL and Redis replace PGlite and the
// queue table (products stay in local files since S3_ENDPOINT is unset); same SQL, same job pipeline.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/service/db/api-keys.js";
import { have } from "../helpers/needs.js";
import { fakeRunner } from "./fake-runner.js";
import { call, removeDir, SMALL_MISSION, startTestServer, waitForMission } from "./helpers.js";

const SERVICES = await have(
  "test/api/full-mode.test.ts: driftline serve with PostgreSQL and Redis",
  "postgres",
  "redis",
);

const runner = process.env.DRIFTLINE_TEST_FAKE_RUNNER ? fakeRunner : undefined;
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
const DB_NAME = "driftline_serve_test";
const QUEUE = `driftline_serve_test_${randomBytes(4).toString("hex")}`;

let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  // A database of its own, so that other test files' tables are not touched.
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${DB_NAME}`);
  } catch (error) {
    if ((error as { code?: string }).code !== "42P04") throw error; // already exists
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DB_NAME}`;
  server = await startTestServer({
    runner,
    forcingDir: null,
    env: { DATABASE_URL: url.toString(), REDIS_URL, QUEUE_NAME: QUEUE },
  });
});

afterAll(async () => {
  await server?.close();
  if (server) removeDir(server.dataDir);
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${QUEUE}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe.runIf(SERVICES)("driftline serve with PostgreSQL and Redis", () => {
  it("uses the real services and requires an API key", async () => {
    expect(server.services.embedded).toBe(false);
    expect(server.services.describe.database).toMatch(/^PostgreSQL 127\.0\.0\.1:5432\/driftline_serve_test/);
    expect(server.services.describe.queue).toMatch(new RegExp(`^Redis .* list ${QUEUE}$`));
    expect(server.services.describe.storage).toMatch(/^local files/);
    expect(server.auth).toBe("required");
    expect((await call(server, "GET", "/api/v1/missions")).status).toBe(401);
  });

  it("runs a mission pushed onto the Redis list through the worker to downloadable results", async () => {
    const { key } = await createApiKey(server.services.db, { name: "full-mode test" });
    const auth = { authorization: `Bearer ${key}` };
    const created = await call(
      server,
      "POST",
      "/api/v1/missions",
      { ...SMALL_MISSION, name: "full mode" },
      auth,
    );
    expect(created.status).toBe(201);
    const id = created.json.data.id;
    const status = await waitForMission(server, id, 120_000, auth);
    expect(status.status).toBe("completed");
    const row = await server.services.db.query<{ status: string; particle_count: number }>(
      "SELECT m.status, r.particle_count FROM missions m JOIN mission_results r ON r.mission_id = m.id WHERE m.id = $1",
      [id],
    );
    expect(row.rows).toEqual([{ status: "completed", particle_count: 200 }]);
    const pdf = await fetch(`${server.url}/api/v1/missions/${id}/results/download?format=pdf`, {
      headers: auth,
    });
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe("%PDF");
    expect(await server.services.queue.stats()).toMatchObject({ waiting: 0, processing: 0 });
  });
});
