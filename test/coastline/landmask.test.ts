// The raster land mask: agreement with the reference points, known places worldwide, the antimeridian,
// the poles, points outside the prepared area, nearest sea point, disk cache.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openGshhg } from "../../src/coastline/gshhg.js";
import {
  haversineM,
  prepareLandMask,
  RasterLandMask,
  setTileCacheBudget,
} from "../../src/coastline/landmask.js";
import { have } from "../helpers/needs.js";

const REFERENCE = fileURLToPath(new URL("../../../shared/data/landmask/", import.meta.url));
const SHARED = await have(
  "test/coastline/landmask.test.ts: the reference points of ../shared/data/landmask",
  "shared-dir",
);
const tmp = mkdtempSync(join(tmpdir(), "driftline-landmask-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function readReference(file: string): { lon: number; lat: number; land: number }[] {
  return readFileSync(join(REFERENCE, file), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const [lon, lat, land] = line.split(",").map(Number);
      return { lon, lat, land };
    });
}

/** Deterministic uniform numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let world: RasterLandMask;
let worldLakesWater: RasterLandMask;
beforeAll(async () => {
  const file = await openGshhg();
  world = new RasterLandMask(file, null);
  worldLakesWater = new RasterLandMask(file, null, { lakes: "water" });
});

describe("agreement with the reference points", () => {
  const files = SHARED ? readdirSync(REFERENCE).filter((f) => f.endsWith(".csv")) : [];
  it.runIf(SHARED)("has reference files", () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    it(`agrees on at least 98 % of ${file}`, async () => {
      const rows = readReference(file);
      const area = {
        west: Math.min(...rows.map((r) => r.lon)),
        east: Math.max(...rows.map((r) => r.lon)),
        south: Math.min(...rows.map((r) => r.lat)),
        north: Math.max(...rows.map((r) => r.lat)),
      };
      const mask = await prepareLandMask(area);
      let agree = 0;
      for (const r of rows) if (+mask.isLand(r.lon, r.lat) === r.land) agree++;
      const percent = (100 * agree) / rows.length;
      console.log(`landmask agreement ${file}: ${percent.toFixed(2)} % of ${rows.length} points`);
      expect(percent).toBeGreaterThanOrEqual(98);
      expect(mask.stats.extraTiles).toBe(0);
    });
  }

  it("matches the exact polygons on all but the points within a cell of the shore", async () => {
    const mask = await prepareLandMask({ west: 4.5, east: 6, south: 59.8, north: 61 });
    const rnd = random(7);
    let agree = 0;
    const n = 3000;
    for (let i = 0; i < n; i++) {
      const lon = 4.5 + rnd() * 1.5;
      const lat = 59.8 + rnd() * 1.2;
      if (mask.isLand(lon, lat) === (mask.levelAt(lon, lat) & 1) > 0) agree++;
    }
    expect(agree / n).toBeGreaterThan(0.995);
  });
});

describe("known places", () => {
  const places: [string, number, number, boolean][] = [
    ["Bergen city centre", 5.33, 60.39, true],
    ["Byfjorden off Bergen", 5.28, 60.42, false],
    ["North Sea", 3, 58, false],
    ["Oslo", 10.8, 59.95, true],
    ["Sydney Harbour (Port Jackson)", 151.25, -33.85, false],
    ["central Australia", 134, -25, true],
    ["equatorial Pacific", -150, 0, false],
    ["New York Upper Bay", -74.04, 40.67, false],
    ["Manhattan", -73.97, 40.78, true],
    ["Strait of Gibraltar", -5.6, 35.95, false],
    ["Table Bay, Cape Town", 18.43, -33.88, false],
    ["Guanabara Bay, Rio", -43.16, -22.82, false],
    ["Victoria Harbour, Hong Kong", 114.17, 22.29, false],
    ["Longyearbyen, Svalbard", 15.6, 78.15, true],
    ["Isfjorden, Svalbard", 14.5, 78.2, false],
    ["North Pole", 0, 90, false],
    ["South Pole", 0, -90, true],
    ["East Antarctica", 45, -85, true],
    ["Ross Sea", -175, -75, false],
    ["Ross Ice Shelf (ice front is the coast)", 180, -80, true],
    ["Viti Levu, Fiji", 178, -17.8, true],
    ["Taveuni west of 180°", 179.95, -16.9, true],
    ["Taveuni east of 180°", -179.9, -16.8, true],
    ["Somosomo Strait", 179.85, -16.8, false],
    ["Wrangel Island", -179.5, 71.2, true],
    ["Chukotka", 179, 67, true],
    ["Bering Sea", 179.5, 60, false],
  ];
  for (const [name, lon, lat, land] of places) {
    it(`${name} (${lon}, ${lat}) is ${land ? "land" : "sea"}`, () => {
      expect(world.isLand(lon, lat)).toBe(land);
      expect(world.levelAt(lon, lat) & 1).toBe(land ? 1 : 0);
    });
  }

  it("counts lakes as land by default and as water on request", () => {
    expect(world.isLand(13.3, 58.9)).toBe(true); // Vänern
    expect(world.isLand(-87.5, 47.7)).toBe(true); // Lake Superior
    expect(worldLakesWater.isLand(13.3, 58.9)).toBe(false);
    expect(worldLakesWater.isLand(-87.5, 47.7)).toBe(false);
    expect(worldLakesWater.levelAt(-87.5, 47.7)).toBe(2);
    expect(worldLakesWater.isLand(-88.9, 48.0)).toBe(true); // Isle Royale, an island in the lake
    expect(worldLakesWater.levelAt(-88.9, 48.0)).toBe(3);
  });
});

describe("longitude and latitude edges", () => {
  it("gives the same answer for longitudes 360° apart, and for 180 and -180", () => {
    const rnd = random(3);
    for (let i = 0; i < 2000; i++) {
      const lon = 179.7 + rnd() * 0.6;
      const lat = -17.1 + rnd() * 0.5;
      const a = world.isLand(lon, lat);
      expect(world.isLand(lon - 360, lat)).toBe(a);
      expect(world.isLand(lon + 360, lat)).toBe(a);
    }
    for (const lat of [-80, -16.82, 0, 65.5, 71.2])
      expect(world.isLand(180, lat)).toBe(world.isLand(-180, lat));
  });

  it("shows Taveuni as one island across the antimeridian", () => {
    // A row through the island: land on both sides of 180° with no gap at the meridian.
    const row: boolean[] = [];
    for (let lon = 179.9; lon <= 180.15; lon += 0.005) row.push(world.isLand(lon, -16.82));
    const first = row.indexOf(true);
    const last = row.lastIndexOf(true);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(row.slice(first, last + 1).every(Boolean)).toBe(true);
    expect(179.9 + first * 0.005).toBeLessThan(180);
    expect(179.9 + last * 0.005).toBeGreaterThan(180);
  });

  it("answers at and beyond the poles and for NaN", () => {
    expect(world.isLand(123, 90)).toBe(false);
    expect(world.isLand(123, 91)).toBe(false);
    expect(world.isLand(-77, -90)).toBe(true);
    expect(world.isLand(-77, -95)).toBe(true);
    expect(world.isLand(Number.NaN, 60)).toBe(false);
    expect(world.isLand(5, Number.NaN)).toBe(false);
  });

  it("answers points outside the prepared area correctly, building their bin on demand", async () => {
    const mask = await prepareLandMask({ west: 5, east: 5.5, south: 60.2, north: 60.5 });
    expect(mask.stats.tiles).toBe(1);
    expect(mask.isLand(5.33, 60.39)).toBe(true);
    expect(mask.stats.extraTiles).toBe(0);
    // Lofoten: far outside the area.
    expect(mask.isLand(14.2, 68.15)).toBe(world.isLand(14.2, 68.15));
    expect(mask.isLand(14.0, 68.05)).toBe(world.isLand(14.0, 68.05));
    expect(mask.isLand(14.0, 68.05)).toBe(false); // Vestfjorden
    expect(mask.stats.extraTiles).toBe(1);
  });

  it("prepares an area across the antimeridian", async () => {
    const mask = await prepareLandMask({ west: 179, east: -179, south: -17.5, north: -16 });
    expect(mask.stats.tiles).toBeGreaterThanOrEqual(2);
    expect(mask.isLand(-179.9, -16.8)).toBe(true);
    expect(mask.isLand(179.95, -16.9)).toBe(true);
    expect(mask.stats.extraTiles).toBe(0);
  });

  it("rejects a bad area with the field named", async () => {
    await expect(prepareLandMask({ west: 0, east: 1, south: 10, north: 5 })).rejects.toThrow(
      /south 10 and north 5/,
    );
    await expect(prepareLandMask({ west: Number.NaN, east: 1, south: 0, north: 1 })).rejects.toThrow(
      /area.west/,
    );
    await expect(
      prepareLandMask({ west: 0, east: 1, south: 0, north: 1 }, { cellsPerDegree: 1000 }),
    ).rejects.toThrow(/cellsPerDegree/);
  });
});

describe("nearestSea", () => {
  it("returns the point itself at sea", () => {
    expect(world.nearestSea(3, 58, 1000)).toEqual({ lon: 3, lat: 58, distanceM: 0 });
  });

  it("moves a point on land to the nearest sea cell", () => {
    const p = world.nearestSea(5.33, 60.39, 5000)!;
    expect(p).not.toBeNull();
    expect(world.isLand(p.lon, p.lat)).toBe(false);
    expect(p.distanceM).toBeGreaterThan(0);
    expect(p.distanceM).toBeLessThan(1500);
    expect(haversineM(5.33, 60.39, p.lon, p.lat)).toBeCloseTo(p.distanceM, 3);
    // Nothing closer: every sampled point nearer than the answer is land.
    const rnd = random(5);
    for (let i = 0; i < 3000; i++) {
      const lon = 5.33 + (rnd() - 0.5) * 0.05;
      const lat = 60.39 + (rnd() - 0.5) * 0.025;
      if (haversineM(5.33, 60.39, lon, lat) < p.distanceM - 40) expect(world.isLand(lon, lat)).toBe(true);
    }
  });

  it("returns null when no sea is within reach, quickly even at the South Pole", () => {
    expect(world.nearestSea(45, -85, 10_000)).toBeNull();
    const t = performance.now();
    expect(world.nearestSea(0, -89.95, 50_000)).toBeNull();
    expect(performance.now() - t).toBeLessThan(5000);
  });

  it("works across the antimeridian and returns longitudes in [-180, 180)", () => {
    const p = world.nearestSea(-179.99, -16.85, 20_000)!;
    expect(p).not.toBeNull();
    expect(p.lon).toBeGreaterThanOrEqual(-180);
    expect(p.lon).toBeLessThan(180);
    expect(world.isLand(p.lon, p.lat)).toBe(false);
  });
});

describe("bounded preparation and hand-over to worker threads", () => {
  it("builds at most maxPreparedTiles up front, nearest the centre first, and the rest on use", async () => {
    const area = { west: 4, east: 12, south: 58, north: 64 };
    const mask = await prepareLandMask(area, { maxPreparedTiles: 3 });
    expect(mask.stats.tiles).toBe(3);
    expect(mask.isLand(8.5, 61.5)).toBe(true); // centre bin (Jotunheimen): prepared
    expect(mask.stats.extraTiles).toBe(0);
    expect(mask.isLand(5.28, 60.42)).toBe(false); // Bergen: built on demand
    expect(mask.stats.extraTiles).toBe(1);
  });

  it("exports its rasters as plain data and rebuilds an identical mask from them", async () => {
    const area = { west: 4.5, east: 6, south: 59.8, north: 61 };
    const mask = await prepareLandMask(area);
    const copy = await RasterLandMask.fromData(structuredClone(mask.exportData()));
    expect(copy.stats.tiles).toBe(mask.stats.tiles);
    const rnd = random(13);
    for (let i = 0; i < 20_000; i++) {
      const lon = 4.5 + rnd() * 1.5;
      const lat = 59.8 + rnd() * 1.2;
      expect(copy.isLand(lon, lat)).toBe(mask.isLand(lon, lat));
    }
    expect(copy.stats.extraTiles).toBe(0);
  });
});

describe("disk cache", () => {
  it("is prepareLandMask's default (DRIFTLINE_CACHE_DIR): a second mask reads no shoreline for cached bins", async () => {
    const dir = mkdtempSync(join(tmpdir(), "driftline-cache-"));
    const before = process.env.DRIFTLINE_CACHE_DIR;
    process.env.DRIFTLINE_CACHE_DIR = dir;
    try {
      const area = { west: 7.1, east: 7.8, south: 62.6, north: 63.3 };
      const a = await prepareLandMask(area, { cellsPerDegree: 1024 });
      expect(a.stats.tiles).toBeGreaterThan(0);
      const [folder] = readdirSync(dir);
      expect(readdirSync(join(dir, folder)).filter((f) => f.endsWith(".tile")).length).toBe(a.stats.tiles);
      // Only whole entries: no temporary file left behind.
      expect(readdirSync(join(dir, folder)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
      setTileCacheBudget(0);
      const file = await openGshhg();
      const read = file.pointsRead;
      const b = await prepareLandMask(area, { cellsPerDegree: 1024 });
      setTileCacheBudget(256 * 2 ** 20);
      expect(b.stats.tiles).toBe(a.stats.tiles);
      expect(file.pointsRead).toBe(read);
      const off = await prepareLandMask(area, { cellsPerDegree: 1024, cacheDir: null });
      const rnd = random(17);
      for (let i = 0; i < 5_000; i++) {
        const lon = 7.1 + rnd() * 0.7;
        const lat = 62.6 + rnd() * 0.7;
        expect(b.isLand(lon, lat)).toBe(off.isLand(lon, lat));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      if (before === undefined) delete process.env.DRIFTLINE_CACHE_DIR;
      else process.env.DRIFTLINE_CACHE_DIR = before;
    }
  });

  it("writes rasters and reads them back identically", async () => {
    const area = { west: 5, east: 5.9, south: 60.1, north: 60.9 };
    const a = await prepareLandMask(area, { cacheDir: tmp, cellsPerDegree: 2048 });
    const dirs = readdirSync(tmp);
    expect(dirs.length).toBe(1);
    expect(readdirSync(join(tmp, dirs[0])).filter((f) => f.endsWith(".tile")).length).toBe(a.stats.tiles);
    setTileCacheBudget(0); // forget the in-memory copies: the next mask must read the disk
    const b = await prepareLandMask(area, { cacheDir: tmp, cellsPerDegree: 2048 });
    setTileCacheBudget(256 * 2 ** 20);
    const rnd = random(11);
    for (let i = 0; i < 20_000; i++) {
      const lon = 5 + rnd() * 0.9;
      const lat = 60.1 + rnd() * 0.8;
      expect(b.isLand(lon, lat)).toBe(a.isLand(lon, lat));
    }
  });
});
