// The smoothed probability density: a Gaussian kernel density estimate of the afloat particles (by weight) on
// the equal-area density grid, one layer per output time, on a frame that pads the grid so that the kernel's
// tails stay on it. The raw counts are one random draw: their cell-by-cell shape is sampling noise, so search
// areas and the most likely position are read from this density instead.
//
// Bandwidth rule (Silverman's rule of thumb in two dimensions, which there equals Scott's): per axis
// h = s · n^(-1/6), with s = min(standard deviation, interquartile range / 1.349) of the afloat cloud
// (the robust spread keeps a two-mode cloud from being smoothed into one; the IQR is read from the density
// grid where its cells are at most half the spread) and n the effective particle count (Σw)² / Σw² (Kish).
// The kernel runs on the density grid's cells subdivided until a cell is at most half the bandwidth (up to
// 16 × 16 and 4 M cells), and h is floored at one such cell. The kernel is binned: each kernel cell's weight
// spreads from its centre. Land cells (the density grid's, and beyond it the land mask's) hold no density; the
// share the kernel puts on them is reported (landShare) and the sea cells are renormalised to sum to 1.

import { type LandMask, Status } from "../core/types.js";
import type { ProductContext } from "./context.js";
import { projectionOf } from "./polygons.js";
import type { DensityGrids } from "./types.js";

/** Kernel truncation, in bandwidths. */
const KERNEL_RADIUS = 4;
/** The kernel grid's cells are at most half the smaller bandwidth, subdividing the density cells up to this. */
const MAX_SUBDIVISION = 16;
/** Upper bound on the kernel grid's cells per time. */
const MAX_KDE_CELLS = 1 << 22;

/** The grid of one smoothed layer: the density grid's cells subdivided `sub` times, padded for the kernel. */
export interface KdeFrame {
  nx: number;
  ny: number;
  /** Subdivisions of a density cell per axis. */
  sub: number;
  /** Padding on each side, in density cells. */
  pad: number;
  /** Kernel grid cell size, metres. */
  cellM: number;
  /** Lower-left corner (cell edges) of the frame, projected metres. */
  x0: number;
  y0: number;
}

export interface SmoothedLayer {
  frame: KdeFrame;
  /** Probability per frame cell, summing to 1 over the sea cells. */
  density: Float64Array;
  /** The frame cells outside which `density` is zero. */
  box: CellBox;
  /** The density with the mode's wider kernel (unnormalised; land zero), for the most likely position. */
  modeDensity: Float64Array;
  /** The frame cells outside which `modeDensity` is zero. */
  modeBox: CellBox;
  /** The mode's kernel bandwidth (geometric mean of the axes), metres. */
  modeBandwidthM: number;
  /** The same probability summed over each density-grid cell (ny × nx), for density.nc. */
  gridProbability: Float32Array;
  /** Bandwidths (kernel standard deviations), metres. */
  bandwidthXM: number;
  bandwidthYM: number;
  /** Effective number of afloat particles (Σw)² / Σw². */
  effectiveN: number;
  /** Share of the kernel mass that fell on land cells before renormalising to the sea. */
  landShare: number;
}

/** Land flags of density cells, also beyond the grid (centre and four corners on land), cached. */
export class CellLand {
  private readonly outside = new Map<number, number>();
  constructor(
    private readonly grids: DensityGrids,
    private readonly mask: LandMask | undefined,
  ) {}

  /** Is density cell (i, j) land (i, j may lie outside the grid)? */
  at(i: number, j: number): number {
    const g = this.grids;
    if (i >= 0 && i < g.nx && j >= 0 && j < g.ny) return g.land[j * g.nx + i];
    if (!this.mask) return 0;
    const key = (j + 1e5) * 4e5 + (i + 1e5);
    let v = this.outside.get(key);
    if (v === undefined) {
      const proj = projectionOf(g);
      const c = g.cellM;
      const x = g.x[0] - c / 2 + i * c;
      const y = g.y[0] - c / 2 + j * c;
      const p = { lon: 0, lat: 0 };
      const landAt = (px: number, py: number) => {
        proj.inverse(px, py, p);
        return this.mask!.isLand(p.lon, p.lat);
      };
      v =
        landAt(x + c / 2, y + c / 2) &&
        landAt(x, y) &&
        landAt(x + c, y) &&
        landAt(x, y + c) &&
        landAt(x + c, y + c)
          ? 1
          : 0;
      this.outside.set(key, v);
    }
    return v;
  }
}

/** Weighted spread of one axis from a marginal histogram (cell centres 0…m-1): min(σ, IQR/1.349), cells. */
function robustSpread(marginal: Float64Array, total: number, sd: number): number {
  const quantile = (q: number) => {
    const target = q * total;
    let cum = 0;
    for (let i = 0; i < marginal.length; i++) {
      if (cum + marginal[i] >= target && marginal[i] > 0) return i - 0.5 + (target - cum) / marginal[i];
      cum += marginal[i];
    }
    return marginal.length - 0.5;
  };
  const iqr = (quantile(0.75) - quantile(0.25)) / 1.349;
  return iqr > 0 ? Math.min(sd, iqr) : sd;
}

/** Truncated, normalised Gaussian weights for standard deviation h cells. */
function kernel(h: number): Float64Array {
  const r = Math.ceil(KERNEL_RADIUS * h);
  const k = new Float64Array(2 * r + 1);
  let s = 0;
  for (let d = -r; d <= r; d++) s += k[d + r] = Math.exp(-0.5 * (d / h) ** 2);
  for (let d = 0; d < k.length; d++) k[d] /= s;
  return k;
}

/** A box of frame cells, inclusive: where an array's non-zero values lie. */
export interface CellBox {
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

/** Binned weights with, per frame row, the first and last column holding any (first > last: none). */
interface Bins {
  weights: Float64Array;
  first: Int32Array;
  last: Int32Array;
  box: CellBox;
}

/**
 * Scratch arrays of the frame size, kept between layers (a frame is up to 4 M cells: allocating them per layer
 * cost more in garbage collection than the convolution itself). Handed out zeroed, and zeroed again by the
 * user where it wrote.
 */
const scratch: Float64Array[] = [];

/** Lets the scratch arrays go (after the last layer of a run: a worker thread lives on between jobs). */
export function releaseKdeScratch(): void {
  scratch.length = 0;
}

function scratchArray(slot: number, length: number): Float64Array {
  if (!(scratch[slot]?.length >= length)) scratch[slot] = new Float64Array(length);
  return scratch[slot];
}

/**
 * Binned weights convolved with a Gaussian of hx × hy cells, separably (along x, then y); returns the result
 * and the box it is non-zero in. The weights must lie at least the kernel's reach from the frame's edges.
 * Only rows holding weights are visited, each over the columns it reaches, and every output cell adds its
 * terms in the order of their source cells (row-major), as a loop over every cell would.
 */
function convolve(bins: Bins, nx: number, hx: number, hy: number): { out: Float64Array; box: CellBox } {
  const { weights, first, last, box } = bins;
  const cells = nx * first.length;
  const kx = kernel(hx);
  const ky = kernel(hy);
  const rx = (kx.length - 1) / 2;
  const ry = (ky.length - 1) / 2;
  const rows = scratchArray(1, cells);
  for (let j = box.j0; j <= box.j1; j++) {
    for (let c = j * nx + first[j], end = j * nx + last[j]; c <= end; c++) {
      const w = weights[c];
      if (w === 0) continue;
      const s = c - rx;
      for (let d = 0; d < kx.length; d++) rows[s + d] += w * kx[d];
    }
  }
  const out = new Float64Array(cells);
  // Source row by source row (ascending), each spread over the rows it reaches.
  for (let j = box.j0; j <= box.j1; j++) {
    if (first[j] > last[j]) continue;
    const from = j * nx;
    const i0 = first[j] - rx;
    const i1 = last[j] + rx;
    for (let d = 0; d < ky.length; d++) {
      const k = ky[d];
      const to = (j - ry + d) * nx;
      for (let i = i0; i <= i1; i++) {
        const w = rows[from + i];
        if (w !== 0) out[to + i] += w * k;
      }
    }
    rows.fill(0, from + i0, from + i1 + 1);
  }
  return { out, box: { i0: box.i0 - rx, i1: box.i1 + rx, j0: box.j0 - ry, j1: box.j1 + ry } };
}

/**
 * The kernel density estimate of output time k (see the rule at the top of this file); null when nothing is
 * afloat.
 */
export function smoothLayer(
  ctx: ProductContext,
  grids: DensityGrids,
  k: number,
  land: CellLand,
): SmoothedLayer | null {
  const t = ctx.trajectory;
  const proj = projectionOf(grids);
  const fast = proj.hasTables();
  const o = k * t.n;
  // Afloat positions in projected metres, and their weighted moments.
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  const p = { x: 0, y: 0 };
  let sw = 0;
  let sw2 = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < t.n; i++) {
    if (t.status[o + i] !== Status.active) continue;
    const lon = t.lon[o + i];
    const lat = t.lat[o + i];
    if (Number.isNaN(lon) || Number.isNaN(lat)) continue;
    // The density grid's tables cover every afloat position of the run.
    if (fast) proj.forwardFast(proj.dLon(lon), lat, p);
    else proj.forward(lon, lat, p);
    const w = t.weight[i];
    xs.push(p.x);
    ys.push(p.y);
    ws.push(w);
    sw += w;
    sw2 += w * w;
    mx += w * p.x;
    my += w * p.y;
  }
  if (!(sw > 0)) return null;
  mx /= sw;
  my /= sw;
  let vx = 0;
  let vy = 0;
  for (let m = 0; m < xs.length; m++) {
    vx += ws[m] * (xs[m] - mx) ** 2;
    vy += ws[m] * (ys[m] - my) ** 2;
  }
  const effectiveN = (sw * sw) / sw2;
  const cell = grids.cellM;
  let sx = Math.sqrt(vx / sw);
  let sy = Math.sqrt(vy / sw);
  // The robust spread from the density grid's marginals, where its cells resolve the cloud.
  const { nx: gnx, ny: gny } = grids;
  if (cell <= Math.min(sx, sy) / 2) {
    const margX = new Float64Array(gnx);
    const margY = new Float64Array(gny);
    const base = k * gnx * gny;
    for (let j = 0; j < gny; j++) {
      for (let i = 0; i < gnx; i++) {
        const w = grids.weight[base + j * gnx + i];
        margX[i] += w;
        margY[j] += w;
      }
    }
    sx = robustSpread(margX, sw, sx / cell) * cell;
    sy = robustSpread(margY, sw, sy / cell) * cell;
  }
  const factor = effectiveN ** (-1 / 6);
  let hx = sx * factor;
  let hy = sy * factor;
  // Kernel cells: at most half the smaller bandwidth, as whole subdivisions of the density cells.
  let sub = Math.max(1, Math.min(MAX_SUBDIVISION, Math.ceil((2 * cell) / Math.max(1e-9, Math.min(hx, hy)))));
  // The mode's kernel is the widest: wider by n^(1/6 - 1/8).
  const widest = (s: number) => Math.max(hx, hy, cell / s) * effectiveN ** (1 / 6 - 1 / 8);
  const padFor = (s: number) => Math.ceil((KERNEL_RADIUS * widest(s)) / cell) + 1;
  while (sub > 1 && (gnx + 2 * padFor(sub)) * (gny + 2 * padFor(sub)) * sub * sub > MAX_KDE_CELLS) sub--;
  const fine = cell / sub;
  // Floor: one kernel cell (a narrower kernel would only show the cells).
  hx = Math.max(hx, fine);
  hy = Math.max(hy, fine);
  const pad = padFor(sub);
  const nx = (gnx + 2 * pad) * sub;
  const ny = (gny + 2 * pad) * sub;
  const frame: KdeFrame = {
    nx,
    ny,
    sub,
    pad,
    cellM: fine,
    x0: grids.x[0] - cell / 2 - pad * cell,
    y0: grids.y[0] - cell / 2 - pad * cell,
  };
  // Bin, then a separable convolution: along x into `rows`, then along y into `density`.
  const weights = scratchArray(0, nx * ny);
  const first = new Int32Array(ny).fill(nx);
  const last = new Int32Array(ny).fill(-1);
  const inv = 1 / fine;
  const bins: Bins = { weights, first, last, box: { i0: nx, i1: -1, j0: ny, j1: -1 } };
  for (let m = 0; m < xs.length; m++) {
    const i = Math.min(nx - 1, Math.max(0, Math.floor((xs[m] - frame.x0) * inv)));
    const j = Math.min(ny - 1, Math.max(0, Math.floor((ys[m] - frame.y0) * inv)));
    weights[j * nx + i] += ws[m];
    if (i < first[j]) first[j] = i;
    if (i > last[j]) last[j] = i;
  }
  const box0 = bins.box;
  for (let j = 0; j < ny; j++) {
    if (first[j] > last[j]) continue;
    if (j < box0.j0) box0.j0 = j;
    box0.j1 = j;
    if (first[j] < box0.i0) box0.i0 = first[j];
    if (last[j] > box0.i1) box0.i1 = last[j];
  }
  const { out: density, box } = convolve(bins, nx, hx / fine, hy / fine);
  // The mode is a derivative's zero: its bandwidth shrinks as n^(-1/8), the rate for first derivatives.
  const modeFactor = effectiveN ** (-1 / 8) / factor;
  const mode = convolve(bins, nx, (hx * modeFactor) / fine, (hy * modeFactor) / fine);
  for (let j = box0.j0; j <= box0.j1; j++) weights.fill(0, j * nx + first[j], j * nx + last[j] + 1);
  const modeDensity = mode.out;
  // Land: each kernel cell is land when its density cell is (outside `box` the density is zero).
  let sea = 0;
  let all = 0;
  for (let j = box.j0; j <= box.j1; j++) {
    const gj = Math.floor(j / sub) - pad;
    for (let i = box.i0; i <= box.i1; i++) {
      const c = j * nx + i;
      if (density[c] === 0) continue;
      all += density[c];
      if (land.at(Math.floor(i / sub) - pad, gj)) density[c] = modeDensity[c] = 0;
      else sea += density[c];
    }
  }
  const gridProbability = new Float32Array(gnx * gny);
  const scale = 1 / sea;
  for (let j = box.j0; j <= box.j1; j++) {
    const gj = Math.floor(j / sub) - pad;
    for (let i = box.i0; i <= box.i1; i++) {
      const c = j * nx + i;
      if (density[c] === 0) continue;
      density[c] *= scale;
      const gi = Math.floor(i / sub) - pad;
      if (gi >= 0 && gi < gnx && gj >= 0 && gj < gny) gridProbability[gj * gnx + gi] += density[c];
    }
  }
  return {
    frame,
    density,
    box,
    modeDensity,
    modeBox: mode.box,
    gridProbability,
    bandwidthXM: hx,
    bandwidthYM: hy,
    modeBandwidthM: Math.sqrt(hx * hy) * modeFactor,
    effectiveN,
    landShare: all > 0 ? 1 - sea / all : 0,
  };
}
