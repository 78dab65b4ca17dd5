// Weighted scenarios through the worker's job params: mapped onto the simulation spec, the contract's fields
// unchanged, every bad value named by its field.
import { describe, expect, it } from "vitest";
import { parseSimulationSpec } from "../../src/pipeline/spec.js";
import { PermanentJobError } from "../../src/service/errors.js";
import { parseEnvelope, resolveJob } from "../../src/service/job.js";

const ID = "9b2f0c1e-5d6a-4b7c-8d9e-0f1a2b3c4d5e";
const resolve = (params: Record<string, unknown>) =>
  resolveJob(parseEnvelope(JSON.stringify({ mission_id: ID, params })), null, { catalog: false });
const CONTRACT = {
  latitude: 60.0,
  longitude: 3.0,
  start_time: "2024-01-01T12:00:00Z",
  duration_hours: 24,
  num_particles: 1000,
  object_type: 1,
  wind: { x: 0, y: -8 },
  current: { x: 0.2, y: 0 },
};
const error = (params: Record<string, unknown>): string => {
  try {
    resolve(params);
  } catch (e) {
    if (e instanceof PermanentJobError) return e.message;
    throw e;
  }
  return "";
};

describe("job params with scenarios", () => {
  it("become the spec's scenarios: a raft at the position, a person along a line an hour later", () => {
    const { spec } = resolve({
      ...CONTRACT,
      uncertainty_radius_m: 300,
      scenarios: [
        { name: "raft", weight: 0.6, object_type: "Life Raft", latitude: 60, longitude: 3 },
        {
          name: "person",
          weight: 0.4,
          object_type: "PIW",
          latitude: 60.0,
          longitude: 3.1,
          end_latitude: 60.1,
          end_longitude: 3.2,
          start_time: "2024-01-01T13:00:00Z",
          end_time: "2024-01-01T15:00:00Z",
          uncertainty_radius_m: 1000,
        },
        {
          name: "area",
          object_type: 1,
          polygon: [
            [3, 60],
            [3.2, 60],
            [3.1, 60.1],
          ],
        },
      ],
    });
    expect(spec.seed).toEqual({ number: 1000 });
    expect(spec.scenarios).toEqual([
      {
        name: "raft",
        weight: 0.6,
        object_type: "Life Raft",
        release: { lon: 3, lat: 60, time: "2024-01-01T12:00:00.000Z", radius_m: 300 },
      },
      {
        name: "person",
        weight: 0.4,
        object_type: "PIW",
        release: {
          lon: [3.1, 3.2],
          lat: [60, 60.1],
          time: ["2024-01-01T13:00:00.000Z", "2024-01-01T15:00:00.000Z"],
          radius_m: [1000, 1000],
        },
      },
      {
        name: "area",
        object_type: 1,
        release: {
          polygon: [
            [3, 60],
            [3.2, 60],
            [3.1, 60.1],
          ],
          time: "2024-01-01T12:00:00.000Z",
        },
      },
    ]);
    const parsed = parseSimulationSpec(spec);
    expect(
      parsed.scenarios?.map((s) => [s.category.key, s.weight.toFixed(4), s.simulation.release.number]),
    ).toEqual([
      ["LIFE-RAFT-DB-10", "0.3000", 300],
      ["PIW-1", "0.2000", 200],
      ["PIW-1", "0.5000", 500],
    ]);
  });

  it("need no position of their own (the first scenario's is the mission's)", () => {
    const { latitude: _a, longitude: _b, ...rest } = CONTRACT;
    const { spec } = resolve({ ...rest, scenarios: [{ latitude: 61, longitude: 4 }] });
    expect(parseSimulationSpec(spec).simulation.release.lat).toEqual([61, 61]);
  });

  it("leave a job without scenarios as it was", () => {
    const { spec } = resolve(CONTRACT);
    expect(spec.scenarios).toBeUndefined();
    expect(spec.seed.lon).toBe(3);
  });

  it("name each bad field", () => {
    expect(error({ ...CONTRACT, scenarios: [{ latitude: 95, longitude: 3 }] })).toMatch(
      /params\.scenarios\.0\.latitude: /,
    );
    expect(error({ ...CONTRACT, scenarios: [{ latitude: 60 }] })).toMatch(
      /params\.scenarios\.0\.longitude: required \(or give a polygon\)/,
    );
    expect(
      error({
        ...CONTRACT,
        scenarios: [
          {
            latitude: 60,
            longitude: 3,
            polygon: [
              [3, 60],
              [4, 60],
              [3, 61],
            ],
          },
        ],
      }),
    ).toMatch(/params\.scenarios\.0\.latitude: not used with a polygon/);
    expect(error({ ...CONTRACT, scenarios: [{ latitude: 60, longitude: 3, weight: 0 }] })).toMatch(
      /params\.scenarios\.0\.weight: must be positive/,
    );
    expect(error({ ...CONTRACT, scenarios: [{ latitude: 60, longitude: 3, colour: "red" }] })).toMatch(
      /params\.scenarios\.0: unknown field\(s\) colour/,
    );
    expect(error({ ...CONTRACT, scenarios: [] })).toMatch(
      /params\.scenarios: must hold at least one scenario/,
    );
  });
});
