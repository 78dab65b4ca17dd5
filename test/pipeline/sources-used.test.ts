// The mission's forcing list names only the sources that covered particles (issue 19).
import { describe, expect, it } from "vitest";
import { constantSource } from "../../src/core/constant-source.js";
import type { Trajectory } from "../../src/core/trajectory.js";
import { type ForcingSource, Status } from "../../src/core/types.js";
import { sourcesThatCovered } from "../../src/pipeline/sources-used.js";

/** Data east of `west` only, like a model file whose box the particles may or may not reach. */
function eastOf(west: number, name: string): ForcingSource {
  return {
    name,
    timeRange: [0, 1e10],
    coverageText: `east of ${west}`,
    sample(_time, lon, _lat, count, need, u, v) {
      for (let i = 0; i < count; i++) {
        if (need[i] === 1 && lon[i] >= west) {
          u[i] = 1;
          v[i] = 0;
          need[i] = 0;
        }
      }
    },
  };
}

/** Three particles at two times, drifting from 4°E to 6°E; the third strands at once. */
const trajectory = {
  n: 3,
  times: Float64Array.of(0, 3600),
  lon: Float32Array.of(4, 4.5, 4, 5, 6, 4),
  lat: Float32Array.of(60, 60, 60, 60, 60, 60),
  status: Uint8Array.of(
    Status.active,
    Status.active,
    Status.stranded,
    Status.active,
    Status.active,
    Status.stranded,
  ),
} as unknown as Trajectory;

describe("sourcesThatCovered", () => {
  it("names the sources in priority order that served afloat particles, not those they never reached", () => {
    const model = eastOf(5.5, "model.nc");
    const far = eastOf(20, "far-away.nc");
    const onScene = constantSource(0, -10);
    const current = constantSource(0.1, 0);
    const behindCurrent = constantSource(0, 0.1, "never used");
    const used = sourcesThatCovered(
      { wind: [far, model, onScene], current: [current, behindCurrent] },
      trajectory,
    );
    expect([...used].map((s) => s.name).sort()).toEqual([
      "constant 0,-10 m/s",
      "constant 0.1,0 m/s",
      "model.nc",
    ]);
  });

  it("asks every particle: a source that covered one particle out of 20,000 is named", () => {
    const n = 20_000;
    const lon = new Float32Array(2 * n).fill(4);
    lon[n + 12_345] = 7; // one particle, at the second time only, reaches the model's box
    const many = {
      n,
      times: Float64Array.of(0, 3600),
      lon,
      lat: new Float32Array(2 * n).fill(60),
      status: new Uint8Array(2 * n).fill(Status.active),
    } as unknown as Trajectory;
    const model = eastOf(6.5, "model.nc");
    const used = sourcesThatCovered({ wind: [model, constantSource(0, -10)], current: [] }, many);
    expect([...used].map((s) => s.name)).toContain("model.nc");
  });
});
