// The decoded state of one gridded vector source, as plain numbers and typed arrays (GriddedField),
// and the stateless sampler that interpolates it at particle positions. Nothing here reads files, so a
// field can be handed to worker threads (its arrays backed by SharedArrayBuffer) and sampled there.
//
// Interpolation is OpenDrift's (readers/interpolation, linearNDFast): bilinear in the grid's own
// index space, linear in time between the two bracketing fields; cells without data (land) are filled
// beforehand, as OpenDrift fills them: repeatedly, each missing cell takes the largest value among its
// 3×3 neighbours (scipy grey_dilation), up to 10 times, each component on its own.

import type { Positions } from "../core/types.js";
import { type CurvilinearIndex, locate } from "./curvilinear.js";
import type { ProjectionSpec, Projector } from "./projection.js";

export interface GriddedField {
  /** "regular": 1-D x/y axes (lon/lat or projected); "curvilinear": 2-D lon/lat with a lookup index. */
  kind: "regular" | "curvilinear";
  nxFull: number;
  nyFull: number;
  /** Full-grid axes (degrees for lon/lat and rotated grids, metres otherwise); empty when curvilinear. */
  xAxis: Float64Array;
  yAxis: Float64Array;
  /** Evenly spaced axis: index by arithmetic (as OpenDrift), else by search. */
  xRegular: boolean;
  yRegular: boolean;
  /** 360 for longitude axes that go round the globe, else 0. */
  lonPeriod: number;
  /** Projection of x/y, or null for plain lon/lat axes. */
  projection: ProjectionSpec | null;
  curvilinear: CurvilinearIndex | null;
  /** Loaded sub-area of the full grid: columns i0 … i0+nx−1, rows j0 … j0+ny−1. */
  i0: number;
  j0: number;
  nx: number;
  ny: number;
  /** Times (Unix s, increasing) of the loaded fields. */
  times: Float64Array;
  /** Components, [time][row][column] over the sub-area; east/north unless `gridRelative`. */
  u: Float32Array;
  v: Float32Array;
  /**
   * u/v are along the grid's x/y axes (projected grids): each particle's vector is turned to east/north
   * with the azimuth of the grid's +y axis at its position, as OpenDrift's rotate_vectors does.
   */
  gridRelative: boolean;
}

/** Fractional index of value v on an axis, or NaN when outside [first, last]. */
export function axisPosition(a: Float64Array, regular: boolean, v: number): number {
  const n = a.length;
  const first = a[0];
  const last = a[n - 1];
  if (regular) {
    const f = ((v - first) / (last - first)) * (n - 1);
    return f >= 0 && f <= n - 1 ? f : Number.NaN;
  }
  const up = last > first;
  if (up ? !(v >= first && v <= last) : !(v <= first && v >= last)) return Number.NaN;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (up ? a[mid] <= v : a[mid] >= v) lo = mid;
    else hi = mid;
  }
  return lo + (v - a[lo]) / (a[hi] - a[lo]);
}

/** Axis regular enough for arithmetic indexing (steps equal to 1e-6 of a step). */
export function isRegularAxis(a: Float64Array): boolean {
  const n = a.length;
  if (n < 3) return true;
  const step = (a[n - 1] - a[0]) / (n - 1);
  for (let i = 1; i < n; i++) if (Math.abs(a[i] - a[i - 1] - step) > Math.abs(step) * 1e-6) return false;
  return true;
}

/**
 * Fills missing (NaN) cells of one [ny][nx] plane the way OpenDrift does before interpolating: each pass
 * gives every missing cell the largest value of its finite 3×3 neighbours (from the previous pass).
 */
export function fillFromNeighbours(a: Float32Array, nx: number, ny: number, maxPasses = 10): void {
  let missing: number[] = [];
  for (let k = 0; k < nx * ny; k++) if (Number.isNaN(a[k])) missing.push(k);
  if (missing.length === 0 || missing.length === nx * ny) return;
  const next = new Float32Array(missing.length);
  for (let pass = 0; pass < maxPasses && missing.length > 0; pass++) {
    for (let m = 0; m < missing.length; m++) {
      const k = missing[m];
      const j = (k / nx) | 0;
      const i = k - j * nx;
      let best = Number.NaN;
      for (let dj = -1; dj <= 1; dj++) {
        const jj = j + dj;
        if (jj < 0 || jj >= ny) continue;
        for (let di = -1; di <= 1; di++) {
          const ii = i + di;
          if (ii < 0 || ii >= nx) continue;
          const val = a[jj * nx + ii];
          if (val > best || (Number.isNaN(best) && !Number.isNaN(val))) best = val;
        }
      }
      next[m] = best;
    }
    const still: number[] = [];
    for (let m = 0; m < missing.length; m++) {
      a[missing[m]] = next[m];
      if (Number.isNaN(next[m])) still.push(missing[m]);
    }
    missing = still;
  }
}

/**
 * Position of time t among increasing times: writes the index before (out[0]), after (out[1]) and the
 * weight of the one after (out[2]); false when t is outside [first, last].
 */
export function timeBracket(times: Float64Array, t: number, out: Float64Array): boolean {
  const n = times.length;
  if (n === 0 || !(t >= times[0] && t <= times[n - 1])) return false;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= t) lo = mid;
    else hi = mid;
  }
  if (times[hi] === t && times[lo] !== t) lo = hi;
  out[0] = lo;
  out[1] = times[lo] === t || n === 1 ? lo : hi;
  out[2] = out[1] === lo ? 0 : (t - times[lo]) / (times[hi] - times[lo]);
  return true;
}

/**
 * Interpolates the field at Unix time t for every particle with need[i] === 1 that lies inside the
 * grid, writes east/north m/s into u/v and clears need[i]. Particles outside the grid, or where the
 * field has no value, keep need[i] === 1. The caller guarantees that t lies within field.times.
 * `proj` is the projector of field.projection (null for lon/lat axes); `scratch` holds ≥ 5 numbers.
 * `trig`, the positions' carried sines and cosines, spares projections their trig calls.
 * Returns how many particles lie inside the file's grid but outside the loaded sub-area (the caller
 * then loads more and samples again).
 */
export function sampleGriddedField(
  f: GriddedField,
  proj: Projector | null,
  t: number,
  lon: Float64Array,
  lat: Float64Array,
  count: number,
  need: Uint8Array,
  uOut: Float64Array,
  vOut: Float64Array,
  scratch: Float64Array,
  trig: Positions | null = null,
): number {
  let outsideLoaded = 0;
  if (!timeBracket(f.times, t, scratch)) return 0;
  const k0 = scratch[0];
  const k1 = scratch[1];
  const w = scratch[2];
  const xy = scratch;
  const w0 = 1 - w;
  const nx = f.nx;
  const ny = f.ny;
  const plane = nx * ny;
  const base0 = k0 * plane;
  const base1 = k1 * plane;
  const twoTimes = k1 !== k0;
  const U = f.u;
  const V = f.v;
  // Many particles per grid cell: blend the two times once per cell rather than at every particle.
  const blend = twoTimes && plane <= 2 * count ? timeBlend(f, k0, k1, w, w0) : null;
  const rotate = f.gridRelative && proj !== null;
  const curv = f.curvilinear;
  const xAxis = f.xAxis;
  const yAxis = f.yAxis;
  const period = f.lonPeriod;
  const nxFull = f.nxFull;
  const { wrapX, xFirst, yFirst, xMin, xMax, xStep, xArithmetic, yArithmetic, xScale, yScale, xTop, yTop } =
    gridAxes(f);
  const i0 = f.i0;
  const j0 = f.j0;
  // Projections that can take the particles' carried trigonometry do every position in one pass first.
  const batch = trig !== null && proj !== null && proj.forwardPositions !== undefined && curv === null;
  const pb = batch ? projectedScratch(count) : null;
  if (batch) proj.forwardPositions!(trig, count, need, pb!.x, pb!.y, pb!.cos, pb!.sin);

  for (let p = 0; p < count; p++) {
    if (need[p] !== 1) continue;
    let fx: number;
    let fy: number;
    let X = 0;
    let Y = 0;
    if (curv) {
      if (!locate(curv, lon[p], lat[p], xy)) continue;
      fx = xy[0];
      fy = xy[1];
    } else {
      if (pb !== null) {
        X = pb.x[p];
        Y = pb.y[p];
      } else if (proj) {
        proj.forward(lon[p], lat[p], xy);
        X = xy[0];
        Y = xy[1];
      } else {
        X = lon[p];
        Y = lat[p];
        // Longitudes: bring into the axis' range (0..360 axes, or across the seam of a global grid).
        if (X < xMin) X += 360;
        else if (X > xMax && (period === 0 || X - 360 >= xMin)) X -= 360;
      }
      if (yArithmetic) {
        fy = (Y - yFirst) * yScale;
        if (!(fy >= 0 && fy <= yTop)) continue;
      } else {
        fy = axisPosition(yAxis, false, Y);
        if (Number.isNaN(fy)) continue;
      }
      if (xArithmetic) {
        fx = (X - xFirst) * xScale;
        if (!(fx >= 0 && fx <= xTop)) fx = Number.NaN;
      } else fx = axisPosition(xAxis, false, X);
      if (Number.isNaN(fx)) {
        // Between the last and first column of a global grid.
        if (period > 0 && X > xMax && X < xMax + Math.abs(xStep))
          fx = nxFull - 1 + (X - xMax) / Math.abs(xStep);
        else continue;
      }
    }
    fx -= i0;
    fy -= j0;
    if (!(fx >= 0 && fy >= 0 && fy <= ny - 1 && (fx <= nx - 1 || (wrapX && fx < nx)))) {
      outsideLoaded++;
      continue;
    }
    let ix = Math.floor(fx);
    let iy = Math.floor(fy);
    if (iy > ny - 2) iy = ny - 2;
    let ix1: number;
    if (ix >= nx - 1) {
      if (wrapX) ix1 = 0;
      else {
        ix = nx - 2;
        ix1 = nx - 1;
      }
    } else ix1 = ix + 1;
    const sx = fx - ix;
    const sy = fy - iy;
    const a00 = (1 - sx) * (1 - sy);
    const a10 = sx * (1 - sy);
    const a01 = (1 - sx) * sy;
    const a11 = sx * sy;
    const k00 = iy * nx + ix;
    const k10 = iy * nx + ix1;
    const k01 = k00 + nx;
    const k11 = k10 + nx;
    let uu: number;
    let vv: number;
    if (blend !== null) {
      const Ub = blend.u;
      const Vb = blend.v;
      uu = a00 * Ub[k00] + a10 * Ub[k10] + a01 * Ub[k01] + a11 * Ub[k11];
      vv = a00 * Vb[k00] + a10 * Vb[k10] + a01 * Vb[k01] + a11 * Vb[k11];
    } else if (twoTimes) {
      // The same numbers as the blended plane: each corner linear in time, then bilinear in space.
      uu =
        a00 * (U[base0 + k00] * w0 + U[base1 + k00] * w) +
        a10 * (U[base0 + k10] * w0 + U[base1 + k10] * w) +
        a01 * (U[base0 + k01] * w0 + U[base1 + k01] * w) +
        a11 * (U[base0 + k11] * w0 + U[base1 + k11] * w);
      vv =
        a00 * (V[base0 + k00] * w0 + V[base1 + k00] * w) +
        a10 * (V[base0 + k10] * w0 + V[base1 + k10] * w) +
        a01 * (V[base0 + k01] * w0 + V[base1 + k01] * w) +
        a11 * (V[base0 + k11] * w0 + V[base1 + k11] * w);
    } else {
      uu = a00 * U[base0 + k00] + a10 * U[base0 + k10] + a01 * U[base0 + k01] + a11 * U[base0 + k11];
      vv = a00 * V[base0 + k00] + a10 * V[base0 + k10] + a01 * V[base0 + k01] + a11 * V[base0 + k11];
    }
    if (Number.isNaN(uu) || Number.isNaN(vv)) continue;
    if (rotate) {
      let c: number;
      let s: number;
      if (pb !== null) {
        c = pb.cos[p];
        s = pb.sin[p];
      } else {
        proj.rotation(lon[p], lat[p], X, Y, xy);
        c = xy[0];
        s = xy[1];
      }
      uOut[p] = uu * c + vv * s;
      vOut[p] = vv * c - uu * s;
    } else {
      uOut[p] = uu;
      vOut[p] = vv;
    }
    need[p] = 0;
  }
  return outsideLoaded;
}

/** How sampleGriddedField indexes a field's regular grid. */
export interface GridAxes {
  /** A global lon/lat grid loaded whole: the cell between its last and first column is served. */
  wrapX: boolean;
  xFirst: number;
  yFirst: number;
  xMin: number;
  xMax: number;
  xStep: number;
  /** Evenly spaced axes: fractional index = (value − first) · scale, no search. */
  xArithmetic: boolean;
  yArithmetic: boolean;
  xScale: number;
  yScale: number;
  /** Last index of each axis. */
  xTop: number;
  yTop: number;
}

export function gridAxes(f: GriddedField): GridAxes {
  const { xAxis, yAxis } = f;
  const nxa = xAxis.length;
  const nya = yAxis.length;
  const xFirst = nxa ? xAxis[0] : 0;
  const xLast = nxa ? xAxis[nxa - 1] : 0;
  const yFirst = nya ? yAxis[0] : 0;
  const yLast = nya ? yAxis[nya - 1] : 0;
  const xArithmetic = f.xRegular && nxa > 1;
  const yArithmetic = f.yRegular && nya > 1;
  return {
    wrapX: f.lonPeriod > 0 && f.i0 === 0 && f.nx === f.nxFull,
    xFirst,
    yFirst,
    xMin: Math.min(xFirst, xLast),
    xMax: Math.max(xFirst, xLast),
    xStep: nxa > 1 ? (xLast - xFirst) / (nxa - 1) : 1,
    xArithmetic,
    yArithmetic,
    xScale: xArithmetic ? (nxa - 1) / (xLast - xFirst) : 0,
    yScale: yArithmetic ? (nya - 1) / (yLast - yFirst) : 0,
    xTop: nxa - 1,
    yTop: nya - 1,
  };
}

/** Projected positions and rotations of one sampling pass (grown as needed; one set per thread). */
interface ProjectedPositions {
  x: Float64Array;
  y: Float64Array;
  cos: Float64Array;
  sin: Float64Array;
}
let projected: ProjectedPositions = {
  x: new Float64Array(0),
  y: new Float64Array(0),
  cos: new Float64Array(0),
  sin: new Float64Array(0),
};

function projectedScratch(count: number): ProjectedPositions {
  if (projected.x.length < count) {
    const f = () => new Float64Array(count);
    projected = { x: f(), y: f(), cos: f(), sin: f() };
  }
  return projected;
}

/** A field's two bracketing times blended at one weight, per cell (the time step's forcing). */
interface TimeBlend {
  k0: number;
  k1: number;
  w: number;
  u: Float64Array;
  v: Float64Array;
}
const timeBlends = new WeakMap<GriddedField, TimeBlend>();

/** The field's u/v at times k0, k1 blended with weights w0, w (cached: the last blend per field). */
function timeBlend(f: GriddedField, k0: number, k1: number, w: number, w0: number): TimeBlend {
  const plane = f.nx * f.ny;
  let b = timeBlends.get(f);
  if (b !== undefined && b.k0 === k0 && b.k1 === k1 && b.w === w) return b;
  if (b === undefined) {
    b = { k0, k1, w, u: new Float64Array(plane), v: new Float64Array(plane) };
    timeBlends.set(f, b);
  }
  b.k0 = k0;
  b.k1 = k1;
  b.w = w;
  blendTimes(f, k0, k1, w0, w, b.u, 0, b.v, 0, 1);
  return b;
}

/**
 * The field's times k0 and k1 blended per cell k with weights w0 and w, into u[uAt + stride·k] and
 * v[vAt + stride·k] (separate planes, or u and v side by side).
 */
export function blendTimes(
  f: GriddedField,
  k0: number,
  k1: number,
  w0: number,
  w: number,
  u: Float64Array,
  uAt: number,
  v: Float64Array,
  vAt: number,
  stride: number,
): void {
  const plane = f.nx * f.ny;
  const U = f.u;
  const V = f.v;
  const o0 = k0 * plane;
  const o1 = k1 * plane;
  for (let k = 0; k < plane; k++) {
    u[uAt + stride * k] = U[o0 + k] * w0 + U[o1 + k] * w;
    v[vAt + stride * k] = V[o0 + k] * w0 + V[o1 + k] * w;
  }
}
