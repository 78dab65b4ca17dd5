// The binned GSHHG reader: lazy reads, a clear error for a missing file, and decoding checked against the
// file's own corner levels (walking a bin's sides must reproduce every corner).
import { afterEach, describe, expect, it } from "vitest";
import { areaBins } from "../../src/coastline/area.js";
import { binShape, cross, levelAt } from "../../src/coastline/bin-shape.js";
import {
  BIN_COUNT,
  BUNDLED_GSHHG_FILE,
  binIndexOf,
  GshhgMissingError,
  gshhgPath,
  openGshhg,
  UNITS,
} from "../../src/coastline/gshhg.js";
import { prepareLandMask } from "../../src/coastline/landmask.js";

const TOTAL_POINTS = 10_995_687;

describe("GSHHG file", () => {
  const saved = process.env.GSHHG_FILE;
  afterEach(() => {
    if (saved === undefined) delete process.env.GSHHG_FILE;
    else process.env.GSHHG_FILE = saved;
  });

  it("reads only the bins a mission needs", async () => {
    // Without the disk cache: another test file of the run may have cached these bins' rasters, and then
    // nothing is read at all.
    const cache = process.env.DRIFTLINE_CACHE_DIR;
    process.env.DRIFTLINE_CACHE_DIR = "off";
    try {
      const f = await openGshhg();
      expect(f.pointsRead).toBe(0);
      await prepareLandMask({ west: 4.3, east: 6.3, south: 59.9, north: 60.9 });
      expect(f.pointsRead).toBeGreaterThan(0);
      expect(f.pointsRead / TOTAL_POINTS).toBeLessThan(0.02);
    } finally {
      if (cache === undefined) delete process.env.DRIFTLINE_CACHE_DIR;
      else process.env.DRIFTLINE_CACHE_DIR = cache;
    }
  });

  it("says what to do when the file is missing, and GSHHG_FILE overrides the bundled file", async () => {
    process.env.GSHHG_FILE = "/nonexistent/binned_GSHHS_f.nc";
    expect(gshhgPath()).toBe("/nonexistent/binned_GSHHS_f.nc");
    await expect(prepareLandMask({ west: 0, east: 1, south: 0, north: 1 })).rejects.toThrow(
      GshhgMissingError,
    );
    await expect(openGshhg()).rejects.toThrow(/from GSHHG_FILE.*Unset GSHHG_FILE.*gmt-gshhg-full/);
    delete process.env.GSHHG_FILE;
    expect(gshhgPath()).toBe(BUNDLED_GSHHG_FILE);
    expect(new GshhgMissingError(BUNDLED_GSHHG_FILE).message).toMatch(/comes with the package.*npm ci/);
  });

  it("maps positions to bins with 0..360 longitudes and rows from the north", () => {
    expect(binIndexOf(0.5, 89.5)).toBe(0);
    expect(binIndexOf(-0.5, 89.5)).toBe(359);
    expect(binIndexOf(180, 0.5)).toBe(89 * 360 + 180);
    expect(binIndexOf(-180, 0.5)).toBe(89 * 360 + 180);
    expect(binIndexOf(5.3, 60.4)).toBe(29 * 360 + 5);
    expect(binIndexOf(0, -90)).toBe(179 * 360);
    expect(areaBins({ west: 4.5, east: 6, south: 59.8, north: 61 }).sort((a, b) => a - b)).toEqual([
      29 * 360 + 4,
      29 * 360 + 5,
      30 * 360 + 4,
      30 * 360 + 5,
    ]);
    expect(areaBins({ west: 179.5, east: 180.5, south: 0, north: 0.5 })).toEqual([
      89 * 360 + 179,
      89 * 360 + 180,
    ]);
  });

  it("decodes segments consistently with every corner level of a sample of coastal bins", async () => {
    const f = await openGshhg();
    const coastal: number[] = [];
    for (let b = 0; b < BIN_COUNT; b++) if (f.binSegmentCount[b] > 0) coastal.push(b);
    expect(coastal.length).toBeGreaterThan(10_000);
    // Every 25th coastal bin: Norway to Antarctica, lakes, the antimeridian rows alike.
    const sample = coastal.filter((_, i) => i % 25 === 0);
    const bins = f.bins(sample);
    for (const lakes of ["land", "water"] as const) {
      for (const b of sample) {
        const shape = binShape(bins.get(b)!, lakes);
        let west = shape.corners[0];
        for (let k = 0; k < shape.westY.length; k++) west = cross(west, shape.westLevel[k]);
        expect(west, `bin ${b} west side`).toBe(shape.corners[3]);
        expect(levelAt(shape, UNITS - 1e-3, 1e-3), `bin ${b} SE`).toBe(shape.corners[1]);
        expect(levelAt(shape, UNITS - 1e-3, UNITS - 1e-3), `bin ${b} NE`).toBe(shape.corners[2]);
      }
    }
  });
});
