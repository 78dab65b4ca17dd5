// AssemblyScript twin of the land test of src/coastline/landmask.ts (RasterLandMask) on the mask's 1° bins,
// compiled into src/core/wasm/kernels.wasm through src/core/wasm/assembly/kernels.ts; the rasters are
// copied into the memory by src/core/wasm/land-raster.ts. Same answers as the TypeScript test.

import { ACTIVE, f64At, setU8, u8At } from "../../core/wasm/assembly/shared";

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

