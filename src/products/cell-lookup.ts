// The density raster of the pictures: which grid cell lies under each pixel (computed once per view), the
// probability per km² of each cell, and the painting of one time layer.
import type { Converter } from "proj4";
import { proj4js } from "../forcing/proj4js.js";
import { DENSITY_RAMP } from "./map-colours.js";
import type { MapView } from "./map-view.js";
import type { DensityGrids } from "./types.js";

/**
 * For every pixel of the view's rectangle, the index of the density cell under it (row-major ny*nx), or −1.
 * The grid is regular in its own projection (grids.proj4); the table is reused for every time layer.
 *
 * Projecting every pixel with proj4 is slow (half a million calls), so along each row only every
 * LOOKUP_STEP-th pixel is projected and the grid coordinates in between are interpolated linearly. The
 * interpolation error is bounded from the second differences of the projected samples; a pixel whose
 * interpolated coordinate lies closer than that bound (with a wide margin) to a cell edge is projected
 * exactly, so the table is the same as projecting every pixel.
 */
export function cellLookup(view: MapView, grids: DensityGrids): Int32Array {
  const { w, h } = view.rect;
  const out = new Int32Array(w * h).fill(-1);
  if (grids.nx === 0 || grids.ny === 0) return out;
  let conv: Converter;
  try {
    conv = proj4js()(grids.proj4);
  } catch (e) {
    throw new Error(
      `map: density grid proj4 string "${grids.proj4}" is not understood: ${(e as Error).message}`,
    );
  }
  const { nx, ny } = grids;
  const dx = nx > 1 ? grids.x[1] - grids.x[0] : grids.cellM;
  const dy = ny > 1 ? grids.y[1] - grids.y[0] : grids.cellM;
  const x0 = grids.x[0];
  const y0 = grids.y[0];
  const lons = new Float64Array(w);
  for (let px = 0; px < w; px++) lons[px] = view.lon(view.rect.x + px + 0.5);
  const p: [number, number] = [0, 0];
  // Grid coordinates (fractional cell indices) of one pixel, exactly as projected.
  let gu = 0;
  let gv = 0;
  const project = (lon: number, lat: number): void => {
    p[0] = lon;
    p[1] = lat;
    const q = conv.forward(p);
    gu = (q[0] - x0) / dx;
    gv = (q[1] - y0) / dy;
  };
  const store = (row: number, px: number, u: number, v: number): void => {
    const i = Math.round(u);
    const j = Math.round(v);
    if (i >= 0 && i < nx && j >= 0 && j < ny) out[row + px] = j * nx + i;
  };

  // Sample columns: every LOOKUP_STEP-th pixel and the last one.
  const step = LOOKUP_STEP;
  const cols: number[] = [];
  for (let px = 0; px < w; px += step) cols.push(px);
  if (cols[cols.length - 1] !== w - 1) cols.push(w - 1);
  const su = new Float64Array(cols.length);
  const sv = new Float64Array(cols.length);

  for (let py = 0; py < h; py++) {
    const lat = view.lat(view.rect.y + py + 0.5);
    const row = py * w;
    let finite = true;
    for (let s = 0; s < cols.length; s++) {
      project(lons[cols[s]], lat);
      su[s] = gu;
      sv[s] = gv;
      if (!(Number.isFinite(gu) && Number.isFinite(gv))) finite = false;
    }
    // Largest second difference over evenly spaced sample triples: ≈ step² · |f''|.
    let curvature = 0;
    for (let s = 1; s + 1 < cols.length; s++) {
      if (cols[s + 1] - cols[s] !== step || cols[s] - cols[s - 1] !== step) continue;
      curvature = Math.max(
        curvature,
        Math.abs(su[s - 1] - 2 * su[s] + su[s + 1]),
        Math.abs(sv[s - 1] - 2 * sv[s] + sv[s + 1]),
      );
    }
    // Linear interpolation errs by at most step² · max|f''| / 8 ≈ curvature / 8: take 8 times that, plus
    // room for rounding. Rows too short to measure (or not projectable) are projected pixel by pixel.
    const margin = curvature + 1e-6;
    if (!finite || cols.length < 3 || !(margin < 0.05)) {
      for (let px = 0; px < w; px++) {
        project(lons[px], lat);
        store(row, px, gu, gv);
      }
      continue;
    }
    for (let s = 0; s + 1 < cols.length; s++) {
      const a = cols[s];
      const b = cols[s + 1];
      const u0 = su[s];
      const v0 = sv[s];
      const du = (su[s + 1] - u0) / (b - a);
      const dv = (sv[s + 1] - v0) / (b - a);
      store(row, a, u0, v0);
      for (let px = a + 1; px < b; px++) {
        const u = u0 + du * (px - a);
        const v = v0 + dv * (px - a);
        // Distance to the nearest cell edge (Math.round switches at k + 0.5).
        const eu = Math.abs(u - Math.floor(u) - 0.5);
        const ev = Math.abs(v - Math.floor(v) - 0.5);
        if (eu < margin || ev < margin) {
          project(lons[px], lat);
          store(row, px, gu, gv);
        } else store(row, px, u, v);
      }
    }
    store(row, cols[cols.length - 1], su[cols.length - 1], sv[cols.length - 1]);
  }
  return out;
}

/** Pixels between exactly projected samples in cellLookup. */
const LOOKUP_STEP = 16;

/** Probability in % per km² of every cell at time k (0 where empty or nothing afloat) and its maximum. */
export function densityPercentPerKm2(grids: DensityGrids, k: number): { values: Float32Array; max: number } {
  const cells = grids.nx * grids.ny;
  const values = new Float32Array(cells);
  const afloat = grids.afloatWeight[k];
  let max = 0;
  if (afloat > 0) {
    const cellKm2 = (grids.cellM * grids.cellM) / 1e6;
    const f = 100 / afloat / cellKm2;
    const base = k * cells;
    for (let c = 0; c < cells; c++) {
      const v = grids.weight[base + c] * f;
      values[c] = v;
      if (v > max) max = v;
    }
  }
  return { values, max };
}

/**
 * Paints the density layer into an RGBA buffer of the view rectangle: the ramp where the value is > 0,
 * transparent elsewhere; land cells of the grid (used when no coastline polygons are given) in land colour.
 */
export function paintDensity(
  rgba: Uint8ClampedArray,
  lookup: Int32Array,
  values: Float32Array,
  vmax: number,
  land?: Uint8Array,
): void {
  const landRgb = [0xef, 0xe8, 0xd6];
  for (let p = 0; p < lookup.length; p++) {
    const c = lookup[p];
    if (c < 0) continue;
    const o = p * 4;
    const v = values[c];
    if (v > 0 && vmax > 0) {
      const r = Math.min(255, Math.round((v / vmax) * 255)) * 3;
      rgba[o] = DENSITY_RAMP[r];
      rgba[o + 1] = DENSITY_RAMP[r + 1];
      rgba[o + 2] = DENSITY_RAMP[r + 2];
      rgba[o + 3] = 235;
    } else if (land && land[c] === 1) {
      rgba[o] = landRgb[0];
      rgba[o + 1] = landRgb[1];
      rgba[o + 2] = landRgb[2];
      rgba[o + 3] = 255;
    }
  }
}
