// End to end with the real simulation (runSimulationSpec in a worker thread), the real Redis and
// PostgreSQL and an S3 server: a job RPUSHed in exactly the contract's JSON ends as a completed mission
// with a full mission_results row and every product in the bucket, readable back.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/service/db/migrations.js";
import { insertMission } from "../../src/service/db/missions.js";
import { silentLogger } from "../../src/service/log.js";
import { RedisJobQueue } from "../../src/service/queue/redis-queue.js";
import { productKey } from "../../src/service/storage/keys.js";
import { createWorker } from "../../src/service/worker/worker.js";
import { have } from "../helpers/needs.js";
import {
  createTestDatabase,
  deleteQueueKeys,
  REDIS_URL,
  startS3,
  type TestDatabase,
  type TestS3,
  testConfig,
  token,
  waitFor,
} from "./helpers.js";

const SERVICES = await have(
  "test/service/worker-integration.test.ts: worker with the real simulation",
  "postgres",
  "redis",
);

const FORCING_DIR = fileURLToPath(new URL("../../data-bundled/forcing", import.meta.url));
let database: TestDatabase;
let s3: TestS3;
let redis: Redis;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  [database, s3] = await Promise.all([createTestDatabase(), startS3()]);
  await migrate(database.db);
  redis = new Redis(REDIS_URL);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await redis?.quit();
  await Promise.all([database?.drop(), s3?.close()]);
});

/** A worker with the default runner: runSimulationSpec in a worker thread. */
function startWorker(env: Record<string, string>): string {
  const queueName = `dl_integration_${token()}`;
  const config = testConfig({ QUEUE_NAME: queueName, S3_ENDPOINT: s3.endpoint, ...env });
  const queue = new RedisJobQueue({ url: REDIS_URL, queueName });
  const worker = createWorker({
    db: database.db,
    queue,
    storage: s3.storage,
    config,
    logger: silentLogger(),
  });
  worker.start();
  cleanups.push(async () => {
    await worker.stop({ graceMs: 0 });
    await queue.close();
    await deleteQueueKeys(queueName);
  });
  return queueName;
}

async function newMission(lat: number, lon: number, time: string, hours: number): Promise<string> {
  return insertMission(database.db, {
    name: "integration",
    lastKnownLat: lat,
    lastKnownLon: lon,
    lastKnownTime: time,
    objectType: "PIW",
    forecastHours: hours,
    ensembleSize: 100,
  });
}

async function mission(id: string): Promise<Record<string, unknown>> {
  return (await database.db.query("SELECT * FROM missions WHERE id = $1", [id])).rows[0];
}

const settled = (id: string) => async () => {
  const m = await mission(id);
  return m.status === "completed" || m.status === "failed" ? m : null;
};

describe.runIf(SERVICES)("worker with the real simulation", () => {
  it("completes a job pushed in exactly the contract's JSON, on forcing from the catalog", async () => {
    const queueName = startWorker({ FORCING_DIR });
    const id = await newMission(68.9, 14.0, "2016-02-01T12:00:00Z", 6);
    const raw = `{"mission_id": "${id}", "params": {"latitude": 68.9, "longitude": 14.0, "start_time": "2016-02-01T12:00:00Z", "duration_hours": 6, "num_particles": 100, "object_type": 1}}`;
    await redis.rpush(queueName, raw);
    const m = await waitFor(settled(id), "mission settled", 50_000, 250);
    expect(m.error_message).toBeNull();
    expect(m.status).toBe("completed");
    expect(m.forcing_sources).toBeTruthy();

    const rows = (await database.db.query("SELECT * FROM mission_results WHERE mission_id = $1", [id])).rows;
    expect(rows.length).toBe(1);
    const r = rows[0];
    for (const column of [
      "centroid_lat",
      "centroid_lon",
      "centroid_time",
      "search_area_50_geom",
      "search_area_90_geom",
      "search_area_95_geom",
      "netcdf_path",
      "geojson_path",
      "heatmap_path",
      "pdf_report_path",
      "particle_count",
      "stranded_count",
      "computation_time_seconds",
      "timestep_contours",
    ]) {
      expect(r[column], column).not.toBeNull();
    }
    expect(r.particle_count).toBe(100);
    expect(Math.abs(Number(r.centroid_lat) - 68.9)).toBeLessThan(1);
    expect((r.centroid_time as Date).toISOString()).toBe("2016-02-01T18:00:00.000Z");
    expect(["Polygon", "MultiPolygon"]).toContain((r.search_area_90_geom as { type: string }).type);
    const contours = r.timestep_contours as { time_index: number; timestamp: string }[];
    expect(contours.length).toBe(7);
    expect(contours[6].timestamp).toBe("2016-02-01T18:00:00.000Z");

    // Every product is in the bucket, readable back.
    const bucket = "driftline-results";
    const products = r.products as Record<string, string>;
    expect(Object.keys(products).length).toBeGreaterThanOrEqual(12);
    for (const [name, uri] of Object.entries(products))
      expect(uri).toBe(`s3://${bucket}/${productKey(id, name as never)}`);
    const nc = Buffer.from(await s3.storage.get(bucket, `${id}/raw/particles.nc`));
    expect(["CDF", "\x89HD"]).toContain(nc.subarray(0, 3).toString("latin1"));
    const geojson = JSON.parse(
      Buffer.from(await s3.storage.get(bucket, `${id}/trajectories.geojson`)).toString(),
    );
    expect(geojson.type).toBe("FeatureCollection");
    expect(geojson.features[0].properties).toHaveProperty("trajectory_id");
    const png = Buffer.from(await s3.storage.get(bucket, `${id}/heatmap.png`));
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    const pdf = Buffer.from(await s3.storage.get(bucket, `${id}/report.pdf`));
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("takes forcing from the platform's environmental-data bucket; a job with only mission_id reads the row", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "driftline-forcing-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const bucket = "environmental-data";
    const put = async (key: string, file: string) =>
      s3.storage.put(bucket, key, await readFile(path.join(FORCING_DIR, file)), "application/x-netcdf");
    await put("wind/2016/02/01/00/synthetic_wind_20160201_lonlat.nc", "synthetic_wind_20160201_lonlat.nc");
    await put("ocean-currents/2016/02/01/12/Arctic20_1to5Feb_2016.nc", "Arctic20_1to5Feb_2016.nc");
    const queueName = startWorker({ FORCING_DIR: dir, FORCING_BUCKET: bucket });
    const id = await newMission(68.9, 14.0, "2016-02-01T12:00:00Z", 3);
    await redis.rpush(queueName, JSON.stringify({ mission_id: id }));
    const m = await waitFor(settled(id), "mission settled", 50_000, 250);
    expect(m.error_message).toBeNull();
    expect(m.status).toBe("completed");
    expect(JSON.stringify(m.forcing_sources)).toContain("Arctic20_1to5Feb_2016.nc");
    expect(existsSync(path.join(dir, bucket, "wind/2016/02/01/00/synthetic_wind_20160201_lonlat.nc"))).toBe(
      true,
    );
  });

  it("runs on on-scene wind and current alone when no forcing catalog is configured", async () => {
    const queueName = startWorker({});
    const id = await newMission(60, 3, "2016-02-01T12:00:00Z", 3);
    await redis.rpush(
      queueName,
      JSON.stringify({
        mission_id: id,
        params: {
          latitude: 60,
          longitude: 3,
          start_time: "2016-02-01T12:00:00Z",
          duration_hours: 3,
          num_particles: 50,
          object_type: "PIW",
          wind: { x: 0, y: -10 },
          current: { x: 0.2, y: 0 },
        },
      }),
    );
    const m = await waitFor(settled(id), "mission settled", 50_000, 250);
    expect(m.error_message).toBeNull();
    expect(m.status).toBe("completed");
  });

  it("fails, saying what is missing, when no forcing covers the mission and no on-scene values are given", async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), "driftline-empty-forcing-"));
    cleanups.push(() => rm(empty, { recursive: true, force: true }));
    const queueName = startWorker({ FORCING_DIR: empty });
    const id = await newMission(10, -30, "2020-06-01T00:00:00Z", 6);
    await redis.rpush(queueName, JSON.stringify({ mission_id: id }));
    const m = await waitFor(settled(id), "mission settled", 50_000, 250);
    expect(m.status).toBe("failed");
    expect(String(m.error_message)).toMatch(/^no wind forcing covers 30\.0W 10\.0N at 2020-06-01T00:00Z/);
    expect(m.attempts).toBe(1);
  });
});
