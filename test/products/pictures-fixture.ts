// A synthetic but realistic run for the picture tests: a gaussian cloud drifting north-east towards a coast,
// some particles stranding, a few losing forcing; density grids on a LAEA grid and elliptic search areas.
import proj4 from "proj4";
import { objectCategoryById } from "../../src/core/objects.js";
import type { Trajectory } from "../../src/core/trajectory.js";
import { type SnapshotSummary, Status } from "../../src/core/types.js";
import type { ProductContext } from "../../src/products/context.js";
import type { Polygon, Position } from "../../src/products/geojson-types.js";
import type { MapInput } from "../../src/products/map-input.js";
import type { DensityGrids, SearchArea, SearchAreaSnapshot } from "../../src/products/types.js";
import { rng } from "./synthetic.js";

export interface FixtureOptions {
  n?: number;
  hours?: number;
  backward?: boolean;
  lineRelease?: boolean;
  objectTypeId?: number;
  coastline?: boolean;
}

const T0 = Date.UTC(2024, 4, 1, 18, 0, 0) / 1000;
const LON0 = 4.7;
const LAT0 = 60.0;

/** Coast longitude at a latitude: land lies east of it (a wavy coast with a fjord-like notch). */
function coastLon(lat: number): number {
  return 5.12 + 0.035 * Math.sin((lat - 60) * 45) + 0.06 * Math.exp(-(((lat - 60.22) / 0.025) ** 2));
}

export function fixtureCoastline(): Position[][][] {
  const main: Position[] = [];
  for (let lat = 59.4; lat <= 60.8 + 1e-9; lat += 0.005) main.push([coastLon(lat), lat]);
  main.push([7, 60.8], [7, 59.4], main[0]);
  const island: Position[] = [];
  const lake: Position[] = [];
  for (let a = 0; a <= 40; a++) {
    const t = (a / 40) * 2 * Math.PI;
    island.push([4.98 + 0.05 * Math.cos(t), 60.3 + 0.018 * Math.sin(t)]);
    lake.push([4.98 + 0.015 * Math.cos(-t), 60.3 + 0.006 * Math.sin(-t)]);
  }
  return [[main], [island, lake]];
}

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

export function makeFixture(opts: FixtureOptions = {}): MapInput {
  const n = opts.n ?? 2000;
  const hours = opts.hours ?? 24;
  const dir = opts.backward ? -1 : 1;
  const times = new Float64Array(hours + 1);
  for (let k = 0; k <= hours; k++) times[k] = T0 + dir * k * 3600;
  const T = times.length;
  const lon = new Float32Array(T * n);
  const lat = new Float32Array(T * n);
  const status = new Uint8Array(T * n);
  const r = rng(42);
  const mPerDegLat = 111_320;
  const mPerDegLon = 111_320 * Math.cos((LAT0 * Math.PI) / 180);
  const lineEnd = opts.lineRelease ? [LON0 + 0.12, LAT0 - 0.05] : [LON0, LAT0];
  for (let i = 0; i < n; i++) {
    const f = opts.lineRelease ? i / Math.max(1, n - 1) : 0;
    let x = LON0 + f * (lineEnd[0] - LON0) + (gauss(r) * 500) / mPerDegLon;
    let y = LAT0 + f * (lineEnd[1] - LAT0) + (gauss(r) * 500) / mPerDegLat;
    const u = dir * (0.2 + 0.06 * gauss(r));
    const v = dir * (0.11 + 0.06 * gauss(r));
    let st: number = Status.active;
    for (let k = 0; k < T; k++) {
      if (k > 0 && st === Status.active) {
        x += (u * 3600 + gauss(r) * 350) / mPerDegLon;
        y += (v * 3600 + gauss(r) * 350) / mPerDegLat;
        if (!opts.backward && x > coastLon(y)) {
          x = coastLon(y);
          st = Status.stranded;
        } else if (i % 97 === 0 && k >= 18) st = Status.missing_data;
      }
      lon[k * n + i] = x;
      lat[k * n + i] = y;
      status[k * n + i] = st;
    }
  }
  const trajectory: Trajectory = {
    n,
    times,
    lon,
    lat,
    status,
    orientation: new Uint8Array(T * n),
    capsized: new Uint8Array(T * n),
    releaseTime: new Float64Array(n).fill(T0),
    weight: new Float64Array(n).fill(1),
    member: new Uint16Array(n),
    scenario: new Uint16Array(n),
  };

  const summaries: SnapshotSummary[] = [];
  for (let k = 0; k < T; k++) {
    const counts = { active: 0, stranded: 0, missing_data: 0, outside_domain: 0 };
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      const s = status[k * n + i];
      if (s === Status.active) {
        counts.active++;
        sx += lon[k * n + i];
        sy += lat[k * n + i];
      } else if (s === Status.stranded) counts.stranded++;
      else if (s === Status.missing_data) counts.missing_data++;
    }
    const a = counts.active;
    summaries.push({
      time: times[k],
      counts,
      centroidLon: a ? sx / a : null,
      centroidLat: a ? sy / a : null,
      stdEastKm: null,
      stdNorthKm: null,
    });
  }

  const grids = makeGrids(trajectory, 1000);
  const areas = makeAreas(trajectory, grids, summaries);
  const category = objectCategoryById(opts.objectTypeId ?? 1);
  const ctx: ProductContext = {
    simulation: {
      name: "Fixture MOB off Sotra",
      objectTypeId: category.id,
      startTime: T0,
      durationSeconds: dir * hours * 3600,
      timeStepSeconds: dir * 600,
      outputStepSeconds: 3600,
      release: {
        lon: [LON0, lineEnd[0]],
        lat: [LAT0, lineEnd[1]],
        time: [T0, T0],
        radiusM: [500, 500],
        radiusType: "gaussian",
        number: n,
      },
      randomSeed: 0,
      jibeProbability: 0.04,
      capsizing: { enabled: false, windThreshold: 30, windThresholdSigma: 5, leewayFraction: 0.4 },
      coastline: "stranding",
    },
    specJson: "{}",
    category,
    trajectory,
    summaries,
    forcing: [
      {
        variable: "wind",
        name: "nora3_wind_2024050118.nc",
        model: "NORA3 (MET Norway)",
        time_coverage_start: "2024-05-01T18:00:00Z",
        time_coverage_end: "2024-05-03T00:00:00Z",
      },
      {
        variable: "current",
        name: "norkyst800_20240501.nc",
        model: "NorKyst-800",
        time_coverage_start: "2024-05-01T00:00:00Z",
        time_coverage_end: "2024-05-03T00:00:00Z",
      },
    ],
    densityCellM: 1000,
    softwareVersion: "0.1.0",
  };
  return { ctx, grids, areas, coastline: opts.coastline === false ? undefined : fixtureCoastline() };
}

function makeGrids(t: Trajectory, cellM: number): DensityGrids {
  let mx = 0;
  let my = 0;
  let m = 0;
  for (let j = 0; j < t.lon.length; j++) {
    if (t.status[j] === Status.unreleased) continue;
    mx += t.lon[j];
    my += t.lat[j];
    m++;
  }
  const proj = `+proj=laea +lat_0=${my / m} +lon_0=${mx / m} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs`;
  const conv = proj4(proj);
  const px = new Float64Array(t.lon.length);
  const py = new Float64Array(t.lon.length);
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let j = 0; j < t.lon.length; j++) {
    const [x, y] = conv.forward([t.lon[j], t.lat[j]]);
    px[j] = x;
    py[j] = y;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const gx0 = Math.floor(x0 / cellM) * cellM - cellM;
  const gy1 = Math.ceil(y1 / cellM) * cellM + cellM;
  const nx = Math.ceil((x1 - gx0) / cellM) + 1;
  const ny = Math.ceil((gy1 - y0) / cellM) + 1;
  const xs = new Float64Array(nx).map((_, i) => gx0 + (i + 0.5) * cellM);
  // Rows run north to south here (y descending) to exercise both orientations in the renderer.
  const ys = new Float64Array(ny).map((_, j) => gy1 - (j + 0.5) * cellM);
  const cells = nx * ny;
  const lonC = new Float64Array(cells);
  const latC = new Float64Array(cells);
  const land = new Uint8Array(cells);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const [lo, la] = conv.inverse([xs[i], ys[j]]);
      lonC[j * nx + i] = lo;
      latC[j * nx + i] = la;
      land[j * nx + i] = lo > coastLon(la) ? 1 : 0;
    }
  const T = t.times.length;
  const counts = new Uint32Array(T * cells);
  const stranded = new Uint32Array(T * cells);
  const afloat = new Uint32Array(T);
  for (let k = 0; k < T; k++)
    for (let i = 0; i < t.n; i++) {
      const j = k * t.n + i;
      const ci = Math.floor((px[j] - gx0) / cellM);
      const cj = Math.floor((gy1 - py[j]) / cellM);
      if (ci < 0 || cj < 0 || ci >= nx || cj >= ny) continue;
      if (t.status[j] === Status.active) {
        counts[k * cells + cj * nx + ci]++;
        afloat[k]++;
      } else if (t.status[j] === Status.stranded) stranded[k * cells + cj * nx + ci]++;
    }
  const weight = Float64Array.from(counts);
  const afloatWeight = Float64Array.from(afloat);
  return {
    proj4: proj,
    cellM,
    nx,
    ny,
    x: xs,
    y: ys,
    lon: lonC,
    lat: latC,
    land,
    counts,
    stranded,
    afloat,
    weight,
    afloatWeight,
  };
}

/** Ellipses of the afloat cloud's covariance holding 50/90/95 % of a 2-D normal. */
function makeAreas(t: Trajectory, grids: DensityGrids, summaries: SnapshotSummary[]): SearchAreaSnapshot[] {
  const out: SearchAreaSnapshot[] = [];
  const conv = proj4(grids.proj4);
  const cells = grids.nx * grids.ny;
  for (let k = 0; k < t.times.length; k++) {
    const s = summaries[k];
    let best = -1;
    let bestCount = 0;
    for (let c = 0; c < cells; c++)
      if (grids.counts[k * cells + c] > bestCount) {
        bestCount = grids.counts[k * cells + c];
        best = c;
      }
    const snap: SearchAreaSnapshot = {
      timeIndex: k,
      time: t.times[k],
      hoursElapsed: (t.times[k] - t.times[0]) / 3600,
      centroidLon: s.centroidLon,
      centroidLat: s.centroidLat,
      mostLikelyLon: best >= 0 ? grids.lon[best] : null,
      mostLikelyLat: best >= 0 ? grids.lat[best] : null,
      mostLikely: null,
      counts: s.counts,
      areas: { "50": null, "90": null, "95": null },
    };
    if (s.centroidLon !== null && s.centroidLat !== null) {
      const [cx, cy] = conv.forward([s.centroidLon, s.centroidLat]);
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      let m = 0;
      for (let i = 0; i < t.n; i++) {
        const j = k * t.n + i;
        if (t.status[j] !== Status.active) continue;
        const [x, y] = conv.forward([t.lon[j], t.lat[j]]);
        sxx += (x - cx) ** 2;
        syy += (y - cy) ** 2;
        sxy += (x - cx) * (y - cy);
        m++;
      }
      sxx = sxx / m + 250_000;
      syy = syy / m + 250_000;
      sxy /= m;
      // Principal axes of the covariance.
      const tr = (sxx + syy) / 2;
      const d = Math.sqrt(((sxx - syy) / 2) ** 2 + sxy ** 2);
      const l1 = tr + d;
      const l2 = Math.max(tr - d, 1);
      const ang = 0.5 * Math.atan2(2 * sxy, sxx - syy);
      for (const p of [50, 90, 95] as const) {
        const rr = Math.sqrt(-2 * Math.log(1 - p / 100));
        const ring: Position[] = [];
        for (let a = 0; a <= 64; a++) {
          const th = (-a / 64) * 2 * Math.PI;
          const ex = rr * Math.sqrt(l1) * Math.cos(th);
          const ey = rr * Math.sqrt(l2) * Math.sin(th);
          const x = cx + ex * Math.cos(ang) - ey * Math.sin(ang);
          const y = cy + ex * Math.sin(ang) + ey * Math.cos(ang);
          const [lo, la] = conv.inverse([x, y]);
          ring.push([lo, la]);
        }
        ring[ring.length - 1] = ring[0];
        const km2 = (Math.PI * rr * rr * Math.sqrt(l1 * l2)) / 1e6;
        const geometry: Polygon = { type: "Polygon", coordinates: [ring] };
        const area: SearchArea = {
          percent: p,
          geometry: p === 95 ? { type: "MultiPolygon", coordinates: [geometry.coordinates] } : geometry,
          areaKm2: km2,
          areaNm2: km2 / 3.429904,
          containedFraction: p / 100,
          droppedFraction: 0,
          droppedPieces: 0,
          pieces: [{ areaKm2: km2, areaNm2: km2 / 3.429904, probability: p / 100 }],
        };
        snap.areas[String(p) as "50" | "90" | "95"] = area;
      }
    }
    out.push(snap);
  }
  return out;
}
