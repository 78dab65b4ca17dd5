// AssemblyScript source of the WebAssembly step kernels (compiled by `npm run build:wasm` into
// ../kernels.wasm, which is committed; test/core/wasm-kernels.test.ts checks that the two agree).
//
// Each kernel is the fast path of a JavaScript kernel and gives the same numbers bit for bit: the same
// IEEE operations in the same order (WebAssembly has no fused multiply-add, and f64.sqrt/f64.floor are
// exact like Math.sqrt/Math.floor). Cases a kernel does not cover are left to the JavaScript kernel
// (drift marks them; the samplers are only called for the grids they cover).
//
// Arguments are byte offsets into the one (shared) memory the particle arrays live in.
//
// The kernels live with their owners, beside their TypeScript twins: drift, release, draws and jibe here
// (src/core), sampleGrid in src/forcing/assembly (field.ts sampleGriddedField), landHits in
// src/coastline/assembly (landmask.ts). This file is the module asc compiles: it re-exports the others.
// The parameters of every kernel are listed once more in KERNEL_PARAMETERS (../kernels.ts), checked by
// test/core/wasm-interface.test.ts.

import { ACTIVE, E2, f32At, f64At, setF64, setU8, u8At, WGS84_A } from "./shared";


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
// Forcing: the gridded sampler (kept in this place of the list: the exports keep their order in the binary).
export { sampleGrid } from "../../../forcing/assembly/sample-grid";

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

// Coastline: the land test on the mask's bins.
export { landHits } from "../../../coastline/assembly/land-hits";

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
