// Geographic extent of forcing grids (for the catalog, coverage messages and window selection), and
// the index box of a grid that a run's window can reach.
import type { ForcingWindow } from "../core/types.js";
import { buildCurvilinearIndex, type CurvilinearIndex, locate } from "./curvilinear.js";
import type { GridInfo } from "./discover.js";
import { axisPosition, isRegularAxis } from "./field.js";
import { makeProjector } from "./projection.js";

/** A lon/lat box; west ≤ east, longitudes may run past 180 for a box crossing the antimeridian. */
export interface LonLatBox {
  west: number;
  east: number;
  south: number;
  north: number;
}

function boxOf(lons: number[], lats: number[]): LonLatBox {
  // Unwrap longitudes around the first finite one so a grid across ±180 gets a tight box.
  const ref = lons.find(Number.isFinite) ?? 0;
  let west = Number.POSITIVE_INFINITY;
  let east = Number.NEGATIVE_INFINITY;
  let south = Number.POSITIVE_INFINITY;
  let north = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < lons.length; k++) {
    if (!Number.isFinite(lons[k]) || !Number.isFinite(lats[k])) continue;
    const d = lons[k] - ref;
    const lo = ref + d - 360 * Math.round(d / 360);
    west = Math.min(west, lo);
    east = Math.max(east, lo);
    south = Math.min(south, lats[k]);
    north = Math.max(north, lats[k]);
  }
  if (west < -180) {
    west += 360;
    east += 360;
  } else if (west >= 180) {
    west -= 360;
    east -= 360;
  }
  return { west, east, south, north };
}

/** The lon/lat box a grid covers. */
export function gridArea(grid: GridInfo): LonLatBox {
  if (grid.kind === "lonlat") {
    const xs = [grid.x[0], grid.x[grid.nx - 1]];
    const south = Math.min(grid.y[0], grid.y[grid.ny - 1]);
    const north = Math.max(grid.y[0], grid.y[grid.ny - 1]);
    if (grid.lonPeriod > 0) return { west: -180, east: 180, south, north };
    let west = Math.min(xs[0], xs[1]);
    let east = Math.max(xs[0], xs[1]);
    if (west >= 180) {
      west -= 360;
      east -= 360;
    }
    return { west, east, south, north };
  }
  if (grid.kind === "curvilinear") {
    const lons: number[] = [];
    const lats: number[] = [];
    for (let k = 0; k < grid.lon.length; k++) {
      lons.push(grid.lon[k]);
      lats.push(grid.lat[k]);
    }
    return boxOf(lons, lats);
  }
  // Projected: the boundary nodes, plus a pole inside the grid.
  const p = makeProjector(grid.projection);
  const out = new Float64Array(2);
  const lons: number[] = [];
  const lats: number[] = [];
  const add = (i: number, j: number) => {
    p.inverse(grid.x[i], grid.y[j], out);
    lons.push(out[0]);
    lats.push(out[1]);
  };
  for (let i = 0; i < grid.nx; i++) {
    add(i, 0);
    add(i, grid.ny - 1);
  }
  for (let j = 0; j < grid.ny; j++) {
    add(0, j);
    add(grid.nx - 1, j);
  }
  const box = boxOf(lons, lats);
  for (const poleLat of [90, -90]) {
    p.forward(0, poleLat, out);
    if (!Number.isFinite(out[0]) || !Number.isFinite(out[1])) continue;
    const fx = axisPosition(grid.x, false, out[0]);
    const fy = axisPosition(grid.y, false, out[1]);
    if (!Number.isNaN(fx) && !Number.isNaN(fy)) {
      box.west = -180;
      box.east = 180;
      if (poleLat > 0) box.north = 90;
      else box.south = -90;
    }
  }
  return box;
}

/** Points on the outline of a map's drawing of a grid: enough to follow a projected edge's curve. */
const OUTLINE_POINTS = 240;

/**
 * The outline of a projected or curvilinear grid in lon/lat: its edge nodes in order around the grid
 * (south row, east column, north row back, west column back), thinned to about OUTLINE_POINTS, longitudes
 * kept continuous across ±180, closed. Null for a lon/lat grid (its box is its outline) and for a grid
 * around a pole (no ring on a map says that).
 */
export function gridOutline(grid: GridInfo): [number, number][] | null {
  if (grid.kind === "lonlat") return null;
  const { nx, ny } = grid;
  const node: (i: number, j: number, out: Float64Array) => void =
    grid.kind === "curvilinear"
      ? (i, j, out) => {
          out[0] = grid.lon[j * nx + i];
          out[1] = grid.lat[j * nx + i];
        }
      : (() => {
          const p = makeProjector(grid.projection);
          return (i: number, j: number, out: Float64Array) => p.inverse(grid.x[i], grid.y[j], out);
        })();
  const edge: [number, number][] = [];
  for (let i = 0; i < nx - 1; i++) edge.push([i, 0]);
  for (let j = 0; j < ny - 1; j++) edge.push([nx - 1, j]);
  for (let i = nx - 1; i > 0; i--) edge.push([i, ny - 1]);
  for (let j = ny - 1; j > 0; j--) edge.push([0, j]);
  const step = Math.max(1, Math.ceil(edge.length / OUTLINE_POINTS));
  const out = new Float64Array(2);
  const ring: [number, number][] = [];
  for (let k = 0; k < edge.length; k += step) {
    node(edge[k][0], edge[k][1], out);
    if (!Number.isFinite(out[0]) || !Number.isFinite(out[1])) continue;
    let lon = out[0];
    if (ring.length > 0) {
      const prev = ring[ring.length - 1][0];
      lon -= 360 * Math.round((lon - prev) / 360);
    }
    ring.push([Math.round(lon * 1e4) / 1e4, Math.round(out[1] * 1e4) / 1e4]);
  }
  if (ring.length < 3) return null;
  // A ring that winds around a pole does not close in longitude: no outline for it.
  if (Math.abs(ring[0][0] - ring[ring.length - 1][0]) > 180) return null;
  ring.push([ring[0][0], ring[0][1]]);
  return ring;
}

/** Do two boxes overlap (longitudes compared modulo 360)? */
export function boxesOverlap(a: LonLatBox, b: LonLatBox): boolean {
  if (a.north < b.south || b.north < a.south) return false;
  if (a.east - a.west >= 360 || b.east - b.west >= 360) return true;
  for (const shift of [-360, 0, 360]) {
    if (a.west + shift <= b.east && b.west <= a.east + shift) return true;
  }
  return false;
}

/** Does box a contain box b? */
export function boxContains(a: LonLatBox, b: LonLatBox): boolean {
  if (b.south < a.south || b.north > a.north) return false;
  if (a.east - a.west >= 360) return true;
  for (const shift of [-360, 0, 360]) {
    if (a.west + shift <= b.west && b.east <= a.east + shift) return true;
  }
  return false;
}

export function formatBox(b: LonLatBox): string {
  const f = (x: number) => (Math.round(x * 100) / 100).toString();
  return `lon ${f(b.west)}..${f(b.east)} E, lat ${f(b.south)}..${f(b.north)} N`;
}

export interface IndexBox {
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

/** Cells of margin around the window (interpolation stencil plus a little drift beyond the estimate). */
const MARGIN = 3;

/**
 * The index box (inclusive) of the grid nodes a window can reach, with a margin; null when the window
 * does not touch the grid. For curvilinear grids pass the lookup index.
 */
export function windowIndexBox(
  grid: GridInfo,
  window: ForcingWindow,
  curv: CurvilinearIndex | null,
): IndexBox | null {
  const nx = grid.nx;
  const ny = grid.ny;
  const clamp = (b: IndexBox): IndexBox | null => {
    const r = {
      i0: Math.max(0, Math.floor(b.i0) - MARGIN),
      i1: Math.min(nx - 1, Math.ceil(b.i1) + MARGIN),
      j0: Math.max(0, Math.floor(b.j0) - MARGIN),
      j1: Math.min(ny - 1, Math.ceil(b.j1) + MARGIN),
    };
    if (r.i0 > r.i1 || r.j0 > r.j1) return null;
    // At least 2×2 nodes for bilinear interpolation.
    if (r.i1 === r.i0) r.i0 > 0 ? r.i0-- : r.i1++;
    if (r.j1 === r.j0) r.j0 > 0 ? r.j0-- : r.j1++;
    return r;
  };
  const { west, south, north } = window;
  const east = window.east < west ? window.east + 360 : window.east; // a window across 180°
  const pts: [number, number][] = [];
  const N = 16;
  for (let a = 0; a <= N; a++) {
    for (let b = 0; b <= N; b++)
      pts.push([west + ((east - west) * a) / N, south + ((north - south) * b) / N]);
  }
  if (grid.kind === "curvilinear") {
    const ix = curv ?? buildCurvilinearIndex(grid.nx, grid.ny, grid.lon, grid.lat);
    // Nodes inside the window (with a small margin in degrees), and the cells of the window's sample points.
    const box = { i0: Number.POSITIVE_INFINITY, i1: -1, j0: Number.POSITIVE_INFINITY, j1: -1 };
    const extend = (i: number, j: number) => {
      box.i0 = Math.min(box.i0, i);
      box.i1 = Math.max(box.i1, i);
      box.j0 = Math.min(box.j0, j);
      box.j1 = Math.max(box.j1, j);
    };
    const out = new Float64Array(2);
    for (const [lo, la] of pts) if (locate(ix, lo, la, out)) extend(out[0], out[1]);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        const la = grid.lat[k];
        let lo = grid.lon[k];
        if (lo < west) lo += 360 * Math.ceil((west - lo) / 360);
        if (la >= south && la <= north && lo >= west && lo <= east) extend(i, j);
      }
    }
    return box.i1 < 0 ? null : clamp(box);
  }
  // Regular axes: the window's sample points in fractional index space (extrapolated), clamped.
  const p = makeProjector(grid.projection);
  const out = new Float64Array(2);
  const xReg = isRegularAxis(grid.x);
  const yReg = isRegularAxis(grid.y);
  const frac = (a: Float64Array, reg: boolean, v: number): number => {
    const n = a.length;
    if (reg) return ((v - a[0]) / (a[n - 1] - a[0])) * (n - 1);
    const f = axisPosition(a, false, v);
    if (!Number.isNaN(f)) return f;
    const up = a[n - 1] > a[0];
    return v < a[0] === up ? -1 : n;
  };
  const box = {
    i0: Number.POSITIVE_INFINITY,
    i1: Number.NEGATIVE_INFINITY,
    j0: Number.POSITIVE_INFINITY,
    j1: Number.NEGATIVE_INFINITY,
  };
  for (const [lo, la] of pts) {
    if (grid.kind === "lonlat") {
      if (grid.lonPeriod > 0) {
        out[0] = lo;
      } else {
        // Nearest representation of the longitude to the axis' centre.
        const mid = (grid.x[0] + grid.x[nx - 1]) / 2;
        out[0] = lo + 360 * Math.round((mid - lo) / 360);
      }
      out[1] = la;
    } else p.forward(lo, la, out);
    if (!Number.isFinite(out[0]) || !Number.isFinite(out[1])) continue;
    const fx = frac(grid.x, xReg, out[0]);
    const fy = frac(grid.y, yReg, out[1]);
    box.i0 = Math.min(box.i0, fx);
    box.i1 = Math.max(box.i1, fx);
    box.j0 = Math.min(box.j0, fy);
    box.j1 = Math.max(box.j1, fy);
  }
  if (!Number.isFinite(box.i0)) return null;
  if (box.i1 < 0 || box.i0 > nx - 1 || box.j1 < 0 || box.j0 > ny - 1) return null;
  if (grid.lonPeriod > 0) {
    box.i0 = 0;
    box.i1 = nx - 1;
  }
  return clamp(box);
}
