// AssemblyScript twin of src/forcing/field.ts sampleGriddedField (with projection.ts's polar stereographic
// forward and rotation) for grids with arithmetic axes, compiled into src/core/wasm/kernels.wasm through
// src/core/wasm/assembly/kernels.ts. Same IEEE operations in the same order: same numbers bit for bit.
// The grid description is read from the slots of src/core/wasm/grid-slots.ts, which
// src/forcing/wasm-sampling.ts fills.

import {
  G_AKM1,
  G_COS_LAM0,
  G_E,
  G_ES,
  G_I0,
  G_J0,
  G_KIND,
  G_NORTH,
  G_NX,
  G_NX_FULL,
  G_NY,
  G_PERIOD,
  G_ROTATE,
  G_SIN_LAM0,
  G_WGS84,
  G_WRAP_X,
  G_X0,
  G_X_FIRST,
  G_X_MAX,
  G_X_MIN,
  G_X_SCALE,
  G_X_STEP_ABS,
  G_X_TOP,
  G_Y0,
  G_Y_FIRST,
  G_Y_SCALE,
  G_Y_TOP,
} from "../../core/wasm/grid-slots";
import { E2, f64At, setF64, setU8, u8At } from "../../core/wasm/assembly/shared";

/** ((1 + e·s)/(1 − e·s))^(e/2) by series, as projection.ts conformalFactor(). */
// @ts-ignore: decorator
@inline function conformalFactor(e: f64, s: f64): f64 {
  if (e == 0) return 1;
  const z = e * s;
  const z2 = z * z;
  const at =
    z *
    (1 +
      z2 *
        (1.0 / 3.0 +
          z2 *
            (1.0 / 5.0 +
              z2 * (1.0 / 7.0 + z2 * (1.0 / 9.0 + z2 * (1.0 / 11.0 + z2 * (1.0 / 13.0 + z2 * (1.0 / 15.0))))))));
  const a = e * at;
  return (
    1 +
    a * (1 + a * (1.0 / 2.0 + a * (1.0 / 6.0 + a * (1.0 / 24.0 + a * (1.0 / 120.0 + a * (1.0 / 720.0 + a * (1.0 / 5040.0)))))))
  );
}

// Grid description slots (G_…): see ../grid-slots.ts.
const WGS84_ES: f64 = E2;

// The grid and arrays of the current sampleGrid() call, for sampleOne().
let sXFirst: f64 = 0;
let sXScale: f64 = 0;
let sXTop: f64 = 0;
let sYFirst: f64 = 0;
let sYScale: f64 = 0;
let sYTop: f64 = 0;
let sXMin: f64 = 0;
let sXMax: f64 = 0;
let sPeriod: f64 = 0;
let sXStepAbs: f64 = 0;
let sNxFull: f64 = 0;
let sI0: f64 = 0;
let sJ0: f64 = 0;
let sNxf: f64 = 0;
let sNyf: f64 = 0;
let sNx: i32 = 0;
let sNy: i32 = 0;
let sWrapX = false;
let sProjected = false;
let sAkm1: f64 = 0;
let sE: f64 = 0;
let sNorth = false;
let sSinLam0: f64 = 0;
let sCosLam0: f64 = 1;
let sX0: f64 = 0;
let sY0: f64 = 0;
let sWgs84 = false;
let sEs: f64 = 0;
let sRotate = false;
let sLon: usize = 0;
let sLat: usize = 0;
let sSinLat: usize = 0;
let sCosLat: usize = 0;
let sSinLon: usize = 0;
let sCosLon: usize = 0;
let sNeed: usize = 0;
let sUOut: usize = 0;
let sVOut: usize = 0;
let sPlane: usize = 0;

/**
 * field.ts sampleGriddedField on a time-blended plane (f64 u, v pairs [row][column] of the loaded
 * sub-area) for grids with arithmetic axes: lon/lat, or polar stereographic. Writes east/north into
 * uOut/vOut and clears need[p] for every particle it serves; returns how many lie inside the grid but
 * outside the loaded sub-area. Two particles at a time (f64x2 lanes) where both are needed and lie in
 * ordinary cells; one at a time otherwise. In chunks of `chunk` particles (even); `scratch` holds
 * 5 × chunk f64 (a projected grid's conformal factors, positions and rotations).
 */
export function sampleGrid(
  count: i32,
  grid: usize,
  lon: usize,
  lat: usize,
  sinLat: usize,
  cosLat: usize,
  sinLon: usize,
  cosLon: usize,
  need: usize,
  uOut: usize,
  vOut: usize,
  plane: usize,
  scratch: usize,
  chunk: i32,
): i32 {
  sXFirst = f64At(grid, G_X_FIRST);
  sXScale = f64At(grid, G_X_SCALE);
  sXTop = f64At(grid, G_X_TOP);
  sYFirst = f64At(grid, G_Y_FIRST);
  sYScale = f64At(grid, G_Y_SCALE);
  sYTop = f64At(grid, G_Y_TOP);
  sXMin = f64At(grid, G_X_MIN);
  sXMax = f64At(grid, G_X_MAX);
  sPeriod = f64At(grid, G_PERIOD);
  sXStepAbs = f64At(grid, G_X_STEP_ABS);
  sNxFull = f64At(grid, G_NX_FULL);
  sI0 = f64At(grid, G_I0);
  sJ0 = f64At(grid, G_J0);
  sNxf = f64At(grid, G_NX);
  sNyf = f64At(grid, G_NY);
  sNx = <i32>sNxf;
  sNy = <i32>sNyf;
  sWrapX = f64At(grid, G_WRAP_X) != 0;
  sProjected = f64At(grid, G_KIND) == 1;
  sAkm1 = f64At(grid, G_AKM1);
  sE = f64At(grid, G_E);
  sNorth = f64At(grid, G_NORTH) != 0;
  sSinLam0 = f64At(grid, G_SIN_LAM0);
  sCosLam0 = f64At(grid, G_COS_LAM0);
  sX0 = f64At(grid, G_X0);
  sY0 = f64At(grid, G_Y0);
  sWgs84 = f64At(grid, G_WGS84) != 0;
  sEs = f64At(grid, G_ES);
  sRotate = f64At(grid, G_ROTATE) != 0;
  sLon = lon;
  sLat = lat;
  sSinLat = sinLat;
  sCosLat = cosLat;
  sSinLon = sinLon;
  sCosLon = cosLon;
  sNeed = need;
  sUOut = uOut;
  sVOut = vOut;
  sPlane = plane;

  const nx = sNx;
  const projected = sProjected;
  const north = sNorth;
  const e = sE;
  const wgs84 = sWgs84;
  const rotate = sRotate;
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const c360 = f64x2.splat(360);
  const xFirst = f64x2.splat(sXFirst);
  const xScale = f64x2.splat(sXScale);
  const xTop = f64x2.splat(sXTop);
  const yFirst = f64x2.splat(sYFirst);
  const yScale = f64x2.splat(sYScale);
  const yTop = f64x2.splat(sYTop);
  const xMin = f64x2.splat(sXMin);
  const xMax = f64x2.splat(sXMax);
  const i0 = f64x2.splat(sI0);
  const j0 = f64x2.splat(sJ0);
  const xLast = f64x2.splat(sNxf - 1);
  const yLast = f64x2.splat(sNyf - 1);
  const xLastCell = f64x2.splat(sNxf - 2);
  const yLastCell = f64x2.splat(sNyf - 2);
  const akm1 = f64x2.splat(sAkm1);
  const sinLam0 = f64x2.splat(sSinLam0);
  const cosLam0 = f64x2.splat(sCosLam0);
  const x0 = f64x2.splat(sX0);
  const y0 = f64x2.splat(sY0);
  const wgsEs = f64x2.splat(WGS84_ES);
  const es = f64x2.splat(sEs);
  const invOneMinusWgs = f64x2.splat(1 / (1 - WGS84_ES));
  const invOneMinusEs = f64x2.splat(1 / (1 - sEs));
  const periodZero = sPeriod == 0;
  const c8 = <usize>chunk << 3;
  let outsideLoaded = 0;
  let p: i32 = 0;
  // In chunks. Where the grid is projected, the positions on it and the rotation of the vectors are computed
  // first, in passes of their own (the conformal factor in one, the rest in another) into scratch: each is a
  // long chain of dependent operations, and in a short loop the processor overlaps many particles.
  for (let from: i32 = 0; from + 1 < count; from += chunk) {
    const to = min(count & ~1, from + chunk);
    if (projected) {
      if (e != 0) {
        for (let q = from; q < to; q += 2) {
          const sinGeo = v128.load(sinLat + (<usize>q << 3));
          const factor = conformalFactorX2(e, north ? sinGeo : f64x2.neg(sinGeo));
          v128.store(scratch + (<usize>(q - from) << 3), factor);
        }
      }
      for (let q = from; q < to; q += 2) {
        const o8 = <usize>q << 3;
        const s8 = <usize>(q - from) << 3;
        const sLo = v128.load(sinLon + o8);
        const cLo = v128.load(cosLon + o8);
        const sl = f64x2.sub(f64x2.mul(sLo, cosLam0), f64x2.mul(cLo, sinLam0));
        const cl = f64x2.add(f64x2.mul(cLo, cosLam0), f64x2.mul(sLo, sinLam0));
        const sinGeo = v128.load(sinLat + o8);
        const sinPhi = north ? sinGeo : f64x2.neg(sinGeo);
        let rho = f64x2.div(f64x2.mul(akm1, v128.load(cosLat + o8)), f64x2.add(one, sinPhi));
        // conformalFactor() is 1 on a sphere, and x·1 = x.
        if (e != 0) rho = f64x2.mul(rho, v128.load(scratch + s8));
        v128.store(scratch + c8 + s8, f64x2.add(f64x2.mul(rho, sl), x0));
        v128.store(scratch + 2 * c8 + s8, f64x2.add(f64x2.mul(north ? f64x2.neg(rho) : rho, cl), y0));
        const sg = north ? sl : f64x2.neg(sl);
        if (wgs84) {
          v128.store(scratch + 3 * c8 + s8, cl);
          v128.store(scratch + 4 * c8 + s8, sg);
        } else {
          const s2 = f64x2.mul(sinGeo, sinGeo);
          const sw = f64x2.mul(f64x2.mul(sg, f64x2.sub(one, f64x2.mul(wgsEs, s2))), invOneMinusWgs);
          const cw = f64x2.mul(f64x2.mul(cl, f64x2.sub(one, f64x2.mul(es, s2))), invOneMinusEs);
          const h = f64x2.div(one, f64x2.sqrt(f64x2.add(f64x2.mul(sw, sw), f64x2.mul(cw, cw))));
          v128.store(scratch + 3 * c8 + s8, f64x2.mul(cw, h));
          v128.store(scratch + 4 * c8 + s8, f64x2.mul(sw, h));
        }
      }
    }
    for (p = from; p < to; p += 2) {
      if (load<u16>(need + <usize>p) != 0x0101) {
        outsideLoaded += sampleOne(p) + sampleOne(p + 1);
        continue;
      }
      const o8 = <usize>p << 3;
      const s8 = <usize>(p - from) << 3;
      let X: v128;
      let Y: v128;
      if (projected) {
        X = v128.load(scratch + c8 + s8);
        Y = v128.load(scratch + 2 * c8 + s8);
      } else {
        X = v128.load(lon + o8);
        Y = v128.load(lat + o8);
        // Longitudes into the axis' range, as sampleOne().
        const below = f64x2.lt(X, xMin);
        const minus = f64x2.sub(X, c360);
        let above = f64x2.gt(X, xMax);
        if (!periodZero) above = v128.and(above, f64x2.ge(minus, xMin));
        X = v128.bitselect(f64x2.add(X, c360), v128.bitselect(minus, X, above), below);
      }
      let fy = f64x2.mul(f64x2.sub(Y, yFirst), yScale);
      let fx = f64x2.mul(f64x2.sub(X, xFirst), xScale);
      const onAxes = v128.and(
        v128.and(f64x2.ge(fy, zero), f64x2.le(fy, yTop)),
        v128.and(f64x2.ge(fx, zero), f64x2.le(fx, xTop)),
      );
      if (!i64x2.all_true(onAxes)) {
        outsideLoaded += sampleOne(p) + sampleOne(p + 1);
        continue;
      }
      fx = f64x2.sub(fx, i0);
      fy = f64x2.sub(fy, j0);
      const ixf = f64x2.floor(fx);
      const iyf = f64x2.floor(fy);
      // Inside the loaded part and in an ordinary cell (not the last row or column).
      const ordinary = v128.and(
        v128.and(f64x2.ge(fx, zero), f64x2.ge(fy, zero)),
        v128.and(
          v128.and(f64x2.le(fy, yLast), f64x2.le(fx, xLast)),
          v128.and(f64x2.le(iyf, yLastCell), f64x2.lt(ixf, xLast)),
        ),
      );
      if (!i64x2.all_true(ordinary)) {
        outsideLoaded += sampleOne(p) + sampleOne(p + 1);
        continue;
      }
      const sx = f64x2.sub(fx, ixf);
      const sy = f64x2.sub(fy, iyf);
      const rx = f64x2.sub(one, sx);
      const ry = f64x2.sub(one, sy);
      const a00 = f64x2.mul(rx, ry);
      const a10 = f64x2.mul(sx, ry);
      const a01 = f64x2.mul(rx, sy);
      const a11 = f64x2.mul(sx, sy);
      const kA = <usize>(<i32>f64x2.extract_lane(iyf, 0) * nx + <i32>f64x2.extract_lane(ixf, 0)) << 4;
      const kB = <usize>(<i32>f64x2.extract_lane(iyf, 1) * nx + <i32>f64x2.extract_lane(ixf, 1)) << 4;
      const row = <usize>nx << 4;
      // Each particle's u and v side by side, then regrouped into the pair's u and the pair's v.
      const uvA = bilinearUV(plane + kA, row, lane0(a00), lane0(a10), lane0(a01), lane0(a11));
      const uvB = bilinearUV(plane + kB, row, lane1(a00), lane1(a10), lane1(a01), lane1(a11));
      const uu = v128.shuffle<f64>(uvA, uvB, 0, 2);
      const vv = v128.shuffle<f64>(uvA, uvB, 1, 3);
      if (!i64x2.all_true(v128.and(f64x2.eq(uu, uu), f64x2.eq(vv, vv)))) {
        outsideLoaded += sampleOne(p) + sampleOne(p + 1);
        continue;
      }
      if (rotate) {
        const c = projected ? v128.load(scratch + 3 * c8 + s8) : one;
        const s = projected ? v128.load(scratch + 4 * c8 + s8) : zero;
        v128.store(uOut + o8, f64x2.add(f64x2.mul(uu, c), f64x2.mul(vv, s)));
        v128.store(vOut + o8, f64x2.sub(f64x2.mul(vv, c), f64x2.mul(uu, s)));
      } else {
        v128.store(uOut + o8, uu);
        v128.store(vOut + o8, vv);
      }
      store<u16>(need + <usize>p, 0);
    }
  }
  p = count & ~1;
  for (; p < count; p++) outsideLoaded += sampleOne(p);
  return outsideLoaded;
}

// @ts-ignore: decorator
@inline function lane0(v: v128): v128 {
  return v128.shuffle<f64>(v, v, 0, 0);
}
// @ts-ignore: decorator
@inline function lane1(v: v128): v128 {
  return v128.shuffle<f64>(v, v, 1, 1);
}

/** a00·P[k] + a10·P[k+1] + a01·P[k+nx] + a11·P[k+nx+1] of one particle, u and v at once (P at `at`). */
// @ts-ignore: decorator
@inline function bilinearUV(at: usize, row: usize, a00: v128, a10: v128, a01: v128, a11: v128): v128 {
  return f64x2.add(
    f64x2.add(
      f64x2.add(f64x2.mul(a00, v128.load(at)), f64x2.mul(a10, v128.load(at, 16))),
      f64x2.mul(a01, v128.load(at + row)),
    ),
    f64x2.mul(a11, v128.load(at + row, 16)),
  );
}

/** conformalFactor() of two latitudes. */
// @ts-ignore: decorator
@inline function conformalFactorX2(e: f64, s: v128): v128 {
  const one = f64x2.splat(1);
  const z = f64x2.mul(f64x2.splat(e), s);
  const z2 = f64x2.mul(z, z);
  let t = f64x2.splat(1.0 / 15.0);
  t = f64x2.add(f64x2.splat(1.0 / 13.0), f64x2.mul(z2, t));
  t = f64x2.add(f64x2.splat(1.0 / 11.0), f64x2.mul(z2, t));
  t = f64x2.add(f64x2.splat(1.0 / 9.0), f64x2.mul(z2, t));
  t = f64x2.add(f64x2.splat(1.0 / 7.0), f64x2.mul(z2, t));
  t = f64x2.add(f64x2.splat(1.0 / 5.0), f64x2.mul(z2, t));
  t = f64x2.add(f64x2.splat(1.0 / 3.0), f64x2.mul(z2, t));
  t = f64x2.add(one, f64x2.mul(z2, t));
  const a = f64x2.mul(f64x2.splat(e), f64x2.mul(z, t));
  let x = f64x2.splat(1.0 / 5040.0);
  x = f64x2.add(f64x2.splat(1.0 / 720.0), f64x2.mul(a, x));
  x = f64x2.add(f64x2.splat(1.0 / 120.0), f64x2.mul(a, x));
  x = f64x2.add(f64x2.splat(1.0 / 24.0), f64x2.mul(a, x));
  x = f64x2.add(f64x2.splat(1.0 / 6.0), f64x2.mul(a, x));
  x = f64x2.add(f64x2.splat(1.0 / 2.0), f64x2.mul(a, x));
  x = f64x2.add(one, f64x2.mul(a, x));
  return f64x2.add(one, f64x2.mul(a, x));
}

/** sampleGrid() of particle p alone (on the grid and arrays it set); 1 when outside the loaded part. */
function sampleOne(p: i32): i32 {
  if (u8At(sNeed, p) != 1) return 0;
  let X: f64;
  let Y: f64;
  let c: f64 = 1;
  let s: f64 = 0;
  if (sProjected) {
    // projection.ts PolarStereographic.forwardPositions
    const north = sNorth;
    const sl = f64At(sSinLon, p) * sCosLam0 - f64At(sCosLon, p) * sSinLam0;
    const cl = f64At(sCosLon, p) * sCosLam0 + f64At(sSinLon, p) * sSinLam0;
    const sinGeo = f64At(sSinLat, p);
    const sinPhi = north ? sinGeo : -sinGeo;
    const rho = ((sAkm1 * f64At(sCosLat, p)) / (1 + sinPhi)) * conformalFactor(sE, sinPhi);
    X = rho * sl + sX0;
    Y = (north ? -rho : rho) * cl + sY0;
    const sg = north ? sl : -sl;
    if (sWgs84) {
      c = cl;
      s = sg;
    } else {
      const s2 = sinGeo * sinGeo;
      const sw = sg * (1 - WGS84_ES * s2) * (1 / (1 - WGS84_ES));
      const cw = cl * (1 - sEs * s2) * (1 / (1 - sEs));
      const h = 1 / Math.sqrt(sw * sw + cw * cw);
      c = cw * h;
      s = sw * h;
    }
  } else {
    X = f64At(sLon, p);
    Y = f64At(sLat, p);
    if (X < sXMin) X += 360;
    else if (X > sXMax && (sPeriod == 0 || X - 360 >= sXMin)) X -= 360;
  }
  let fy = (Y - sYFirst) * sYScale;
  if (!(fy >= 0 && fy <= sYTop)) return 0;
  let fx = (X - sXFirst) * sXScale;
  if (!(fx >= 0 && fx <= sXTop)) {
    if (sPeriod > 0 && X > sXMax && X < sXMax + sXStepAbs) fx = sNxFull - 1 + (X - sXMax) / sXStepAbs;
    else return 0;
  }
  fx -= sI0;
  fy -= sJ0;
  const nx = sNx;
  const ny = sNy;
  if (!(fx >= 0 && fy >= 0 && fy <= sNyf - 1 && (fx <= sNxf - 1 || (sWrapX && fx < sNxf)))) return 1;
  let ix = <i32>Math.floor(fx);
  let iy = <i32>Math.floor(fy);
  if (iy > ny - 2) iy = ny - 2;
  let ix1: i32;
  if (ix >= nx - 1) {
    if (sWrapX) ix1 = 0;
    else {
      ix = nx - 2;
      ix1 = nx - 1;
    }
  } else ix1 = ix + 1;
  const sx = fx - <f64>ix;
  const sy = fy - <f64>iy;
  const a00 = (1 - sx) * (1 - sy);
  const a10 = sx * (1 - sy);
  const a01 = (1 - sx) * sy;
  const a11 = sx * sy;
  const k00 = iy * nx + ix;
  const k10 = iy * nx + ix1;
  const k01 = k00 + nx;
  const k11 = k10 + nx;
  const U = sPlane;
  const V = sPlane + 8;
  const uu = a00 * f64At(U, 2 * k00) + a10 * f64At(U, 2 * k10) + a01 * f64At(U, 2 * k01) + a11 * f64At(U, 2 * k11);
  const vv = a00 * f64At(V, 2 * k00) + a10 * f64At(V, 2 * k10) + a01 * f64At(V, 2 * k01) + a11 * f64At(V, 2 * k11);
  if (isNaN(uu) || isNaN(vv)) return 0;
  if (sRotate) {
    setF64(sUOut, p, uu * c + vv * s);
    setF64(sVOut, p, vv * c - uu * s);
  } else {
    setF64(sUOut, p, uu);
    setF64(sVOut, p, vv);
  }
  setU8(sNeed, p, 0);
  return 0;
}

