// The mission_results row of a finished run (resultRecord in src/service/worker/mission-job.ts): the figures
// the contract has no column for go to the additive `summary` column: each area's pieces, the most likely
// position's radius, the top three shore stretches from shore_stretches.geojson.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RunResult } from "../../src/pipeline/run.js";
import { resultRecord, topShoreStretches } from "../../src/service/worker/mission-job.js";
import { fakeRunner } from "./helpers.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "driftline-result-record-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function finishedRun(): Promise<RunResult> {
  const spec = {
    name: "record",
    object_type: 1,
    start_time: "2016-02-01T12:00:00Z",
    seed: { lon: 15.9, lat: 69.3, number: 100 },
  };
  const result = await fakeRunner()(spec, {
    outDir: path.join(dir, "run"),
    products: ["summary"],
    searchAreas: true,
  });
  const last = result.summary.searchAreas![result.summary.searchAreas!.length - 1];
  last.areas["50"]!.pieces = [
    { areaKm2: 30, areaNm2: 8.75, probability: 0.41 },
    { areaKm2: 5, areaNm2: 1.46, probability: 0.07 },
  ];
  last.mostLikely = {
    lon: 15.9,
    lat: 69.3,
    radiusKm: 2.5,
    bandwidthKm: 1.2,
    modeBandwidthKm: 1.2,
    landShare: 0,
  } as never;
  return result;
}

describe("resultRecord", () => {
  it("puts each area's pieces, the most likely radius and the top shore stretches in summary", async () => {
    const result = await finishedRun();
    const shoreFile = path.join(dir, "shore_stretches.geojson");
    const stretch = (rank: number, share: number) => ({
      type: "Feature",
      geometry: {
        type: "LineString",
        coordinates: [
          [16.0, 69.2 + rank / 100],
          [16.1, 69.21 + rank / 100],
          [16.2, 69.22 + rank / 100],
        ],
      },
      properties: {
        kind: "shore_stretch",
        rank,
        share,
        particles: rank * 3,
        first_time: "2016-02-02T03:00:00Z",
      },
    });
    writeFileSync(
      shoreFile,
      JSON.stringify({ type: "FeatureCollection", features: [1, 2, 3, 4].map((r) => stretch(r, 0.1 / r)) }),
    );
    result.files.shore = shoreFile;
    const record = resultRecord(result, {}, "worker-1", await topShoreStretches(result));
    const summary = record.summary as Record<string, unknown>;
    expect(summary.search_area_pieces).toMatchObject({
      "50": [
        { area_km2: 30, area_nm2: 8.75, probability: 0.41 },
        { area_km2: 5, area_nm2: 1.46, probability: 0.07 },
      ],
      "90": [],
      "95": [],
    });
    expect(summary.most_likely_radius_km).toBe(2.5);
    expect(summary.shore_stretches).toEqual(
      [1, 2, 3].map((rank) => ({
        rank,
        share: 0.1 / rank,
        particles: rank * 3,
        first_time: "2016-02-02T03:00:00Z",
        lon: 16.1,
        lat: 69.21 + rank / 100,
      })),
    );
  });

  it("says null where the run made no shore stretches", async () => {
    const result = await finishedRun();
    expect(await topShoreStretches(result)).toBeNull();
    const summary = resultRecord(result, {}, "worker-1").summary as Record<string, unknown>;
    expect(summary.shore_stretches).toBeNull();
  });
});
