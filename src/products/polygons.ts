// A set of grid cells → GeoJSON (Multi)Polygon in lon/lat: boundary tracing on the cell edges.
//
// Every edge between a cell of the set and a cell outside it is directed so that the set lies on its left,
// so outer boundaries run counter-clockwise and holes clockwise (the right-hand rule of RFC 7946) with y
// pointing north. Where two cells of the set touch only at a corner (a "saddle" vertex), the trace always
// turns left, which keeps such cells in separate rings (cells are 4-connected), and the vertex is split: the
// corner of the cell is cut by a tiny chamfer (CHAMFER of a cell side) so the rings passing there neither
// cross nor touch. Each 4-connected component of the set gives one polygon: its outer ring and its holes.
import type { MultiPolygon, Polygon, Position } from "./geojson-types.js";
import { Laea } from "./laea.js";
import type { DensityGrids } from "./types.js";

/** Chamfer at split vertices, as a fraction of the cell side. */
const CHAMFER = 0.02;
/** Coordinates are rounded to 1e-7 degrees (about 1 cm). */
const ROUND = 1e7;

// Directions: 0 east, 1 north, 2 west, 3 south.
const DX = [1, 0, -1, 0];
const DY = [0, 1, 0, -1];

/** A ring in grid-vertex units (x from the west edge, y from the south edge, in cells), flat [x0, y0, x1, …]. */
export type GridRing = number[];
export interface GridPolygon {
  exterior: GridRing;
  holes: GridRing[];
  /** Number of cells in the component. */
  cells: number;
}

/** Signed area (shoelace) of a flat, open ring; > 0 counter-clockwise. */
export function ringArea(r: GridRing): number {
  let a = 0;
  const m = r.length;
  for (let i = 0; i < m; i += 2) {
    const j = (i + 2) % m;
    a += r[i] * r[j + 1] - r[j] * r[i + 1];
  }
  return a / 2;
}

/**
 * Traces the set of cells `cells` (indices iy * nx + ix, any order, no duplicates) of an nx × ny grid into
 * polygons with holes, largest first. Rings are open (the first point is not repeated).
 */
export function traceCells(cells: ArrayLike<number>, nx: number, ny: number): GridPolygon[] {
  const w = nx + 1;
  const inSet = new Uint8Array(nx * ny);
  for (let k = 0; k < cells.length; k++) {
    const c = cells[k];
    if (!(c >= 0 && c < nx * ny))
      throw new Error(`polygon tracing: cell index ${c} outside the ${nx}×${ny} grid`);
    inSet[c] = 1;
  }
  // Outgoing boundary edges per vertex (bit d = direction d); `all` keeps the original bits.
  const out = new Uint8Array(w * (ny + 1));
  const all = new Uint8Array(w * (ny + 1));
  const touched: number[] = [];
  const addEdge = (v: number, d: number) => {
    if (all[v] === 0) touched.push(v);
    all[v] |= 1 << d;
    out[v] |= 1 << d;
  };
  for (let k = 0; k < cells.length; k++) {
    const c = cells[k];
    const i = c % nx;
    const j = (c - i) / nx;
    if (j === 0 || !inSet[c - nx]) addEdge(j * w + i, 0);
    if (i === nx - 1 || !inSet[c + 1]) addEdge(j * w + i + 1, 1);
    if (j === ny - 1 || !inSet[c + nx]) addEdge((j + 1) * w + i + 1, 2);
    if (i === 0 || !inSet[c - 1]) addEdge((j + 1) * w + i, 3);
  }

  // 4-connected components of the set.
  const label = new Int32Array(nx * ny).fill(-1);
  const sizes: number[] = [];
  const stack: number[] = [];
  let id = 0;
  const visit = (m: number) => {
    if (inSet[m] && label[m] < 0) {
      label[m] = id;
      stack.push(m);
    }
  };
  for (let k = 0; k < cells.length; k++) {
    const c0 = cells[k];
    if (label[c0] >= 0) continue;
    id = sizes.length;
    let size = 0;
    label[c0] = id;
    stack.push(c0);
    while (stack.length) {
      const c = stack.pop()!;
      size++;
      const i = c % nx;
      if (i > 0) visit(c - 1);
      if (i < nx - 1) visit(c + 1);
      if (c >= nx) visit(c - nx);
      if (c + nx < nx * ny) visit(c + nx);
    }
    sizes.push(size);
  }

  const choose = (bits: number, d: number): number => {
    const left = (d + 1) & 3;
    if (bits & (1 << left)) return left;
    if (bits & (1 << d)) return d;
    return (d + 3) & 3;
  };

  const exteriors: (GridRing | null)[] = sizes.map(() => null);
  const holes: GridRing[][] = sizes.map(() => []);
  for (const v0 of touched) {
    while (out[v0]) {
      const d0 = 31 - Math.clz32(out[v0] & -out[v0]);
      // The cell on the left of the first edge tells the component.
      const i0 = v0 % w;
      const j0 = (v0 - i0) / w;
      const leftCell =
        d0 === 0
          ? j0 * nx + i0
          : d0 === 1
            ? j0 * nx + i0 - 1
            : d0 === 2
              ? (j0 - 1) * nx + i0 - 1
              : (j0 - 1) * nx + i0;
      const ring: GridRing = [];
      let v = v0;
      let d = d0;
      for (let guard = 0; ; guard++) {
        if (guard > 4 * touched.length + 8)
          throw new Error("polygon tracing: boundary does not close (internal error)");
        out[v] &= ~(1 << d);
        const vi = v % w;
        const vj = (v - vi) / w;
        const x = vi + DX[d];
        const y = vj + DY[d];
        const next = y * w + x;
        const bits = all[next];
        // The turn rule maps each incoming edge to one outgoing edge, so the walk returns to its first edge.
        const nd = choose(bits, d);
        if (bits === 0b0101 || bits === 0b1010) {
          // Saddle: split the vertex by cutting the corner of the cell on the left.
          ring.push(x - CHAMFER * DX[d], y - CHAMFER * DY[d], x + CHAMFER * DX[nd], y + CHAMFER * DY[nd]);
        } else if (nd !== d) {
          ring.push(x, y);
        }
        if (next === v0 && nd === d0) break;
        v = next;
        d = nd;
      }
      const comp = label[leftCell];
      if (ringArea(ring) > 0) exteriors[comp] = ring;
      else holes[comp].push(ring);
    }
  }
  const polys: GridPolygon[] = [];
  exteriors.forEach((ext, k) => {
    if (!ext) throw new Error("polygon tracing: a component has no outer ring (internal error)");
    polys.push({ exterior: ext, holes: holes[k], cells: sizes[k] });
  });
  polys.sort((a, b) => b.cells - a.cells);
  return polys;
}

/** What polygon conversion needs of a density grid (DensityGrids, optionally with precomputed corners). */
export type GridGeometry = Pick<DensityGrids, "nx" | "ny" | "x" | "y" | "cellM" | "proj4"> & {
  cornerLon?: Float64Array;
  cornerLat?: Float64Array;
  projection?: Laea;
};

/** The LAEA projection of a density grid (parsed from its proj4 string unless attached). */
export function projectionOf(grid: GridGeometry): Laea {
  if (grid.projection) return grid.projection;
  const lat0 = /\+lat_0=([-\d.e+]+)/.exec(grid.proj4);
  const lon0 = /\+lon_0=([-\d.e+]+)/.exec(grid.proj4);
  if (!/\+proj=laea\b/.test(grid.proj4) || !lat0 || !lon0) {
    throw new Error(`density grid proj4 "${grid.proj4}": only +proj=laea grids can be traced`);
  }
  return new Laea(Number(lon0[1]), Number(lat0[1]));
}

/**
 * The set of cells as a GeoJSON Polygon (one component) or MultiPolygon, in lon/lat degrees with closed
 * rings, exterior rings counter-clockwise and holes clockwise. Returns null for an empty set.
 */
export function cellsToGeometry(cells: ArrayLike<number>, grid: GridGeometry): Polygon | MultiPolygon | null {
  if (cells.length === 0) return null;
  const { nx, ny, cellM } = grid;
  const polys = traceCells(cells, nx, ny);
  const proj = projectionOf(grid);
  const x0 = grid.x[0] - cellM / 2;
  const y0 = grid.y[0] - cellM / 2;
  const w = nx + 1;
  const toLonLat = (ring: GridRing): Position[] =>
    closedLonLatRing(ring.length / 2, (k, out) => {
      const gx = ring[2 * k];
      const gy = ring[2 * k + 1];
      if (grid.cornerLon && grid.cornerLat && Number.isInteger(gx) && Number.isInteger(gy)) {
        out.lon = grid.cornerLon[gy * w + gx];
        out.lat = grid.cornerLat[gy * w + gx];
      } else {
        proj.inverse(x0 + gx * cellM, y0 + gy * cellM, out);
      }
    });
  const coords = polys.map((p) => [toLonLat(p.exterior), ...p.holes.map(toLonLat)]);
  return coords.length === 1
    ? { type: "Polygon", coordinates: coords[0] }
    : { type: "MultiPolygon", coordinates: coords };
}

/**
 * A closed lon/lat ring of `count` points that `at` gives: rounded to 1e-7 degrees, repeated points dropped,
 * the first point repeated at the end.
 */
export function closedLonLatRing(
  count: number,
  at: (k: number, out: { lon: number; lat: number }) => void,
): Position[] {
  const g = { lon: 0, lat: 0 };
  const pts: Position[] = [];
  for (let k = 0; k < count; k++) {
    at(k, g);
    const p: Position = [Math.round(g.lon * ROUND) / ROUND, Math.round(g.lat * ROUND) / ROUND];
    const last = pts[pts.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) pts.push(p);
  }
  if (pts.length > 1 && pts[0][0] === pts[pts.length - 1][0] && pts[0][1] === pts[pts.length - 1][1])
    pts.pop();
  pts.push([pts[0][0], pts[0][1]]);
  return pts;
}
