// Synthetic runs for the product tests, built in code (no dependency on the simulation core): a gaussian
// cloud that spreads and drifts, with particles released over time, some stranding and some losing forcing.
import { objectCategoryById } from "../../src/core/objects.js";
import type { Trajectory } from "../../src/core/trajectory.js";
import { type LandMask, type Simulation, Status } from "../../src/core/types.js";
import type { ProductContext } from "../../src/products/context.js";
import { computeDensity } from "../../src/products/density.js";
import { computeSearchAreas } from "../../src/products/search-areas.js";
import { buildSnapshotSummaries } from "../../src/products/summary.js";

export const T0 = Date.UTC(2016, 1, 1, 12, 0, 0) / 1000;

export interface SyntheticOptions {
  n?: number;
  hours?: number;
  lon0?: number;
  lat0?: number;
  /** Particle i is released at T0 + i * releaseEverySeconds (0: all at T0). */
  releaseEverySeconds?: number;
  /** Longitude east of which is land: particles crossing it strand there. */
  coastLon?: number;
  /** Every this-many-th particle loses forcing (missing_data) at hour 5 (0: never). */
  missingEvery?: number;
  withForcing?: boolean;
  backward?: boolean;
  seed?: number;
}

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

export function syntheticTrajectory(opts: SyntheticOptions = {}): Trajectory {
  const n = opts.n ?? 500;
  const hours = opts.hours ?? 24;
  const lon0 = opts.lon0 ?? 4.5;
  const lat0 = opts.lat0 ?? 60.1;
  const dir = opts.backward ? -1 : 1;
  const nt = hours + 1;
  const times = new Float64Array(nt);
  for (let k = 0; k < nt; k++) times[k] = T0 + dir * k * 3600;
  const size = n * nt;
  const lon = new Float32Array(size);
  const lat = new Float32Array(size);
  const status = new Uint8Array(size);
  const orientation = new Uint8Array(size);
  const capsized = new Uint8Array(size);
  const withForcing = opts.withForcing ?? true;
  const windU = withForcing ? new Float32Array(size) : undefined;
  const windV = withForcing ? new Float32Array(size) : undefined;
  const currentU = withForcing ? new Float32Array(size) : undefined;
  const currentV = withForcing ? new Float32Array(size) : undefined;
  const releaseTime = new Float64Array(n);
  const r = rng(opts.seed ?? 7);
  const mLat = 111_320;
  const mLon = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  for (let i = 0; i < n; i++) {
    releaseTime[i] = T0 + dir * i * (opts.releaseEverySeconds ?? 0);
    let x = lon0 + (gauss(r) * 300) / mLon;
    let y = lat0 + (gauss(r) * 300) / mLat;
    const u = 0.25 + 0.1 * gauss(r);
    const v = -0.15 + 0.1 * gauss(r);
    let st: number = Status.unreleased;
    const side = i % 2;
    for (let k = 0; k < nt; k++) {
      const j = k * n + i;
      const released = dir * (times[k] - releaseTime[i]) >= 0;
      if (released && st === Status.unreleased) st = Status.active;
      if (st === Status.active && k > 0 && dir * (times[k - 1] - releaseTime[i]) >= 0) {
        x += (u * 3600) / mLon;
        y += (v * 3600) / mLat;
        if (opts.coastLon !== undefined && x >= opts.coastLon) {
          x = opts.coastLon;
          st = Status.stranded;
        } else if (opts.missingEvery && i % opts.missingEvery === 0 && k === 5) {
          st = Status.missing_data;
        }
      }
      status[j] = st;
      lon[j] = st === Status.unreleased ? Number.NaN : x;
      lat[j] = st === Status.unreleased ? Number.NaN : y;
      orientation[j] = side;
      if (windU) {
        windU[j] = 0;
        windV![j] = -10;
        currentU![j] = 0.2;
        currentV![j] = 0;
      }
    }
  }
  const weight = new Float64Array(n).fill(1);
  const member = new Uint16Array(n);
  const scenario = new Uint16Array(n);
  return {
    n,
    times,
    lon,
    lat,
    status,
    orientation,
    capsized,
    windU,
    windV,
    currentU,
    currentV,
    releaseTime,
    weight,
    member,
    scenario,
  };
}

/** A land mask: land east of `coastLon`. */
export function eastOfLand(coastLon: number): LandMask {
  return {
    name: `synthetic coast at ${coastLon}E`,
    isLand: (lon) => lon >= coastLon,
    nearestSea: (lon, lat) => (lon >= coastLon ? { lon: coastLon - 0.001, lat, distanceM: 100 } : null),
  };
}

export function syntheticContext(trajectory: Trajectory, opts: { landmask?: LandMask; cellM?: number } = {}) {
  const times = trajectory.times;
  const start = times[0];
  const duration = times[times.length - 1] - start;
  const sim: Simulation = {
    name: 'synthetic <test> & "quotes"',
    objectTypeId: 1,
    startTime: start,
    durationSeconds: duration,
    timeStepSeconds: Math.sign(duration || 1) * 600,
    outputStepSeconds: 3600,
    release: {
      lon: [4.5, 4.5],
      lat: [60.1, 60.1],
      time: [trajectory.releaseTime[0], trajectory.releaseTime[trajectory.n - 1]],
      radiusM: [300, 300],
      radiusType: "gaussian",
      number: trajectory.n,
    },
    randomSeed: 0,
    jibeProbability: 0.04,
    capsizing: { enabled: false, windThreshold: 30, windThresholdSigma: 5, leewayFraction: 0.4 },
    coastline: "stranding",
  };
  const ctx: ProductContext = {
    simulation: sim,
    specJson: JSON.stringify({ name: sim.name, object_type: 1, note: "ÆØÅ ° unicode" }),
    category: objectCategoryById(1),
    trajectory,
    summaries: buildSnapshotSummaries(trajectory),
    landmask: opts.landmask,
    forcing: [
      { variable: "wind", name: "constant 0,-10 m/s" },
      {
        variable: "current",
        name: "norkyst800.nc",
        model: "NorKyst800",
        time_coverage: "2016-02-01/2016-02-03",
      },
    ],
    densityCellM: opts.cellM ?? 1000,
    softwareVersion: "0.1.0-test",
  };
  return ctx;
}

/**
 * The run the GeoJSON and KML tests write: 600 particles over 8 h, one released every 30 s, land east of 4.58° E,
 * every 23rd particle losing forcing; its context and search areas.
 */
export function coastalRun() {
  const traj = syntheticTrajectory({
    n: 600,
    hours: 8,
    releaseEverySeconds: 30,
    coastLon: 4.58,
    missingEvery: 23,
  });
  const ctx = syntheticContext(traj);
  return { traj, ctx, snaps: computeSearchAreas(ctx, computeDensity(ctx)) };
}

/** t with every particle i for which `twice(i)` appended again (time-major arrays), all of weight 1. */
export function duplicated(t: Trajectory, twice: (i: number) => boolean): Trajectory {
  const extra: number[] = [];
  for (let i = 0; i < t.n; i++) if (twice(i)) extra.push(i);
  const n = t.n + extra.length;
  const nt = t.times.length;
  const grow = <A extends Float32Array | Uint8Array>(a: A): A => {
    const out = new (a.constructor as new (length: number) => A)(n * nt);
    for (let k = 0; k < nt; k++) {
      out.set(a.subarray(k * t.n, (k + 1) * t.n) as never, k * n);
      for (let m = 0; m < extra.length; m++) out[k * n + t.n + m] = a[k * t.n + extra[m]];
    }
    return out;
  };
  const perParticle = <A extends Float64Array | Uint16Array>(a: A): A => {
    const out = new (a.constructor as new (length: number) => A)(n);
    out.set(a as never);
    for (let m = 0; m < extra.length; m++) out[t.n + m] = a[extra[m]];
    return out;
  };
  return {
    n,
    times: t.times,
    lon: grow(t.lon),
    lat: grow(t.lat),
    status: grow(t.status),
    orientation: grow(t.orientation),
    capsized: grow(t.capsized),
    releaseTime: perParticle(t.releaseTime),
    weight: new Float64Array(n).fill(1),
    member: perParticle(t.member),
    scenario: perParticle(t.scenario),
  };
}
