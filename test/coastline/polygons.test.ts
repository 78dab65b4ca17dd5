// Land polygons for maps: the same coastline as the mask, clipped to the area, across the antimeridian,
// with lakes as holes when lakes count as water.
import { beforeAll, describe, expect, it } from "vitest";
import { coastlinePolygons, prepareLandMask, type RasterLandMask } from "../../src/coastline/landmask.js";
import type { Position } from "../../src/coastline/polygons.js";
import { pointInRing } from "../../src/core/rings.js";

const boxes = new WeakMap<Position[], [number, number, number, number]>();
function box(r: Position[]): [number, number, number, number] {
  let b = boxes.get(r);
  if (!b) {
    b = [
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ];
    for (const [x, y] of r) b = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)];
    boxes.set(r, b);
  }
  return b;
}

function inRing(lon: number, lat: number, r: Position[]): boolean {
  const [w, s, e, n] = box(r);
  return lon >= w && lon <= e && lat >= s && lat <= n && pointInRing(lon, lat, r);
}

function inLand(polys: Position[][][], lon: number, lat: number): boolean {
  return polys.some((p) => inRing(lon, lat, p[0]) && !p.slice(1).some((h) => inRing(lon, lat, h)));
}

function signedArea(r: Position[]): number {
  let s = 0;
  for (let i = 0; i + 1 < r.length; i++) s += r[i][0] * r[i + 1][1] - r[i + 1][0] * r[i][1];
  return s / 2;
}

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

function agreement(polys: Position[][][], mask: RasterLandMask, w: number, e: number, s: number, n: number) {
  const rnd = random(1);
  let agree = 0;
  const count = 1500;
  for (let i = 0; i < count; i++) {
    const lon = w + rnd() * (e - w);
    const lat = s + rnd() * (n - s);
    if (inLand(polys, lon, lat) === mask.isLand(lon, lat)) agree++;
  }
  return agree / count;
}

const bergen = { west: 4.5, east: 6, south: 59.8, north: 61 };
let mask: RasterLandMask;
let polys: Position[][][];
beforeAll(async () => {
  mask = await prepareLandMask(bergen);
  polys = mask.coastlinePolygons(bergen);
});

describe("coastlinePolygons", () => {
  it("draws the coastline the mask uses (Bergen fjords)", () => {
    expect(polys.length).toBeGreaterThan(500);
    expect(agreement(polys, mask, 4.5, 6, 59.8, 61)).toBeGreaterThan(0.99);
  });

  it("returns closed rings inside the area, outer rings counter-clockwise", () => {
    const problems: string[] = [];
    for (const [i, p] of polys.entries()) {
      for (const [k, r] of p.entries()) {
        if (r.length < 4) problems.push(`polygon ${i} ring ${k}: ${r.length} points`);
        if (r[0][0] !== r[r.length - 1][0] || r[0][1] !== r[r.length - 1][1]) problems.push(`${i}/${k} open`);
        if (signedArea(r) > 0 !== (k === 0)) problems.push(`${i}/${k} wrong orientation`);
        for (const [lon, lat] of r) {
          const inside =
            lon >= bergen.west - 1e-9 &&
            lon <= bergen.east + 1e-9 &&
            lat >= bergen.south - 1e-9 &&
            lat <= bergen.north + 1e-9;
          if (!inside) problems.push(`${i}/${k} point ${lon},${lat} outside the area`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("simplifies to fewer points and still draws the same land", () => {
    const simple = mask.coastlinePolygons(bergen, { simplifyM: 100 });
    const points = (ps: Position[][][]) => ps.reduce((a, p) => a + p.reduce((b, r) => b + r.length, 0), 0);
    expect(points(simple)).toBeLessThan(points(polys) / 2);
    expect(agreement(simple, mask, 4.5, 6, 59.8, 61)).toBeGreaterThan(0.97);
    expect(() => mask.coastlinePolygons(bergen, { simplifyM: -1 })).toThrow(/simplifyM/);
  });

  it("runs continuously across the antimeridian (Fiji, Taveuni)", async () => {
    const area = { west: 177, east: -179, south: -18, north: -16 };
    const fiji = await coastlinePolygons(area);
    for (const p of fiji) {
      for (const r of p) for (const [lon] of r) expect(lon >= 177 - 1e-9 && lon <= 181 + 1e-9).toBe(true);
    }
    expect(inLand(fiji, 178, -17.8)).toBe(true); // Viti Levu
    expect(inLand(fiji, 179.95, -16.9)).toBe(true); // Taveuni, west of 180°
    expect(inLand(fiji, 180.1, -16.8)).toBe(true); // Taveuni, east of 180° (unwrapped)
    expect(inLand(fiji, 179.5, -17.5)).toBe(false); // Koro Sea
    const m = await prepareLandMask(area);
    expect(agreement(fiji, m, 177, 181, -18, -16)).toBeGreaterThan(0.99);
  });

  it("fills an area wholly on land and leaves open sea empty", async () => {
    const inland = await coastlinePolygons({ west: 10, east: 12, south: -86, north: -85 });
    expect(inland).toEqual([
      [
        [
          [10, -86],
          [12, -86],
          [12, -85],
          [10, -85],
          [10, -86],
        ],
      ],
    ]);
    expect(await coastlinePolygons({ west: -150, east: -149, south: 0, north: 1 })).toEqual([]);
  });

  it("cuts lakes out as holes when lakes count as water", async () => {
    const area = { west: 12, east: 14.5, south: 58.3, north: 59.5 }; // Vänern
    const dry = await coastlinePolygons(area);
    const wet = await coastlinePolygons(area, { lakes: "water" });
    expect(inLand(dry, 13.3, 58.9)).toBe(true);
    expect(inLand(wet, 13.3, 58.9)).toBe(false);
    expect(inLand(wet, 12.5, 59.3)).toBe(true);
    expect(wet.some((p) => p.length > 1)).toBe(true);
  });

  it("draws Svalbard and the Antarctic ice front", async () => {
    const svalbard = { west: 10, east: 30, south: 76, north: 81 };
    const s = await coastlinePolygons(svalbard, { simplifyM: 50 });
    expect(inLand(s, 15.6, 78.15)).toBe(true);
    expect(inLand(s, 14.5, 78.2)).toBe(false);
    const ross = { west: 170, east: -170, south: -80, north: -75 };
    const r = await coastlinePolygons(ross, { simplifyM: 200 });
    expect(inLand(r, 180, -79.5)).toBe(true); // ice shelf
    expect(inLand(r, 185, -76)).toBe(false); // Ross Sea
  });
});
