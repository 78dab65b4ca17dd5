import { describe, expect, it } from "vitest";
import { parseSimulationSpec } from "../../src/pipeline/spec.js";
import type { MissionRow } from "../../src/service/db/missions.js";
import { InvalidEnvelopeError, PermanentJobError } from "../../src/service/errors.js";
import { JobCapError, parseEnvelope, resolveJob, seedFromMissionId } from "../../src/service/job.js";
import { productKey } from "../../src/service/storage/keys.js";

const ID = "9b2f0c1e-5d6a-4b7c-8d9e-0f1a2b3c4d5e";
const CONTRACT_JOB = JSON.stringify({
  mission_id: ID,
  params: {
    latitude: 60.0,
    longitude: -3.0,
    start_time: "2024-01-01T12:00:00Z",
    duration_hours: 24,
    num_particles: 1000,
    object_type: 1,
  },
});

function row(over: Partial<MissionRow> = {}): MissionRow {
  return {
    id: ID,
    status: "queued",
    workerId: null,
    name: "Fishing boat overdue",
    lastKnownLat: 61,
    lastKnownLon: 4,
    lastKnownTime: "2024-02-01T06:00:00.000Z",
    objectType: "Life Raft",
    uncertaintyRadiusM: 500,
    forecastHours: 12,
    ensembleSize: 200,
    config: null,
    ...over,
  };
}

const resolve = (raw: string, r: MissionRow | null = null, catalog = true) =>
  resolveJob(parseEnvelope(raw), r, { catalog, maxParticleSteps: 500_000_000 });
const job = (params: Record<string, unknown>) => JSON.stringify({ mission_id: ID, params });

describe("job parsing", () => {
  it("turns the contract's job into a valid simulation spec with the old worker's defaults", () => {
    const r = resolve(CONTRACT_JOB);
    expect(r.spec).toEqual({
      name: `mission ${ID}`,
      object_type: 1,
      start_time: "2024-01-01T12:00:00.000Z",
      duration_hours: 24,
      time_step_seconds: 3600,
      output_step_seconds: 3600,
      seed: {
        lon: -3,
        lat: 60,
        time: "2024-01-01T12:00:00.000Z",
        radius_m: 100,
        radius_type: "gaussian",
        number: 1000,
      },
      forcing: { wind: { catalog: true }, current: { catalog: true } },
      random_seed: seedFromMissionId(ID),
      coastline: "stranding",
    });
    expect(r.particleSteps).toBe(24_000);
    expect(() => parseSimulationSpec(r.spec)).not.toThrow();
  });

  it("applies defaults for missing params: 1000 particles, 24 h, object type 1, 3600 s steps, 100 m", () => {
    const r = resolve(job({ latitude: 60, longitude: 5, start_time: "2024-01-01T00:00:00Z" }));
    expect(r.spec.seed.number).toBe(1000);
    expect(r.spec.duration_hours).toBe(24);
    expect(r.spec.object_type).toBe(1);
    expect(r.spec.time_step_seconds).toBe(3600);
    expect(r.spec.output_step_seconds).toBe(3600);
    expect(r.spec.seed.radius_m).toBe(100);
  });

  it("reads everything from the mission row when the job carries only mission_id", () => {
    const r = resolve(JSON.stringify({ mission_id: ID }), row());
    expect(r.spec.seed).toMatchObject({
      lat: 61,
      lon: 4,
      number: 200,
      radius_m: 500,
      time: "2024-02-01T06:00:00.000Z",
    });
    expect(r.spec.duration_hours).toBe(12);
    expect(r.category.key).toBe("LIFE-RAFT-DB-10");
    expect(r.spec.name).toBe("Fishing boat overdue");
    expect(() => parseSimulationSpec(r.spec)).not.toThrow();
  });

  it("reads the embedded API's extras from missions.config", () => {
    const config = {
      object_type_id: 26,
      backtracking: true,
      on_scene_wind: { x: 0, y: -10 },
      release: { endLat: 61.1, endLon: 4.2, endTime: "2024-02-01T05:00:00Z" },
    };
    const r = resolve(JSON.stringify({ mission_id: ID }), row({ config }));
    expect(r.spec.object_type).toBe(26);
    expect(r.spec.duration_hours).toBe(-12);
    expect(r.spec.time_step_seconds).toBe(-3600);
    expect(r.spec.seed.lat).toEqual([61, 61.1]);
    expect(r.spec.seed.time).toEqual(["2024-02-01T06:00:00.000Z", "2024-02-01T05:00:00.000Z"]);
    expect(r.spec.forcing.wind).toEqual([{ catalog: true }, { constant: { x: 0, y: -10 } }]);
    expect(() => parseSimulationSpec(r.spec)).not.toThrow();
  });

  it("passes compatibility from the job or missions.config into the spec, and refuses other values", () => {
    const fromJob = resolve(job({ latitude: 61, longitude: 4, compatibility: "opendrift" }));
    expect(fromJob.spec.compatibility).toBe("opendrift");
    expect(parseSimulationSpec(fromJob.spec).simulation.compatibility).toBe("opendrift");
    const fromRow = resolve(
      JSON.stringify({ mission_id: ID }),
      row({ config: { compatibility: "opendrift" } }),
    );
    expect(fromRow.spec.compatibility).toBe("opendrift");
    expect(resolve(job({ latitude: 61, longitude: 4 })).spec.compatibility).toBeUndefined();
    expect(() => resolve(job({ latitude: 61, longitude: 4, compatibility: "python" }))).toThrow(
      /params\.compatibility: must be "exact" or "opendrift"/,
    );
  });

  it("maps object type names, and prefers the row's name over the API's lossy 1", () => {
    expect(resolve(job({ latitude: 1, longitude: 1, object_type: "Fishing Vessel" })).spec.object_type).toBe(
      50,
    );
    expect(resolve(job({ latitude: 1, longitude: 1, object_type: "PIW" })).spec.object_type).toBe(1);
    const r = resolve(job({ latitude: 1, longitude: 1, object_type: 1 }), row({ objectType: "Small Boat" }));
    expect(r.spec.object_type).toBe(44);
    expect(r.notes.join()).toContain("Small Boat");
    expect(
      resolve(job({ latitude: 1, longitude: 1, object_type: 7 }), row({ objectType: "PIW" })).spec
        .object_type,
    ).toBe(7);
  });

  it("uses on-scene wind and current: alone without a catalog, as fallback behind it otherwise", () => {
    const p = { latitude: 60, longitude: 3, wind: { speed: 10, direction: 0 }, current: { x: 0.2, y: 0 } };
    const alone = resolve(job(p), null, false).spec.forcing;
    expect(alone.wind).toEqual({ constant: { x: 0, y: -10 } });
    expect(alone.current).toEqual({ constant: { x: 0.2, y: 0 } });
    const behind = resolve(job(p), null, true).spec.forcing;
    expect(behind.current).toEqual([{ catalog: true }, { constant: { x: 0.2, y: 0 } }]);
    const hinted = resolve(job({ ...p, forcing: { wind: { files: ["arome.nc"] } } })).spec.forcing;
    expect(hinted.wind).toEqual({ files: ["arome.nc"] });
  });

  it("takes a forcing ensemble in params.forcing (issue 21), checking every member's files", () => {
    const current = {
      ensemble: [[{ files: ["norkyst.nc"] }, { constant: { x: 0.2, y: 0 } }], { files: ["copernicus.nc"] }],
      weights: [2, 1],
    };
    const r = resolve(job({ latitude: 60, longitude: 3, forcing: { current } }));
    expect(r.spec.forcing.current).toEqual(current);
    const outside = { ensemble: [{ files: ["a.nc"] }, [{ catalog: true }, { files: ["/etc/passwd"] }]] };
    expect(() => resolve(job({ latitude: 60, longitude: 3, forcing: { current: outside } }))).toThrow(
      /params\.forcing\.current\.ensemble\.1\.1\.files\.0: must be a file name relative/,
    );
  });

  it("builds release lines and time windows", () => {
    const r = resolve(
      job({
        latitude: 60,
        longitude: 3,
        end_latitude: 60.5,
        end_longitude: 3.5,
        end_uncertainty_radius_m: 2000,
        start_time: "2024-01-01T00:00:00Z",
        end_time: "2024-01-01T03:00:00Z",
        duration_hours: 6,
        time_step_seconds: 600,
      }),
    );
    expect(r.spec.seed).toMatchObject({ lon: [3, 3.5], lat: [60, 60.5], radius_m: [100, 2000] });
    expect(r.spec.seed.time).toEqual(["2024-01-01T00:00:00.000Z", "2024-01-01T03:00:00.000Z"]);
    expect(() => parseSimulationSpec(r.spec)).not.toThrow();
  });

  it("accepts the platform's naive timestamps as UTC and picks a step that divides odd durations", () => {
    const r = resolve(
      job({ latitude: 1, longitude: 1, start_time: "2024-01-01T12:00:00", duration_hours: 1.5 }),
    );
    expect(r.spec.start_time).toBe("2024-01-01T12:00:00.000Z");
    expect(r.spec.time_step_seconds).toBe(1800);
    expect(() => parseSimulationSpec(r.spec)).not.toThrow();
  });

  it("is deterministic: the same job gives the same spec (and random seed)", () => {
    expect(resolve(CONTRACT_JOB).spec).toEqual(resolve(CONTRACT_JOB).spec);
  });

  const envelopeCases: [string, string, RegExp][] = [
    ["malformed JSON", '{"mission_id": ', /not valid JSON/],
    ["a JSON array", "[1,2]", /must be a JSON object/],
    ["no mission_id", JSON.stringify({ params: {} }), /mission_id: required/],
    ["non-UUID mission_id", JSON.stringify({ mission_id: "42" }), /mission_id: must be a UUID/],
    [
      "path traversal in mission_id",
      JSON.stringify({ mission_id: "../../etc/passwd" }),
      /mission_id: must be a UUID/,
    ],
    [
      "SQL in mission_id",
      JSON.stringify({ mission_id: "1'; DROP TABLE missions; --" }),
      /mission_id: must be a UUID/,
    ],
    ["params not an object", JSON.stringify({ mission_id: ID, params: [1] }), /params: must be an object/],
    [
      "over 1 MiB",
      JSON.stringify({ mission_id: ID, params: { name: "x".repeat(1_100_000) } }),
      /limit is 1048576/,
    ],
  ];
  it.each(envelopeCases)("dead-letters %s with a clear reason", (_name, raw, message) => {
    expect(() => parseEnvelope(raw)).toThrow(InvalidEnvelopeError);
    expect(() => parseEnvelope(raw)).toThrow(message);
  });

  const paramCases: [string, Record<string, unknown>, RegExp][] = [
    ["latitude out of range", { latitude: 91, longitude: 0 }, /params\.latitude: must be between -90 and 90/],
    [
      "longitude out of range",
      { latitude: 0, longitude: 400 },
      /params\.longitude: must be in \[-180, 360\)/,
    ],
    ["latitude as a string", { latitude: "60", longitude: 0 }, /params\.latitude: must be a number/],
    ["missing position", { start_time: "2024-01-01T00:00:00Z" }, /params\.latitude: required/],
    [
      "bad time",
      { latitude: 0, longitude: 0, start_time: "yesterday" },
      /params\.start_time: must be an RFC 3339 time/,
    ],
    [
      "impossible date",
      { latitude: 0, longitude: 0, start_time: "2024-02-31T00:00:00Z" },
      /params\.start_time/,
    ],
    [
      "time out of range",
      { latitude: 0, longitude: 0, start_time: "1700-01-01T00:00:00Z" },
      /between 1950 and 2100/,
    ],
    [
      "zero duration",
      { latitude: 0, longitude: 0, duration_hours: 0 },
      /params\.duration_hours: must not be zero/,
    ],
    [
      "huge duration",
      { latitude: 0, longitude: 0, duration_hours: 1e9 },
      /params\.duration_hours: must be at most 720/,
    ],
    ["negative particles", { latitude: 0, longitude: 0, num_particles: -5 }, /params\.num_particles/],
    [
      "fractional particles",
      { latitude: 0, longitude: 0, num_particles: 10.5 },
      /params\.num_particles: must be a whole number/,
    ],
    ["huge particles", { latitude: 0, longitude: 0, num_particles: 1e12 }, /params\.num_particles/],
    [
      "unknown object type",
      { latitude: 0, longitude: 0, object_type: "submarine" },
      /params\.object_type: unknown object type/,
    ],
    [
      "object type id out of range",
      { latitude: 0, longitude: 0, object_type: 99 },
      /params\.object_type: unknown object type 99/,
    ],
    ["wind with one component", { latitude: 0, longitude: 0, wind: { x: 3 } }, /params\.wind: give x and y/],
    [
      "wind with extra fields",
      { latitude: 0, longitude: 0, wind: { x: 3, y: 1, z: 2 } },
      /params\.wind: unknown field\(s\) z/,
    ],
    [
      "backtracking not a boolean",
      { latitude: 0, longitude: 0, backtracking: "yes" },
      /params\.backtracking: must be true or false/,
    ],
    [
      "half a release line",
      { latitude: 0, longitude: 0, end_latitude: 1 },
      /end_latitude\/end_longitude: give both/,
    ],
    [
      "end_time outside the run",
      { latitude: 0, longitude: 0, start_time: "2024-01-01T00:00:00Z", end_time: "2024-01-05T00:00:00Z" },
      /params\.end_time: must lie after start_time/,
    ],
    [
      "step that does not divide",
      { latitude: 0, longitude: 0, time_step_seconds: 7000 },
      /params\.time_step_seconds: 7000 s does not divide/,
    ],
    [
      "forcing file outside the forcing dir",
      { latitude: 0, longitude: 0, forcing: { wind: { files: ["../../etc/passwd"] } } },
      /params\.forcing\.wind\.files\.0: must be a file name relative/,
    ],
  ];
  it.each(paramCases)("fails the mission for %s, naming the field", (_name, params, message) => {
    expect(() => resolve(job(params))).toThrow(PermanentJobError);
    expect(() => resolve(job(params))).toThrow(message);
  });

  it("names the mission row's column when the bad value came from the row", () => {
    expect(() => resolve(JSON.stringify({ mission_id: ID }), row({ lastKnownLat: 123 }))).toThrow(
      /missions\.last_known_lat: must be between -90 and 90/,
    );
    expect(() => resolve(JSON.stringify({ mission_id: ID }), row({ objectType: "Zeppelin" }))).toThrow(
      /missions\.object_type: unknown object type/,
    );
  });

  it("refuses jobs over the particle-step cap before any work, naming the cap", () => {
    const raw = job({
      latitude: 0,
      longitude: 0,
      num_particles: 5_000_000,
      duration_hours: 720,
      time_step_seconds: 60,
    });
    expect(() => resolveJob(parseEnvelope(raw), null, { catalog: true, maxParticleSteps: 1e9 })).toThrow(
      JobCapError,
    );
    expect(() => resolveJob(parseEnvelope(raw), null, { catalog: true, maxParticleSteps: 1e9 })).toThrow(
      /MAX_PARTICLE_STEPS=1,000,000,000/,
    );
  });

  it("ignores unknown fields (newer platforms) but reports them", () => {
    const r = resolve(
      JSON.stringify({ mission_id: ID, priority: 5, params: { latitude: 1, longitude: 2, colour: "red" } }),
    );
    expect(r.notes.join()).toContain("priority");
    expect(r.notes.join()).toContain("params.colour");
  });

  it("builds object keys only from UUIDs", () => {
    expect(productKey(ID, "netcdf")).toBe(`${ID}/raw/particles.nc`);
    expect(productKey(ID, "trajectories")).toBe(`${ID}/trajectories.geojson`);
    expect(productKey(ID, "png")).toBe(`${ID}/heatmap.png`);
    expect(productKey(ID, "pdf")).toBe(`${ID}/report.pdf`);
    expect(productKey(ID, "kmz")).toBe(`${ID}/mission.kmz`);
    expect(() => productKey("../x", "pdf")).toThrow(/not a UUID/);
  });
});
