// Separation, Liu–Weisberg skill, ranks and hit rates (issue 23 item 1) on forecasts built by hand, where every
// figure is known: the perfect model (the forecast's centroid is the observation) gives separation 0 and SS 1,
// a forecast moved 1 km off gives 1 km, and s is Σd / Σl₀ by hand.
import { describe, expect, it } from "vitest";
import { geodesicDirect, geodesicInverse } from "../../src/core/geodesy.js";
import { computeDensity } from "../../src/products/density.js";
import type { Position } from "../../src/products/geojson-types.js";
import { computeSearchAreas } from "../../src/products/search-areas.js";
import type { SearchArea, SearchAreaSnapshot } from "../../src/products/types.js";
import { insideGeometry, validateDrifter, validationTotal } from "../../src/validation/metrics.js";
import { rankCollector } from "../../src/validation/ranks.js";
import type { ObservedTrack } from "../../src/validation/track.js";
import { syntheticContext, syntheticTrajectory, T0 } from "../products/synthetic.js";

const HOURS = 30;

/** A drifter going north-east 0.5 km/h per axis… as fixes every 30 min from T0. */
function drifter(id = "1"): ObservedTrack {
  const n = HOURS * 2 + 1;
  const times = new Float64Array(n);
  const lon = new Float64Array(n);
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = geodesicDirect(67.3, 13.05, 45, 350 * i);
    times[i] = T0 + 1800 * i;
    lon[i] = p.lon;
    lat[i] = p.lat;
  }
  return { id, times, lon, lat };
}

/** Hourly snapshots whose centroid and most likely position are the track's, moved by `offset(k)` metres north. */
function forecast(
  track: ObservedTrack,
  offset: (k: number) => number,
  mlOffset = offset,
): SearchAreaSnapshot[] {
  const out: SearchAreaSnapshot[] = [];
  for (let k = 0; k <= HOURS; k++) {
    const i = 2 * k;
    const c = geodesicDirect(track.lat[i], track.lon[i], 0, offset(k));
    const m = geodesicDirect(track.lat[i], track.lon[i], 0, mlOffset(k));
    const box = (d: number): SearchArea => ({
      percent: 50,
      geometry: {
        type: "Polygon" as const,
        coordinates: [
          [
            [c.lon - d, c.lat - d / 2] as Position,
            [c.lon + d, c.lat - d / 2],
            [c.lon + d, c.lat + d / 2],
            [c.lon - d, c.lat + d / 2],
            [c.lon - d, c.lat - d / 2],
          ],
        ],
      },
      areaKm2: 1,
      areaNm2: 1,
      containedFraction: 0.5,
      droppedFraction: 0,
      droppedPieces: 0,
      pieces: [],
    });
    out.push({
      timeIndex: k,
      time: T0 + 3600 * k,
      hoursElapsed: k,
      centroidLon: c.lon,
      centroidLat: c.lat,
      mostLikelyLon: m.lon,
      mostLikelyLat: m.lat,
      mostLikely: null,
      counts: {},
      areas: { "50": box(0.005), "90": box(0.02), "95": box(0.05) },
    });
  }
  return out;
}

describe("validation metrics", () => {
  it("perfect model: separation 0, SS 1, every area holds the observation", () => {
    const track = drifter();
    const v = validateDrifter(
      track,
      forecast(track, () => 0),
      T0,
    )!;
    expect(v.points).toHaveLength(HOURS + 1);
    for (const p of v.points) expect(p.centroidKm).toBeLessThan(1e-9);
    expect(v.leads.map((l) => l.label)).toEqual(["6 h", "12 h", "24 h", "end"]);
    expect(v.leads.at(-1)!.hours).toBe(HOURS);
    expect(v.skillCentroid).toEqual({ s: 0, ss: 1, unclipped: 1 });
    expect(v.hitRates["50"]).toEqual({ hits: HOURS, n: HOURS, rate: 1 });
    expect(v.observedKm).toBeCloseTo(0.7 * HOURS, 6);
  });

  it("a forecast 1 km off gives 1 km at every lead; s = Σd/Σl₀ by hand", () => {
    const track = drifter();
    const v = validateDrifter(
      track,
      forecast(track, () => 1000),
      T0,
    )!;
    for (const p of v.points) expect(p.centroidKm).toBeCloseTo(1, 9);
    for (const l of v.leads) expect(l.centroidKm).toBeCloseTo(1, 9);
    // l₀ after k hours is 0.7 k km: s = 30 · 1 / (0.7 · Σk) = 30 / (0.7 · 465).
    const s = HOURS / (0.7 * ((HOURS * (HOURS + 1)) / 2));
    expect(v.skillCentroid.s).toBeCloseTo(s, 6);
    expect(v.skillCentroid.ss).toBeCloseTo(1 - s, 6);
    // 1 km north of the box centre: outside the 50 % box (±0.0025° lat ≈ 280 m), inside 95 % (±0.025°).
    expect(v.hitRates["50"].rate).toBe(0);
    expect(v.hitRates["95"].rate).toBe(1);
  });

  it("s ≥ 1 clips SS to 0 but keeps the unclipped 1 − s; totals pool and average", () => {
    const track = drifter();
    const far = validateDrifter(
      track,
      forecast(track, (k) => 2000 * k),
      T0,
    )!;
    // d = 2 km·k against l₀ = 0.7 km·k: s = 2/0.7.
    expect(far.skillCentroid.s).toBeCloseTo(2 / 0.7, 6);
    expect(far.skillCentroid.ss).toBe(0);
    expect(far.skillCentroid.unclipped).toBeCloseTo(1 - 2 / 0.7, 6);
    const good = validateDrifter(
      track,
      forecast(track, () => 0),
      T0,
    )!;
    const total = validationTotal([good, far]);
    expect(total.drifters).toBe(2);
    expect(total.meanSsCentroid).toBeCloseTo(0.5, 9);
    expect(total.meanUnclippedCentroid).toBeCloseTo((1 + 1 - 2 / 0.7) / 2, 6);
    expect(total.pooledCentroid.s).toBeCloseTo(1 / 0.7, 6);
    expect(total.leads.find((l) => l.label === "12 h")).toMatchObject({ n: 2 });
    expect(total.leads.find((l) => l.label === "12 h")!.centroidKm).toBeCloseTo(12, 9);
    expect(total.hitRates["95"]).toMatchObject({ n: 2 * HOURS });
  });

  it("the most likely position is compared on its own; a lead between outputs is interpolated", () => {
    const track = drifter();
    const snaps = forecast(
      track,
      () => 0,
      (k) => 100 * k,
    ).filter((_, k) => k !== 6);
    const v = validateDrifter(track, snaps, T0)!;
    expect(v.leads[0]).toMatchObject({ label: "6 h" });
    expect(v.leads[0].mostLikelyKm).toBeCloseTo(0.6, 4);
    expect(v.skillMostLikely.s).toBeGreaterThan(0);
  });

  it("a track outside the forecast's times gives null; only its overlap is compared", () => {
    const track = drifter();
    const late = { ...track, times: track.times.map((t) => t + 100 * 3600) };
    expect(
      validateDrifter(
        late,
        forecast(track, () => 0),
        T0,
      ),
    ).toBeNull();
    const mid = { ...track, times: track.times.map((t) => t + 20 * 3600) };
    const v = validateDrifter(
      mid,
      forecast(track, () => 0),
      T0,
    )!;
    expect(v.points[0].hours).toBe(20);
    expect(v.leads.map((l) => l.label)).toEqual(["24 h", "end"]);
  });

  it("point in polygon with holes and across the antimeridian", () => {
    const ring = (x0: number, x1: number): Position[] => [
      [x0, 0],
      [x1, 0],
      [x1, 1],
      [x0, 1],
      [x0, 0],
    ];
    const donut = { type: "Polygon" as const, coordinates: [ring(0, 3), ring(1, 2).reverse()] };
    expect(insideGeometry(donut, 0.5, 0.5)).toBe(true);
    expect(insideGeometry(donut, 1.5, 0.5)).toBe(false);
    expect(insideGeometry({ type: "Polygon", coordinates: [ring(179.5, 180.5)] }, -179.8, 0.5)).toBe(true);
  });

  it("ranks in a real density: near 0 at the mode, 1 far away, and agreeing with the areas", () => {
    const ctx = syntheticContext(syntheticTrajectory({ n: 2000 }));
    const t = ctx.trajectory;
    const grids = computeDensity(ctx);
    const last = t.times.length - 1;
    // Observations: one at the start point, then at the final mode (found after a first pass), one 500 km off.
    const first = computeSearchAreas(ctx, grids);
    const mode = first[last];
    const at = (lon: number, lat: number): ObservedTrack => ({
      id: "x",
      times: Float64Array.of(t.times[0], t.times[last]),
      lon: Float64Array.of(lon, lon),
      lat: Float64Array.of(lat, lat),
    });
    const away = geodesicDirect(mode.mostLikelyLat!, mode.mostLikelyLon!, 90, 500_000);
    const tracks = [at(mode.mostLikelyLon!, mode.mostLikelyLat!), at(away.lon, away.lat)];
    const collector = rankCollector(tracks, t);
    const snaps = computeSearchAreas(ctx, grids, (k, layer) => collector.onLayer(k, layer, grids));
    expect(collector.ranks[0][last]).toBeLessThan(0.01);
    expect(collector.ranks[1][last]).toBe(1);
    const v = validateDrifter(tracks[0], snaps, t.times[0], collector.ranks[0])!;
    expect(v.points.at(-1)!.inside["50"]).toBe(true);
    expect(v.points.at(-1)!.mostLikelyKm).toBeLessThan(1e-6);
    expect(geodesicInverse(mode.mostLikelyLat!, mode.mostLikelyLon!, away.lat, away.lon).distM).toBeCloseTo(
      500_000,
      3,
    );
  });
});
