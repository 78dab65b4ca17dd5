// AssemblyScript source of the WebAssembly step kernels (compiled by `npm run build:wasm` into
// ../kernels.wasm, which is committed; test/core/wasm-kernels.test.ts checks that the two agree).
//
// Each kernel is the fast path of a JavaScript kernel and gives the same numbers bit for bit: the same
// IEEE operations in the same order (WebAssembly has no fused multiply-add, and f64.sqrt/f64.floor are
// exact like Math.sqrt/Math.floor). Cases a kernel does not cover are left to the JavaScript kernel
// (drift marks them; the samplers are only called for the grids they cover).
//
// Arguments are byte offsets into the one (shared) memory the particle arrays live in.

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
} from "../grid-slots";

// @ts-ignore: decorator
@inline function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function setF64(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}
// @ts-ignore: decorator
@inline function f32At(base: usize, i: i32): f64 {
  return <f64>load<f32>(base + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function u8At(base: usize, i: i32): u32 {
  return load<u8>(base + <usize>i);
}
// @ts-ignore: decorator
@inline function setU8(base: usize, i: i32, v: u8): void {
  store<u8>(base + <usize>i, v);
}

const ACTIVE: u32 = 0;
const WGS84_F: f64 = 1.0 / 298.257223563;
const E2: f64 = WGS84_F * (2.0 - WGS84_F);
const WGS84_A: f64 = 6378137.0;
const INV_A: f64 = 1.0 / WGS84_A;
const INV_A_1ME2: f64 = 1.0 / (WGS84_A * (1.0 - E2));
const SHORT_MOVE_M: f64 = 1000.0;
const SHORT_MOVE_MIN_COS: f64 = 0.02;
const SIXTH: f64 = 1.0 / 6.0;
const TWENTIETH: f64 = 1.0 / 20.0;
const TWELFTH: f64 = 1.0 / 12.0;
const THIRTIETH: f64 = 1.0 / 30.0;
const DEGREES_PER_RADIAN: f64 = 180.0 / Math.PI;

// The arrays of the current drift() call, for driftOne() (every thread has its own instance).
let gStatus: usize = 0;
let gCapsized: usize = 0;
let gMark: usize = 0;
let gLon: usize = 0;
let gLat: usize = 0;
let gPrevLon: usize = 0;
let gPrevLat: usize = 0;
let gSinLat: usize = 0;
let gCosLat: usize = 0;
let gSinLon: usize = 0;
let gCosLon: usize = 0;
let gWindU: usize = 0;
let gWindV: usize = 0;
let gCurrentU: usize = 0;
let gCurrentV: usize = 0;
let gDwSlope: usize = 0;
let gDwOffset: usize = 0;
let gDwEps: usize = 0;
let gCwSlope: usize = 0;
let gCwOffset: usize = 0;
let gCwEps: usize = 0;

/**
 * leeway.ts drift() with geodesy.ts moveTwice() (short moves): moves every active particle by its leeway
 * and then by the current over dt. Particles whose moves are long or near a pole are left untouched and
 * marked (mark[i] = 1) for the JavaScript kernel; returns how many. Two particles at a time (f64x2 lanes,
 * the same IEEE operations per lane), one at a time where a pair is not two active short moves.
 *
 * In chunks of `chunk` particles (an even number), each in three passes over its pairs: the leeway, its
 * move, the current's move. Each pass is a long chain of dependent operations per pair: in a short loop
 * the processor overlaps several pairs, in one long loop it could not (a third less time). `scratch` holds
 * 4 × chunk f64 and a byte per pair (see geodesicMoves).
 */
export function drift(
  n: i32,
  status: usize,
  capsized: usize,
  mark: usize,
  lon: usize,
  lat: usize,
  prevLon: usize,
  prevLat: usize,
  sinLat: usize,
  cosLat: usize,
  sinLon: usize,
  cosLon: usize,
  windU: usize,
  windV: usize,
  currentU: usize,
  currentV: usize,
  dwSlope: usize,
  dwOffset: usize,
  dwEps: usize,
  cwSlope: usize,
  cwOffset: usize,
  cwEps: usize,
  dt: f64,
  capsizedLeewayFraction: f64,
  scratch: usize,
  chunk: i32,
): i32 {
  gStatus = status;
  gCapsized = capsized;
  gMark = mark;
  gLon = lon;
  gLat = lat;
  gPrevLon = prevLon;
  gPrevLat = prevLat;
  gSinLat = sinLat;
  gCosLat = cosLat;
  gSinLon = sinLon;
  gCosLon = cosLon;
  gWindU = windU;
  gWindV = windV;
  gCurrentU = currentU;
  gCurrentV = currentV;
  gDwSlope = dwSlope;
  gDwOffset = dwOffset;
  gDwEps = dwEps;
  gCwSlope = cwSlope;
  gCwOffset = cwOffset;
  gCwEps = cwEps;
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const half = f64x2.splat(0.5);
  const c005 = f64x2.splat(0.05);
  const c001 = f64x2.splat(0.01);
  const dtv = f64x2.splat(dt);
  let marked = 0;
  let i: i32 = 0;
  const c8 = <usize>chunk << 3;
  const skip = scratch + 4 * c8;
  for (let from: i32 = 0; from + 1 < n; from += chunk) {
    const to = min(n & ~1, from + chunk);
    for (i = from; i < to; i += 2) {
      const o8 = <usize>i << 3;
      const o4 = <usize>i << 2;
      const s8 = <usize>(i - from) << 3;
      const pair = skip + (<usize>(i - from) >> 1);
      // A pair that is not two active particles is moved one by one, whole (and skipped by the moves).
      store<u8>(pair, 1);
      store<u16>(mark + <usize>i, 0);
      if (load<u16>(status + <usize>i) != 0) {
        marked += driftOne(i, dt, capsizedLeewayFraction) + driftOne(i + 1, dt, capsizedLeewayFraction);
        continue;
      }
      const u10 = v128.load(windU + o8);
      const v10 = v128.load(windV + o8);
      const speed = f64x2.sqrt(f64x2.add(f64x2.mul(u10, u10), f64x2.mul(v10, v10)));
      const moving = f64x2.gt(speed, zero);
      const invSpeed = v128.bitselect(f64x2.div(one, speed), zero, moving);
      const sinT = f64x2.mul(u10, invSpeed);
      const cosT = v128.bitselect(f64x2.mul(v10, invSpeed), one, moving);
      const dwE = f64x2.promote_low_f32x4(v128.load64_zero(dwEps + o4));
      const cwE = f64x2.promote_low_f32x4(v128.load64_zero(cwEps + o4));
      const dwS = f64x2.promote_low_f32x4(v128.load64_zero(dwSlope + o4));
      const dwO = f64x2.promote_low_f32x4(v128.load64_zero(dwOffset + o4));
      const cwS = f64x2.promote_low_f32x4(v128.load64_zero(cwSlope + o4));
      const cwO = f64x2.promote_low_f32x4(v128.load64_zero(cwOffset + o4));
      const downwind = f64x2.mul(
        f64x2.add(f64x2.add(f64x2.mul(f64x2.add(dwS, f64x2.mul(dwE, c005)), speed), dwO), f64x2.mul(dwE, half)),
        c001,
      );
      const crosswind = f64x2.mul(
        f64x2.add(f64x2.add(f64x2.mul(f64x2.add(cwS, f64x2.mul(cwE, c005)), speed), cwO), f64x2.mul(cwE, half)),
        c001,
      );
      let east = f64x2.sub(f64x2.mul(downwind, sinT), f64x2.mul(crosswind, cosT));
      let north = f64x2.add(f64x2.mul(downwind, cosT), f64x2.mul(crosswind, sinT));
      if (load<u16>(capsized + <usize>i) != 0) {
        // x·1 = x exactly: upright lanes keep their leeway.
        const f = f64x2.replace_lane(
          f64x2.splat(u8At(capsized, i) == 1 ? capsizedLeewayFraction : 1),
          1,
          u8At(capsized, i + 1) == 1 ? capsizedLeewayFraction : 1,
        );
        east = f64x2.mul(east, f);
        north = f64x2.mul(north, f);
      }
      const e1 = f64x2.mul(east, dtv);
      const n1 = f64x2.mul(north, dtv);
      store<u8>(pair, 0);
      v128.store(scratch + s8, e1);
      v128.store(scratch + c8 + s8, n1);
    }
    marked += geodesicMoves(from, to, scratch, c8, dt, capsizedLeewayFraction, true);
    geodesicMoves(from, to, scratch, c8, dt, capsizedLeewayFraction, false);
  }
  i = n & ~1;
  for (; i < n; i++) {
    setU8(mark, i, 0);
    marked += driftOne(i, dt, capsizedLeewayFraction);
  }
  return marked;
}

/**
 * One of moveTwice()'s two second-order geodesic moves for the pairs of drift()'s chunk [from, to) not
 * moved whole. drift()'s scratch: four rows of `chunk` f64 by pair of the chunk, then a byte per pair (1:
 * moved whole). The first move (the leeway, its east and north in rows 0 and 1) moves whole the pairs whose
 * moves are long or near a pole (returns how many it left to JavaScript), starts from the particles'
 * latitudes and leaves the longitude and latitude changes, sin and cos of the latitude in rows 0–3; the
 * second (the current) goes on from there and writes the particles' new positions.
 */
// @ts-ignore: decorator
@inline function geodesicMoves(
  from: i32,
  to: i32,
  scratch: usize,
  c8: usize,
  dt: f64,
  capsizedLeewayFraction: f64,
  first: bool,
): i32 {
  // The arrays in locals: V8 would otherwise read the globals at every use.
  const currentU = gCurrentU;
  const currentV = gCurrentV;
  const sinLat = gSinLat;
  const cosLat = gCosLat;
  const sinLon = gSinLon;
  const cosLon = gCosLon;
  const lon = gLon;
  const lat = gLat;
  const prevLon = gPrevLon;
  const prevLat = gPrevLat;
  const skip = scratch + 4 * c8;
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const half = f64x2.splat(0.5);
  const dtv = f64x2.splat(dt);
  const e2v = f64x2.splat(E2);
  const threeE2 = f64x2.splat(3 * E2);
  const invA = f64x2.splat(INV_A);
  const invA1me2 = f64x2.splat(INV_A_1ME2);
  const sixth = f64x2.splat(SIXTH);
  const twentieth = f64x2.splat(TWENTIETH);
  const twelfth = f64x2.splat(TWELFTH);
  const thirtieth = f64x2.splat(THIRTIETH);
  const degrees = f64x2.splat(DEGREES_PER_RADIAN);
  const minCos = f64x2.splat(SHORT_MOVE_MIN_COS);
  const short2 = f64x2.splat(SHORT_MOVE_M * SHORT_MOVE_M);
  let marked = 0;
  for (let i = from; i < to; i += 2) {
    const pair = skip + (<usize>(i - from) >> 1);
    if (load<u8>(pair) != 0) continue;
    const o8 = <usize>i << 3;
    const s8 = <usize>(i - from) << 3;
    const de = first ? v128.load(scratch + s8) : f64x2.mul(v128.load(currentU + o8), dtv);
    const dn = first ? v128.load(scratch + c8 + s8) : f64x2.mul(v128.load(currentV + o8), dtv);
    const sinPhi = first ? v128.load(sinLat + o8) : v128.load(scratch + 2 * c8 + s8);
    const cosPhi = first ? v128.load(cosLat + o8) : v128.load(scratch + 3 * c8 + s8);
    if (first) {
      // Both moves short, away from the poles? Otherwise the pair is moved one by one, whole.
      const e2 = f64x2.mul(v128.load(currentU + o8), dtv);
      const n2 = f64x2.mul(v128.load(currentV + o8), dtv);
      const short = v128.and(
        f64x2.gt(cosPhi, minCos),
        v128.and(
          f64x2.le(f64x2.add(f64x2.mul(de, de), f64x2.mul(dn, dn)), short2),
          f64x2.le(f64x2.add(f64x2.mul(e2, e2), f64x2.mul(n2, n2)), short2),
        ),
      );
      if (!i64x2.all_true(short)) {
        marked += driftOne(i, dt, capsizedLeewayFraction) + driftOne(i + 1, dt, capsizedLeewayFraction);
        store<u8>(pair, 1);
        continue;
      }
    }
    const w = f64x2.sub(one, f64x2.mul(f64x2.mul(e2v, sinPhi), sinPhi));
    const q = f64x2.sqrt(w);
    const invN = f64x2.mul(q, invA);
    const invM = f64x2.mul(f64x2.mul(w, q), invA1me2);
    const r = f64x2.div(one, f64x2.mul(cosPhi, w));
    const sec = f64x2.mul(w, r);
    const invW = f64x2.mul(cosPhi, r);
    const tanInvN = f64x2.mul(f64x2.mul(sinPhi, sec), invN);
    const a = f64x2.mul(dn, invM);
    const inner1 = f64x2.mul(f64x2.mul(f64x2.mul(de, de), tanInvN), invM);
    const inner2 = f64x2.mul(f64x2.mul(f64x2.mul(f64x2.mul(f64x2.mul(threeE2, sinPhi), cosPhi), a), a), invW);
    const step = f64x2.sub(a, f64x2.mul(half, f64x2.add(inner1, inner2)));
    // The sums start from 0 as moveTwice()'s do (0 + x is not x when x is −0).
    const dLam = f64x2.add(
      first ? zero : v128.load(scratch + s8),
      f64x2.mul(f64x2.mul(f64x2.mul(de, invN), sec), f64x2.add(one, f64x2.mul(dn, tanInvN))),
    );
    const dPhi = f64x2.add(first ? zero : v128.load(scratch + c8 + s8), step);
    const d2 = f64x2.mul(step, step);
    const sd = f64x2.mul(step, f64x2.sub(one, f64x2.mul(d2, sixth)));
    const cd = f64x2.sub(one, f64x2.mul(d2, half));
    const sn = f64x2.add(f64x2.mul(sinPhi, cd), f64x2.mul(cosPhi, sd));
    const cs = f64x2.sub(f64x2.mul(cosPhi, cd), f64x2.mul(sinPhi, sd));
    if (first) {
      v128.store(scratch + s8, dLam);
      v128.store(scratch + c8 + s8, dPhi);
      v128.store(scratch + 2 * c8 + s8, sn);
      v128.store(scratch + 3 * c8 + s8, cs);
      continue;
    }
    const e2s = f64x2.mul(dLam, dLam);
    const se = f64x2.mul(
      dLam,
      f64x2.sub(one, f64x2.mul(f64x2.mul(e2s, sixth), f64x2.sub(one, f64x2.mul(e2s, twentieth)))),
    );
    const ce = f64x2.sub(
      one,
      f64x2.mul(
        f64x2.mul(e2s, half),
        f64x2.sub(one, f64x2.mul(f64x2.mul(e2s, twelfth), f64x2.sub(one, f64x2.mul(e2s, thirtieth)))),
      ),
    );
    const lon0 = v128.load(lon + o8);
    const lat0 = v128.load(lat + o8);
    v128.store(prevLon + o8, lon0);
    v128.store(prevLat + o8, lat0);
    const sinLam = v128.load(sinLon + o8);
    const cosLam = v128.load(cosLon + o8);
    v128.store(lat + o8, f64x2.add(lat0, f64x2.mul(dPhi, degrees)));
    v128.store(lon + o8, f64x2.add(lon0, f64x2.mul(dLam, degrees)));
    v128.store(sinLat + o8, sn);
    v128.store(cosLat + o8, cs);
    v128.store(sinLon + o8, f64x2.add(f64x2.mul(sinLam, ce), f64x2.mul(cosLam, se)));
    v128.store(cosLon + o8, f64x2.sub(f64x2.mul(cosLam, ce), f64x2.mul(sinLam, se)));
  }
  return marked;
}

/** drift() of particle i alone (on the arrays set by drift()); 1 when it is left to JavaScript. */
function driftOne(i: i32, dt: f64, capsizedLeewayFraction: f64): i32 {
  if (u8At(gStatus, i) != ACTIVE) return 0;
  const short2 = SHORT_MOVE_M * SHORT_MOVE_M;
  const u10 = f64At(gWindU, i);
  const v10 = f64At(gWindV, i);
  const speed = Math.sqrt(u10 * u10 + v10 * v10);
  const invSpeed = speed > 0 ? 1 / speed : 0;
  const sinT = u10 * invSpeed;
  const cosT = speed > 0 ? v10 * invSpeed : 1;
  const dwE = f32At(gDwEps, i);
  const cwE = f32At(gCwEps, i);
  const downwind = ((f32At(gDwSlope, i) + dwE * 0.05) * speed + f32At(gDwOffset, i) + dwE * 0.5) * 0.01;
  const crosswind = ((f32At(gCwSlope, i) + cwE * 0.05) * speed + f32At(gCwOffset, i) + cwE * 0.5) * 0.01;
  let east = downwind * sinT - crosswind * cosT;
  let north = downwind * cosT + crosswind * sinT;
  if (u8At(gCapsized, i) == 1) {
    east *= capsizedLeewayFraction;
    north *= capsizedLeewayFraction;
  }
  const e1 = east * dt;
  const n1 = north * dt;
  const e2 = f64At(gCurrentU, i) * dt;
  const n2 = f64At(gCurrentV, i) * dt;
  let sinPhi = f64At(gSinLat, i);
  let cosPhi = f64At(gCosLat, i);
  if (!(cosPhi > SHORT_MOVE_MIN_COS && e1 * e1 + n1 * n1 <= short2 && e2 * e2 + n2 * n2 <= short2)) {
    setU8(gMark, i, 1);
    return 1;
  }
  const lon0 = f64At(gLon, i);
  const lat0 = f64At(gLat, i);
  setF64(gPrevLon, i, lon0);
  setF64(gPrevLat, i, lat0);
  let dPhi: f64 = 0;
  let dLam: f64 = 0;
  for (let move = 0; move < 2; move++) {
    const de = move == 0 ? e1 : e2;
    const dn = move == 0 ? n1 : n2;
    const w = 1 - E2 * sinPhi * sinPhi;
    const q = Math.sqrt(w);
    const invN = q * INV_A;
    const invM = w * q * INV_A_1ME2;
    const r = 1 / (cosPhi * w);
    const sec = w * r;
    const invW = cosPhi * r;
    const tanInvN = sinPhi * sec * invN;
    const a = dn * invM;
    const step = a - 0.5 * (de * de * tanInvN * invM + 3 * E2 * sinPhi * cosPhi * a * a * invW);
    dLam += de * invN * sec * (1 + dn * tanInvN);
    dPhi += step;
    const d2 = step * step;
    const sd = step * (1 - d2 * SIXTH);
    const cd = 1 - d2 * 0.5;
    const s = sinPhi * cd + cosPhi * sd;
    cosPhi = cosPhi * cd - sinPhi * sd;
    sinPhi = s;
  }
  const e2s = dLam * dLam;
  const se = dLam * (1 - e2s * SIXTH * (1 - e2s * TWENTIETH));
  const ce = 1 - e2s * 0.5 * (1 - e2s * TWELFTH * (1 - e2s * THIRTIETH));
  const sinLam = f64At(gSinLon, i);
  const cosLam = f64At(gCosLon, i);
  setF64(gLat, i, lat0 + dPhi * DEGREES_PER_RADIAN);
  setF64(gLon, i, lon0 + dLam * DEGREES_PER_RADIAN);
  setF64(gSinLat, i, sinPhi);
  setF64(gCosLat, i, cosPhi);
  setF64(gSinLon, i, sinLam * ce + cosLam * se);
  setF64(gCosLon, i, cosLam * ce - sinLam * se);
  return 0;
}

/** need[i] = 1 for active particles, else 0 (leeway.ts sampleForcing). */
export function needActive(n: i32, status: usize, need: usize): void {
  let i: i32 = 0;
  // Sixteen at a time: 1 where the status byte is 0 (active).
  for (; i + 16 <= n; i += 16)
    v128.store(need + <usize>i, v128.and(i8x16.eq(v128.load(status + <usize>i), i8x16.splat(0)), i8x16.splat(1)));
  for (; i < n; i++) setU8(need, i, u8At(status, i) == ACTIVE ? 1 : 0);
}

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

/** leeway.ts countActive(). */
export function countActive(n: i32, status: usize): i32 {
  let active = 0;
  let i: i32 = 0;
  for (; i + 16 <= n; i += 16) active += popcnt<i32>(i8x16.bitmask(i8x16.eq(v128.load(status + <usize>i), i8x16.splat(0))));
  for (; i < n; i++) if (u8At(status, i) == ACTIVE) active++;
  return active;
}

const MISSING_DATA: u8 = 2;

/** The end of leeway.ts sampleForcing(): particles still needing forcing get missing_data and NaN. */
export function markMissing(n: i32, need: usize, status: usize, u: usize, v: usize): i32 {
  let missing = 0;
  for (let i: i32 = 0; i < n; i++) {
    // Sixteen particles served at once are passed over together.
    if ((i & 15) == 0 && i + 16 <= n && !v128.any_true(v128.load(need + <usize>i))) {
      i += 15;
      continue;
    }
    if (u8At(need, i) == 1) {
      setU8(status, i, MISSING_DATA);
      setF64(u, i, NaN);
      setF64(v, i, NaN);
      missing++;
    }
  }
  return missing;
}

const UNRELEASED: u32 = 255;

/** leeway.ts releaseDue(). */
export function releaseDue(
  n: i32,
  status: usize,
  releaseTime: usize,
  lon: usize,
  lat: usize,
  prevLon: usize,
  prevLat: usize,
  t: f64,
  dt: f64,
): i32 {
  let released = 0;
  const end = t + dt;
  for (let i: i32 = 0; i < n; i++) {
    // Sixteen particles released already are passed over together.
    if ((i & 15) == 0 && i + 16 <= n && !v128.any_true(i8x16.eq(v128.load(status + <usize>i), i8x16.splat(-1)))) {
      i += 15;
      continue;
    }
    if (u8At(status, i) != UNRELEASED) continue;
    const rt = f64At(releaseTime, i);
    if (dt > 0 ? rt >= t && rt < end : rt <= t && rt > end) {
      setU8(status, i, <u8>ACTIVE);
      setF64(prevLon, i, f64At(lon, i));
      setF64(prevLat, i, f64At(lat, i));
      released++;
    }
  }
  return released;
}

const MT_N: i32 = 624;
const MT_M: i32 = 397;

// @ts-ignore: decorator
@inline function mtWord(mt: usize, k: i32): u32 {
  return load<u32>(mt + (<usize>k << 2));
}

// @ts-ignore: decorator
@inline function twistWord(a: u32, b: u32, c: u32): u32 {
  const y = (a & 0x80000000) | (b & 0x7fffffff);
  return c ^ (y >>> 1) ^ (-(y & 1) & 0x9908b0df);
}

/** rng.ts LegacyRandom twist(), four words at a time (each vector reads only words not yet rewritten). */
function twist(mt: usize): void {
  const upper = i32x4.splat(0x80000000);
  const lower = i32x4.splat(0x7fffffff);
  const matrix = i32x4.splat(0x9908b0df);
  const one = i32x4.splat(1);
  let i = 0;
  for (; i + 4 <= MT_N - MT_M; i += 4) {
    const at = mt + (<usize>i << 2);
    const y = v128.or(v128.and(v128.load(at), upper), v128.and(v128.load(at, 4), lower));
    const mag = v128.and(i32x4.neg(v128.and(y, one)), matrix);
    v128.store(at, v128.xor(v128.xor(v128.load(at + (<usize>MT_M << 2)), i32x4.shr_u(y, 1)), mag));
  }
  for (; i < MT_N - MT_M; i++)
    store<u32>(mt + (<usize>i << 2), twistWord(mtWord(mt, i), mtWord(mt, i + 1), mtWord(mt, i + MT_M)));
  for (; i + 4 <= MT_N - 1; i += 4) {
    const at = mt + (<usize>i << 2);
    const y = v128.or(v128.and(v128.load(at), upper), v128.and(v128.load(at, 4), lower));
    const mag = v128.and(i32x4.neg(v128.and(y, one)), matrix);
    v128.store(at, v128.xor(v128.xor(v128.load(at - (<usize>(MT_N - MT_M) << 2)), i32x4.shr_u(y, 1)), mag));
  }
  for (; i < MT_N - 1; i++)
    store<u32>(mt + (<usize>i << 2), twistWord(mtWord(mt, i), mtWord(mt, i + 1), mtWord(mt, i + MT_M - MT_N)));
  store<u32>(mt + (<usize>(MT_N - 1) << 2), twistWord(mtWord(mt, MT_N - 1), mtWord(mt, 0), mtWord(mt, MT_M - 1)));
}

// @ts-ignore: decorator
@inline function tempered(word: u32): u32 {
  let y = word;
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  y ^= y >>> 18;
  return y;
}

// @ts-ignore: decorator
@inline function uniform53(a: u32, b: u32): f64 {
  return (<f64>(a >>> 5) * 67108864.0 + <f64>(b >>> 6)) / 9007199254740992.0;
}

/**
 * rng.ts LegacyRandom fillRandom(): count uniforms into out from the MT19937 state at mt (624 words) at
 * word `index`; returns the new index.
 */
export function fillUniform(mt: usize, index: i32, out: usize, count: i32): i32 {
  let i: i32 = 0;
  while (i < count) {
    if (index >= MT_N) {
      twist(mt);
      index = 0;
    }
    let pairs = (MT_N - index) >> 1;
    if (count - i < pairs) pairs = count - i;
    // Two uniforms (four words) at a time: a from words 0 and 2, b from words 1 and 3.
    let p = 0;
    for (; p + 2 <= pairs; p += 2) {
      let y = v128.load(mt + (<usize>index << 2));
      y = v128.xor(y, i32x4.shr_u(y, 11));
      y = v128.xor(y, v128.and(i32x4.shl(y, 7), i32x4.splat(0x9d2c5680)));
      y = v128.xor(y, v128.and(i32x4.shl(y, 15), i32x4.splat(0xefc60000)));
      y = v128.xor(y, i32x4.shr_u(y, 18));
      const a = f64x2.convert_low_i32x4_u(v128.shuffle<u32>(i32x4.shr_u(y, 5), y, 0, 2, 0, 2));
      const b = f64x2.convert_low_i32x4_u(v128.shuffle<u32>(i32x4.shr_u(y, 6), y, 1, 3, 1, 3));
      // (a·2²⁶ + b)/2⁵³: the sum is an integer below 2⁵³, so the division is exact, as is this product.
      const value = f64x2.mul(f64x2.add(f64x2.mul(a, f64x2.splat(67108864.0)), b), f64x2.splat(1.0 / 9007199254740992.0));
      v128.store(out + (<usize>i << 3), value);
      i += 2;
      index += 4;
    }
    for (; p < pairs; p++) {
      setF64(out, i++, uniform53(tempered(mtWord(mt, index)), tempered(mtWord(mt, index + 1))));
      index += 2;
    }
    if (i < count && index == MT_N - 1) {
      const a = tempered(mtWord(mt, index));
      twist(mt);
      const b = tempered(mtWord(mt, 0));
      index = 1;
      setF64(out, i++, uniform53(a, b));
    }
  }
  return index;
}

const BIN_COAST: u32 = 2;
const BIN_LAND: u32 = 1;
const LAND_BLOCK: i32 = -2;

/**
 * The land test of leeway.ts applyCoastline() (coastline/landmask.ts RasterLandMask.isLand) for every
 * active particle: mark[i] = 1 on land, 2 in a coastal bin whose raster is not in this memory yet (the
 * JavaScript mask decides), else 0. Returns how many are marked; their indices, ascending, are in `marked`
 * (i32). Per 1° bin (row × 360 + column): states[b] (0 sea, 1 land, 2 coastal), and for coastal bins copied
 * here the byte offsets of their block table (binBlocks[b], i32) and bits (binBits[b]); 0 when not copied.
 *
 * In chunks of `chunk` particles (even), in two passes: each particle's bin and cell (f64x2 where a pair
 * lies in ordinary longitudes and latitudes) into `scratch` (3 × chunk i32), then the look-ups.
 */
export function landHits(
  n: i32,
  status: usize,
  lon: usize,
  lat: usize,
  mark: usize,
  marked: usize,
  states: usize,
  binBlocks: usize,
  binBits: usize,
  cellsPerDegree: i32,
  blockSide: i32,
  scratch: usize,
  chunk: i32,
): i32 {
  const cells = <f64>cellsPerDegree;
  const c4 = <usize>chunk << 2;
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const c360 = f64x2.splat(360);
  const c180 = f64x2.splat(180);
  const c90 = f64x2.splat(90);
  const cellsV = f64x2.splat(cells);
  const lastCell = f64x2.splat(cells - 1);
  let count = 0;
  for (let from: i32 = 0; from < n; from += chunk) {
    const to = min(n, from + chunk);
    let i = from;
    for (; i + 1 < to; i += 2) {
      const x = v128.load(lon + (<usize>i << 3));
      const yr = f64x2.sub(c90, v128.load(lat + (<usize>i << 3)));
      // Longitudes in [0, 360) and latitudes in (−90, 90] need no wrapping or clamping (NaN is not in them).
      const ordinary = v128.and(
        v128.and(f64x2.ge(x, zero), f64x2.lt(x, c360)),
        v128.and(f64x2.ge(yr, zero), f64x2.lt(yr, c180)),
      );
      if (!i64x2.all_true(ordinary)) {
        landCell(f64At(lon, i), f64At(lat, i), scratch, c4, i - from, cells, cellsPerDegree);
        landCell(f64At(lon, i + 1), f64At(lat, i + 1), scratch, c4, i + 1 - from, cells, cellsPerDegree);
        continue;
      }
      const col = f64x2.floor(x);
      const row = f64x2.floor(yr);
      const ci = f64x2.min(f64x2.floor(f64x2.mul(f64x2.sub(x, col), cellsV)), lastCell);
      const cj = f64x2.min(f64x2.floor(f64x2.mul(f64x2.sub(f64x2.add(row, one), yr), cellsV)), lastCell);
      const s4 = scratch + (<usize>(i - from) << 2);
      v128.store64_lane(s4, i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.mul(row, c360), col)), 0);
      v128.store64_lane(s4 + c4, i32x4.trunc_sat_f64x2_s_zero(ci), 0);
      v128.store64_lane(s4 + 2 * c4, i32x4.trunc_sat_f64x2_s_zero(cj), 0);
    }
    if (i < to) landCell(f64At(lon, i), f64At(lat, i), scratch, c4, i - from, cells, cellsPerDegree);
    for (i = from; i < to; i++) {
      setU8(mark, i, 0);
      if (u8At(status, i) != ACTIVE) continue;
      const s4 = scratch + (<usize>(i - from) << 2);
      const b = load<i32>(s4);
      if (b < 0) continue;
      const state = u8At(states, b);
      let land: bool;
      if (state != BIN_COAST) land = state == BIN_LAND;
      else {
        const blocks = <usize>load<u32>(binBlocks + (<usize>b << 2));
        if (blocks == 0) {
          setU8(mark, i, 2);
          store<i32>(marked + (<usize>count << 2), i);
          count++;
          continue;
        }
        const ci = load<i32>(s4 + c4);
        const cj = load<i32>(s4 + 2 * c4);
        const o = load<i32>(blocks + (<usize>((cj >> 6) * blockSide + (ci >> 6)) << 2));
        if (o < 0) land = o == LAND_BLOCK;
        else {
          const bits = <usize>load<u32>(binBits + (<usize>b << 2));
          land = ((load<u8>(bits + <usize>(o + ((cj & 63) << 3) + ((ci & 63) >> 3))) >> (ci & 7)) & 1) == 1;
        }
      }
      if (land) {
        setU8(mark, i, 1);
        store<i32>(marked + (<usize>count << 2), i);
        count++;
      }
    }
  }
  return count;
}

/**
 * RasterLandMask.isLand's bin (row × 360 + column, or −1 off the globe) and cell in it of one position,
 * into landHits()' scratch at k: wrapped longitudes, clamped latitudes.
 */
function landCell(lonDeg: f64, latDeg: f64, scratch: usize, c4: usize, k: i32, cells: f64, cellsPerDegree: i32): void {
  const s4 = scratch + (<usize>k << 2);
  let x = lonDeg;
  if (x < 0 || x >= 360) x -= 360 * Math.floor(x / 360);
  let yr = 90 - latDeg;
  if (yr < 0) yr = 0;
  else if (yr >= 180) yr = 179.9999999;
  if (!(x >= 0 && yr >= 0)) {
    store<i32>(s4, -1);
    return;
  }
  let col = Math.floor(x);
  if (col >= 360) {
    col = 0;
    x = 0;
  }
  const row = Math.floor(yr);
  let ci = <i32>Math.floor((x - col) * cells);
  if (ci >= cellsPerDegree) ci = cellsPerDegree - 1;
  let cj = <i32>Math.floor((row + 1 - yr) * cells);
  if (cj >= cellsPerDegree) cj = cellsPerDegree - 1;
  store<i32>(s4, <i32>row * 360 + <i32>col);
  store<i32>(s4 + c4, ci);
  store<i32>(s4 + 2 * c4, cj);
}

/**
 * leeway.ts jibe(): active particle k (in particle order) takes draws[offset + k] (a ring of `capacity`);
 * below perStep its crosswind slope changes sign and its orientation flips.
 */
export function jibe(
  n: i32,
  status: usize,
  orientation: usize,
  cwSlope: usize,
  draws: usize,
  capacity: i32,
  offset: i32,
  perStep: f64,
): void {
  let k = offset;
  for (let i: i32 = 0; i < n; i++) {
    if (u8At(status, i) != ACTIVE) continue;
    const u = f64At(draws, k);
    k = k + 1 == capacity ? 0 : k + 1;
    if (u < perStep) {
      const at = cwSlope + (<usize>i << 2);
      store<f32>(at, -load<f32>(at));
      setU8(orientation, i, <u8>(1 - u8At(orientation, i)));
    }
  }
}
