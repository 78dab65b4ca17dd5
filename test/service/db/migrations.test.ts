// Migrations (src/service/db/migrations.ts) against the real PostgreSQL (a fresh database per test) and PGlite,
// and the mission rows (src/service/db/missions.ts) a migrated database holds through a mission's life.
import { readFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appliedMigrations, MIGRATIONS, migrate } from "../../../src/service/db/migrations.js";
import {
  completeMission,
  failMission,
  insertMission,
  loadMission,
  MissionGoneError,
  type MissionResultRecord,
  markProcessing,
  requeueMission,
  updateProgress,
} from "../../../src/service/db/missions.js";
import type { Database } from "../../../src/service/ports.js";
import { have } from "../../helpers/needs.js";
import { createTestDatabase, type TestDatabase } from "../helpers.js";

const POSTGRES = await have(
  "test/service/db/migrations.test.ts: migrations and mission rows on PostgreSQL",
  "postgres",
);

const PLATFORM_SCHEMA = new URL("../../fixtures/platform-schema.sql", import.meta.url);

function result(over: Partial<MissionResultRecord> = {}): MissionResultRecord {
  const polygon = {
    type: "Polygon",
    coordinates: [
      [
        [3, 60],
        [3.1, 60],
        [3.1, 60.1],
        [3, 60],
      ],
    ],
  };
  return {
    centroidLat: 60.05,
    centroidLon: 3.05,
    centroidTime: "2024-01-02T12:00:00.000Z",
    searchArea50: polygon,
    searchArea90: polygon,
    searchArea95: polygon,
    netcdfPath: "s3://driftline-results/x/raw/particles.nc",
    geojsonPath: "s3://driftline-results/x/trajectories.geojson",
    heatmapPath: "s3://driftline-results/x/heatmap.png",
    pdfReportPath: "s3://driftline-results/x/report.pdf",
    particleCount: 1000,
    strandedCount: 3,
    computationTimeSeconds: 4.2,
    timestepContours: [{ time_index: 0, timestamp: "2024-01-01T12:00:00.000Z" }],
    products: { netcdf: "s3://driftline-results/x/raw/particles.nc" },
    forcingSources: [{ variable: "wind", name: "constant" }],
    summary: { active_count: 997 },
    mostLikelyLat: 60.04,
    mostLikelyLon: 3.04,
    workerId: "w1",
    ...over,
  };
}

const newMission = {
  name: "test",
  lastKnownLat: 60,
  lastKnownLon: 3,
  lastKnownTime: "2024-01-01T12:00:00Z",
  objectType: "PIW",
  forecastHours: 24,
  ensembleSize: 1000,
};

/** The life of one mission through the repository functions; shared by the PostgreSQL and PGlite tests. */
async function missionLifecycle(db: Database): Promise<void> {
  const id = await insertMission(db, newMission);
  const row = await loadMission(db, id);
  expect(row).toMatchObject({
    id,
    status: "queued",
    lastKnownLat: 60,
    lastKnownTime: "2024-01-01T12:00:00.000Z",
    objectType: "PIW",
  });
  expect(await markProcessing(db, id, { workerId: "w1", attempt: 1 })).toBe(true);
  await updateProgress(db, id, "w1", 0.5, "simulating 50 %");
  await updateProgress(db, id, "w-other", 0.9, "not the owner");
  let m = (
    await db.query(
      "SELECT status, progress, progress_message, attempts, worker_id, started_at FROM missions WHERE id = $1",
      [id],
    )
  ).rows[0];
  expect(m).toMatchObject({
    status: "processing",
    progress: 0.5,
    progress_message: "simulating 50 %",
    attempts: 1,
    worker_id: "w1",
  });
  expect(m.started_at).not.toBeNull();

  await completeMission(db, id, result());
  // A re-delivered job completes again: the row is replaced, never duplicated.
  await completeMission(db, id, result({ computationTimeSeconds: 5.5 }));
  const rows = (await db.query("SELECT * FROM mission_results WHERE mission_id = $1", [id])).rows;
  expect(rows.length).toBe(1);
  expect(rows[0]).toMatchObject({
    centroid_lat: 60.05,
    particle_count: 1000,
    stranded_count: 3,
    computation_time_seconds: 5.5,
  });
  expect(rows[0].search_area_90_geom).toMatchObject({ type: "Polygon" });
  expect((rows[0].centroid_time as Date).toISOString()).toBe("2024-01-02T12:00:00.000Z");
  m = (
    await db.query("SELECT status, progress, completed_at, error_message FROM missions WHERE id = $1", [id])
  ).rows[0];
  expect(m).toMatchObject({ status: "completed", progress: 1, error_message: null });
  expect(m.completed_at).not.toBeNull();
  // A stale delivery can neither restart nor fail a completed mission.
  expect(await markProcessing(db, id, { workerId: "w2", attempt: 2 })).toBe(false);
  expect(await failMission(db, id, "late failure")).toBe(false);

  const other = await insertMission(db, newMission);
  await markProcessing(db, other, { workerId: "w1", attempt: 1 });
  await requeueMission(db, other, "w1", "database: connection refused");
  expect((await db.query("SELECT status, last_error FROM missions WHERE id = $1", [other])).rows[0]).toEqual({
    status: "queued",
    last_error: "database: connection refused",
  });
  expect(await failMission(db, other, "invalid job: params.latitude: must be between -90 and 90")).toBe(true);
  expect(
    (await db.query("SELECT status, error_message FROM missions WHERE id = $1", [other])).rows[0],
  ).toMatchObject({
    status: "failed",
    error_message: "invalid job: params.latitude: must be between -90 and 90",
  });

  await db.query("DELETE FROM missions WHERE id = $1", [other]);
  await expect(completeMission(db, other, result())).rejects.toBeInstanceOf(MissionGoneError);
  expect(await loadMission(db, other)).toBeNull();
}

describe.runIf(POSTGRES)("migrations and mission rows on PostgreSQL", () => {
  let fresh: TestDatabase;
  let platform: TestDatabase;
  beforeAll(async () => {
    [fresh, platform] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([fresh?.drop(), platform?.drop()]);
  });

  it("creates the contract's tables in an empty database, concurrently from several workers, once", async () => {
    const runs = await Promise.all([migrate(fresh.db), migrate(fresh.db), migrate(fresh.db)]);
    expect(runs.flat().length).toBeGreaterThanOrEqual(MIGRATIONS.length);
    expect(await appliedMigrations(fresh.db)).toEqual(MIGRATIONS.map((m) => m.id));
    expect(await migrate(fresh.db)).toEqual([]);
    const tables = (
      await fresh.db.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      )
    ).rows.map((r) => r.table_name);
    expect(tables).toEqual([
      "api_keys",
      "driftline_migrations",
      "driftline_mission_parts",
      "mission_results",
      "missions",
      "users",
    ]);
    await missionLifecycle(fresh.db);
  });

  it("migrates the platform's own schema by adding only nullable columns; the platform keeps working", async () => {
    const admin = platform.db;
    await admin.query(await readFile(PLATFORM_SCHEMA, "utf8"));
    const columns = async () =>
      (
        await admin.query<{
          table_name: string;
          column_name: string;
          data_type: string;
          is_nullable: string;
          column_default: string | null;
        }>(
          `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
            WHERE table_schema = 'public' ORDER BY table_name, column_name`,
        )
      ).rows;
    const before = await columns();
    // The platform's API server has a user and a mission already.
    const user = (
      await admin.query<{ id: string }>(
        "INSERT INTO users (email, password_hash) VALUES ('a@b.c', 'x') RETURNING id",
      )
    ).rows[0].id;
    const existing = (
      await admin.query<{ id: string }>(
        `INSERT INTO missions (user_id, name, last_known_lat, last_known_lon, last_known_time, object_type, forecast_hours, status)
         VALUES ($1, 'old', 60, 3, '2024-01-01 12:00:00', 'Life Raft', 24, 'completed') RETURNING id`,
        [user],
      )
    ).rows[0].id;
    await admin.query("INSERT INTO mission_results (mission_id, particle_count) VALUES ($1, 10), ($1, 20)", [
      existing,
    ]);

    expect(await migrate(admin)).toEqual(MIGRATIONS.map((m) => m.id));
    const after = await columns();
    // Every platform column is unchanged (type, nullability, default) …
    for (const col of before) expect(after).toContainEqual(col);
    // … and every new one is nullable without default.
    const added = after.filter(
      (c) =>
        // Driftline's own tables (migrations, parts of split missions) are not the platform's.
        !c.table_name.startsWith("driftline_") &&
        !before.some((b) => b.table_name === c.table_name && b.column_name === c.column_name),
    );
    expect(added.length).toBeGreaterThan(5);
    for (const col of added) {
      expect(col.is_nullable).toBe("YES");
      expect(col.column_default).toBeNull();
    }
    // The platform's rows are intact: two rows from the platform's results processor may coexist.
    expect(
      (await admin.query("SELECT count(*)::int AS n FROM mission_results WHERE mission_id = $1", [existing]))
        .rows[0].n,
    ).toBe(2);
    // The platform's API can still insert as before.
    await admin.query(
      `INSERT INTO missions (user_id, name, last_known_lat, last_known_lon, last_known_time, object_type, forecast_hours)
       VALUES ($1, 'new', 61, 4, '2024-01-02 00:00:00', 'PIW', 12)`,
      [user],
    );
    await missionLifecycle(admin);
  });
});

describe("migrations and mission rows on PGlite (embedded mode)", () => {
  it("run unchanged", async () => {
    const pglite = new PGlite();
    const db: Database = {
      async query<T>(sql: string, params?: unknown[]) {
        const r = await pglite.query<T>(sql, params);
        return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
      },
      close: () => pglite.close(),
    };
    await migrate(db);
    expect(await appliedMigrations(db)).toEqual(MIGRATIONS.map((m) => m.id));
    await missionLifecycle(db);
    await db.close();
  });
});
