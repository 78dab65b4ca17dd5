// Highest-density regions of a smoothed density layer: the density level whose superlevel set holds p % of
// the probability, traced by marching squares between cell centres (crossings interpolated along the cell
// edges, so boundaries follow the density, not the cell staircase), into rings with the area on their left:
// outer rings counter-clockwise, holes clockwise. Saddles are resolved by the mean of the four corners, which
// keeps rings from crossing or touching. Pieces and holes smaller than a minimum area are dropped and their
// probability accounted for.
import type { CellBox } from "./kde.js";
import { ringArea } from "./polygons.js";

/** A ring in frame units (x, y in cells from the lower-left cell centre), flat [x0, y0, x1, …], open. */
export type Ring = number[];

export interface HdrPiece {
  exterior: Ring;
  holes: Ring[];
  /** Area in cells² (exterior less holes). */
  areaCells: number;
  /** Probability of the cells whose centres are inside. */
  probability: number;
}

export interface HdrRegion {
  /** The density level of the contour. */
  level: number;
  pieces: HdrPiece[];
  /** Probability of the pieces dropped as smaller than the minimum area. */
  droppedProbability: number;
  droppedPieces: number;
  /** Holes smaller than the minimum area filled in. */
  filledHoles: number;
}

/**
 * The contour levels holding each share of `density` (ascending shares): for a share p the level lies halfway
 * between the last density value the superlevel set needs and the next lower one, so no cell centre sits on a
 * contour. Returns 0 levels when the density is empty.
 */
export function hdrLevels(
  density: Float64Array,
  shares: readonly number[],
  support?: { nx: number; box: CellBox },
): number[] {
  const sorted = positiveValues(density, support).sort();
  let total = 0;
  for (let m = 0; m < sorted.length; m++) total += sorted[m];
  return shares.map((p) => {
    const target = p * total * (1 - 1e-12);
    let cum = 0;
    for (let m = sorted.length - 1; m >= 0; m--) {
      cum += sorted[m];
      if (cum >= target) {
        // Equal values go in together.
        let next = m - 1;
        while (next >= 0 && sorted[next] === sorted[m]) next--;
        return (sorted[m] + (next >= 0 ? sorted[next] : 0)) / 2;
      }
    }
    return 0;
  });
}

/** The positive values of `density` (only the support's box is searched when given: zero outside it). */
function positiveValues(density: Float64Array, support?: { nx: number; box: CellBox }): Float64Array {
  if (!support) return Float64Array.from(density.filter((v) => v > 0));
  const { nx, box } = support;
  let n = 0;
  for (let j = box.j0; j <= box.j1; j++)
    for (let c = j * nx + box.i0, end = j * nx + box.i1; c <= end; c++) if (density[c] > 0) n++;
  const out = new Float64Array(n);
  n = 0;
  for (let j = box.j0; j <= box.j1; j++)
    for (let c = j * nx + box.i0, end = j * nx + box.i1; c <= end; c++)
      if (density[c] > 0) out[n++] = density[c];
  return out;
}

/**
 * Marching squares: the closed rings of {density > level} on an nx × ny lattice whose border is below level.
 * With `box`, the density is zero outside it and only the squares that touch it are visited.
 */
export function traceLevel(
  density: Float64Array,
  nx: number,
  ny: number,
  level: number,
  box?: CellBox,
): Ring[] {
  // Crossing points keyed by lattice edge: 2·(j·nx + i) for (i,j)–(i+1,j), +1 for (i,j)–(i,j+1).
  const next = new Map<number, number>();
  const px = new Map<number, number>();
  const py = new Map<number, number>();
  const crossing = (id: number) => {
    if (px.has(id)) return;
    const v = id >> 1;
    const i = v % nx;
    const j = (v - i) / nx;
    const a = density[v];
    const b = id & 1 ? density[v + nx] : density[v + 1];
    const f = (level - a) / (b - a);
    px.set(id, id & 1 ? i : i + f);
    py.set(id, id & 1 ? j + f : j);
  };
  const edges = [0, 0, 0, 0];
  const inside = [false, false, false, false];
  const i0 = box ? Math.max(0, box.i0 - 1) : 0;
  const i1 = box ? Math.min(nx - 2, box.i1) : nx - 2;
  const j0 = box ? Math.max(0, box.j0 - 1) : 0;
  const j1 = box ? Math.min(ny - 2, box.j1) : ny - 2;
  for (let j = j0; j <= j1; j++) {
    for (let i = i0; i <= i1; i++) {
      const c = j * nx + i;
      // Corners counter-clockwise: (i,j), (i+1,j), (i+1,j+1), (i,j+1); edge e runs from corner e to e+1.
      const va = density[c];
      const vb = density[c + 1];
      const vc = density[c + nx + 1];
      const vd = density[c + nx];
      inside[0] = va > level;
      inside[1] = vb > level;
      inside[2] = vc > level;
      inside[3] = vd > level;
      const n = +inside[0] + +inside[1] + +inside[2] + +inside[3];
      if (n === 0 || n === 4) continue;
      edges[0] = 2 * c;
      edges[1] = 2 * (c + 1) + 1;
      edges[2] = 2 * (c + nx);
      edges[3] = 2 * c + 1;
      // Walking the square counter-clockwise, an exit (inside → outside) pairs with the next entry when the
      // inside corners connect through the middle, else with the previous one. With two crossings both agree.
      const connected = (va + vb + vc + vd) / 4 > level;
      for (let e = 0; e < 4; e++) {
        if (!(inside[e] && !inside[(e + 1) & 3])) continue;
        let f = e;
        for (let s = 1; s < 4; s++) {
          const g = connected ? (e + s) & 3 : (e + 4 - s) & 3;
          if (!inside[g] && inside[(g + 1) & 3]) {
            f = g;
            break;
          }
        }
        crossing(edges[e]);
        crossing(edges[f]);
        next.set(edges[e], edges[f]);
      }
    }
  }
  const rings: Ring[] = [];
  const seen = new Set<number>();
  for (const start of next.keys()) {
    if (seen.has(start)) continue;
    const ring: Ring = [];
    let id = start;
    do {
      seen.add(id);
      ring.push(px.get(id)!, py.get(id)!);
      const to = next.get(id);
      if (to === undefined) throw new Error("contour tracing: an open contour (internal error)");
      id = to;
    } while (id !== start);
    rings.push(ring);
  }
  return rings;
}

/** Even-odd point in ring test (frame units). */
export function inRing(x: number, y: number, r: Ring): boolean {
  let c = false;
  const m = r.length;
  for (let i = 0, j = m - 2; i < m; j = i, i += 2) {
    const yi = r[i + 1];
    const yj = r[j + 1];
    if (yi > y !== yj > y && x < ((r[j] - r[i]) * (y - yi)) / (yj - yi) + r[i]) c = !c;
  }
  return c;
}

/** Probability of the lattice points inside the rings (even-odd), by scanlines over their rows. */
function probabilityInside(rings: Ring[], density: Float64Array, nx: number): number {
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const r of rings) {
    for (let i = 1; i < r.length; i += 2) {
      yMin = Math.min(yMin, r[i]);
      yMax = Math.max(yMax, r[i]);
    }
  }
  let sum = 0;
  const xs: number[] = [];
  for (let y = Math.ceil(yMin); y <= yMax; y++) {
    xs.length = 0;
    for (const r of rings) {
      const m = r.length;
      for (let i = 0, j = m - 2; i < m; j = i, i += 2) {
        const yi = r[i + 1];
        const yj = r[j + 1];
        if (yi > y !== yj > y) xs.push(((r[j] - r[i]) * (y - yi)) / (yj - yi) + r[i]);
      }
    }
    xs.sort((a, b) => a - b);
    for (let s = 0; s + 1 < xs.length; s += 2) {
      for (let x = Math.ceil(xs[s]); x < xs[s + 1]; x++) sum += density[y * nx + x];
    }
  }
  return sum;
}

/**
 * The highest-density region holding `share` of `density` (nx × ny, zero on its border): pieces (largest
 * first) with their holes; pieces and holes under `minAreaCells` dropped (a dropped piece's probability is
 * reported, a dropped hole is filled and its probability counted in the piece).
 */
export function highestDensityRegion(
  density: Float64Array,
  nx: number,
  ny: number,
  level: number,
  minAreaCells: number,
  box?: CellBox,
): HdrRegion {
  const rings = traceLevel(density, nx, ny, level, box);
  const outer: { ring: Ring; area: number; holes: Ring[] }[] = [];
  const holes: { ring: Ring; area: number }[] = [];
  for (const ring of rings) {
    const area = ringArea(ring);
    if (area > 0) outer.push({ ring, area, holes: [] });
    else holes.push({ ring, area: -area });
  }
  let filledHoles = 0;
  for (const h of holes) {
    // The smallest outer ring around the hole's first point holds it (rings never cross).
    let owner: (typeof outer)[number] | undefined;
    for (const o of outer) {
      if (o.area > h.area && inRing(h.ring[0], h.ring[1], o.ring) && (!owner || o.area < owner.area))
        owner = o;
    }
    if (!owner) throw new Error("contour tracing: a hole outside every piece (internal error)");
    if (h.area < minAreaCells) filledHoles++;
    else owner.holes.push(h.ring);
  }
  const pieces: HdrPiece[] = [];
  let droppedProbability = 0;
  let droppedPieces = 0;
  for (const o of outer) {
    const all = [o.ring, ...o.holes];
    const probability = probabilityInside(all, density, nx);
    const areaCells = o.area + o.holes.reduce((s, h) => s + ringArea(h), 0);
    if (o.area < minAreaCells) {
      droppedProbability += probability;
      droppedPieces++;
      continue;
    }
    pieces.push({ exterior: o.ring, holes: o.holes, areaCells, probability });
  }
  // A piece inside a kept hole of another piece is a piece of its own: the even-odd fill of the outer one
  // left the hole out, so no probability is counted twice.
  pieces.sort((a, b) => b.areaCells - a.areaCells);
  return { level, pieces, droppedProbability, droppedPieces, filledHoles };
}
