// Calibration over many tracks (issue 23 item 3): hit rate against p per forcing and region. A forecast of the
// very process that made the drifters (same forcing, other random draws) must come out near the diagonal; a
// directory run through the CLI writes calibration.json/.csv and the reliability diagram.
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runSimulationSpec } from "../../src/pipeline/run.js";
import { calibrate, RELIABILITY_PS, regionOf } from "../../src/validation/calibration.js";
import type { DrifterValidation } from "../../src/validation/metrics.js";
import { readTracks } from "../../src/validation/tracks/index.js";
import { driftline } from "../helpers/cli.js";
import { have } from "../helpers/needs.js";
import { FORCING_DIR, REFERENCE_DIR } from "../helpers/reference.js";

const SHARED = await have(
  "test/validation/calibration.test.ts: ROMS Nordic and Arctic20 forcing",
  "shared-dir",
);
const tmp = (name: string) => mkdtemp(path.join(os.tmpdir(), `driftline-calibration-${name}-`));

function drifter(ranks: number[], lon = 13, lat = 67): DrifterValidation {
  const hit = { hits: 0, n: 0, rate: null };
  const skill = { s: 0.5, ss: 0.5, unclipped: 0.5 };
  return {
    id: "x",
    firstTime: 0,
    lastTime: 0,
    observedKm: 1,
    points: [0, ...ranks].map((rank) => ({
      time: 0,
      hours: 0,
      observedLon: lon,
      observedLat: lat,
      centroidKm: 0,
      mostLikelyKm: 0,
      rank,
      inside: { "50": null, "90": null, "95": null },
    })),
    leads: [],
    skillCentroid: skill,
    skillMostLikely: skill,
    sums: { separationKm: 0, lengthKm: 0, n: 0 },
    hitRates: { "50": hit, "90": hit, "95": hit },
    meanRank: null,
  };
}

describe("calibration", () => {
  it("uniform ranks lie on the diagonal; groups per forcing, then per region when there are several", () => {
    const uniform = Array.from({ length: 1000 }, (_, i) => (i + 0.5) / 1000);
    const groups = calibrate([
      { forcing: "A", file: "a.csv", drifter: drifter(uniform) },
      {
        forcing: "A",
        file: "b.csv",
        drifter: drifter(
          uniform.map((r) => r ** 0.5),
          -20,
          40,
        ),
      },
      { forcing: "B", file: "a.csv", drifter: drifter(uniform.map((r) => r ** 0.5)) },
    ]);
    expect(groups.map((g) => `${g.forcing} ${g.region}`)).toEqual([
      "A all",
      "A 10°E–15°E 65°N–70°N",
      "A 20°W–15°W 40°N–45°N",
      "B all",
    ]);
    const onDiagonal = groups[1].reliability;
    expect(onDiagonal.map((r) => r.p)).toEqual(RELIABILITY_PS);
    for (const r of onDiagonal) expect(r.hitRate).toBeCloseTo(r.p / 100, 2);
    // Ranks pushed towards 1 (observations in thin tails): areas too small, the curve below the diagonal.
    expect(groups[3].reliability.find((r) => r.p === 50)!.hitRate).toBeCloseTo(0.25, 2);
    expect(groups[1].meanRank).toBeCloseTo(0.5, 6);
    expect(regionOf(-0.1, -0.1)).toBe("5°W–0°E 5°S–0°N");
  });

  it.runIf(SHARED)(
    "a directory of drifters: the forecast with the drifters' own forcing is near the diagonal (CLI, two forcings)",
    async () => {
      // 8 drifters from the ROMS Nordic scenario (random seed 7), in two files: 4 in particles.nc, 4 as CSV.
      const base = JSON.parse(
        readFileSync(path.join(REFERENCE_DIR, "roms-nordic-public/scenario.json"), "utf8"),
      );
      const obsSpec = {
        ...base,
        duration_hours: 12,
        random_seed: 7,
        seed: { ...base.seed, number: 8, radius_m: 500 },
      };
      const runDir = await tmp("observed");
      await runSimulationSpec(obsSpec, {
        outDir: runDir,
        forcingDir: FORCING_DIR,
        products: ["netcdf"],
        threads: 1,
      });
      const tracks = await readTracks(path.join(runDir, "particles.nc"));
      const dir = await tmp("tracks");
      const csv = (list: typeof tracks) =>
        `time,lon,lat,id\n${list.flatMap((t) => Array.from(t.times, (time, i) => `${new Date(time * 1000).toISOString()},${t.lon[i]},${t.lat[i]},${t.id}`)).join("\n")}\n`;
      writeFileSync(path.join(dir, "a.csv"), csv(tracks.slice(0, 4)));
      writeFileSync(path.join(dir, "b.csv"), csv(tracks.slice(4)));
      writeFileSync(path.join(dir, "notes.txt"), "drifters of 3 February\n");
      const specDir = await tmp("specs");
      const same = {
        ...base,
        name: "roms",
        duration_hours: 12,
        seed: { ...base.seed, number: 200, radius_m: 0 },
      };
      const other = {
        ...same,
        name: "arctic20",
        forcing: { ...base.forcing, current: { files: ["Arctic20_1to5Feb_2016.nc"] } },
      };
      writeFileSync(path.join(specDir, "roms.json"), JSON.stringify(same));
      writeFileSync(path.join(specDir, "arctic20.json"), JSON.stringify(other));
      const out = await tmp("out");
      const r = await driftline([
        "validate",
        path.join(specDir, "roms.json"),
        path.join(specDir, "arctic20.json"),
        "--observed",
        dir,
        "--forcing-dir",
        FORCING_DIR,
        "--out",
        out,
        "--threads",
        "1",
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/skipped notes\.txt/);
      const json = JSON.parse(readFileSync(path.join(out, "calibration.json"), "utf8"));
      const all = json.groups.filter((g: { region: string }) => g.region === "all");
      expect(all.map((g: { forcing: string }) => g.forcing)).toEqual([
        "wind: synthetic_wind_20160201_lonlat.nc; current: Nordic_subset.nc",
        "wind: synthetic_wind_20160201_lonlat.nc; current: Arctic20_1to5Feb_2016.nc",
      ]);
      const [roms, arctic] = all;
      // The stranded drifters end their tracks early: at most 8 × 12 observations.
      expect(roms.observations).toBeGreaterThan(40);
      const at = (g: { reliability: { p: number; hitRate: number }[] }, p: number) =>
        g.reliability.find((x) => x.p === p)!.hitRate;
      // Same process: near the diagonal (8 drifters, correlated in time: generous bounds).
      expect(at(roms, 90)).toBeGreaterThan(0.7);
      expect(Math.abs(roms.meanRank - 0.5)).toBeLessThan(0.2);
      console.log(
        `calibration, 8 ROMS drifters 12 h: ROMS forecast inside 50/90/95 % ${[50, 90, 95].map((p) => at(roms, p).toFixed(2)).join("/")} (mean rank ${roms.meanRank.toFixed(2)}); ` +
          `Arctic20 forecast ${[50, 90, 95].map((p) => at(arctic, p).toFixed(2)).join("/")} (mean rank ${arctic.meanRank.toFixed(2)})`,
      );
      expect(readFileSync(path.join(out, "calibration.csv"), "utf8").split("\n")[0]).toMatch(
        /^forcing,region,drifters,observations,hit_rate_p5,/,
      );
      expect(readFileSync(path.join(out, "reliability.png")).subarray(1, 4).toString()).toBe("PNG");
    },
    600_000,
  );
});
