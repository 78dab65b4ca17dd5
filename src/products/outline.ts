// Search-area outlines a chart plotter can take: each piece of an area as a convex polygon of at most N corners
// that contains the piece, so it still holds the piece's probability (IAMSAR search areas are polygons with a
// handful of corners). The convex hull of the piece is cut down by collapsing, one at a time, the edge whose
// removal adds the least area: its two neighbours are extended until they meet. Computed in a local plane
// (east, north km around the piece) and given back in lon/lat.
import type { Polygon, Position } from "./geojson-types.js";

/** Default corner limit of an outline. */
export const OUTLINE_CORNERS = 12;

type Pt = [number, number];

function cross(o: Pt, a: Pt, b: Pt): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** Convex hull, counter-clockwise, no collinear points (Andrew's monotone chain). */
function hull(points: Pt[]): Pt[] {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const lower: Pt[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Pt[] = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop();
    upper.push(q);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/**
 * Collapsing edge (b, c) of a convex polygon … a, b, c, d …: the point where lines ab and dc meet, and the area
 * of the triangle (b, x, c) it adds; null when the lines do not meet beyond b and c (turning ≥ 180°).
 */
function collapse(a: Pt, b: Pt, c: Pt, d: Pt): { x: Pt; added: number } | null {
  const r: Pt = [b[0] - a[0], b[1] - a[1]];
  const s: Pt = [c[0] - d[0], c[1] - d[1]];
  const den = r[0] * s[1] - r[1] * s[0];
  if (Math.abs(den) < 1e-15) return null;
  // b + t·r = c + u·s with t, u > 0.
  const t = ((c[0] - b[0]) * s[1] - (c[1] - b[1]) * s[0]) / den;
  const u = ((c[0] - b[0]) * r[1] - (c[1] - b[1]) * r[0]) / den;
  if (!(t > 0 && u > 0)) return null;
  const x: Pt = [b[0] + t * r[0], b[1] + t * r[1]];
  return { x, added: Math.abs(cross(b, x, c)) / 2 };
}

/** Outline of one piece (its exterior ring, lon/lat): at most maxCorners corners, containing the ring. */
export function pieceOutline(ring: readonly Position[], maxCorners = OUTLINE_CORNERS): Position[] {
  if (!(Number.isInteger(maxCorners) && maxCorners >= 3))
    throw new Error(`search-area outline corners: at least 3, got ${maxCorners}`);
  const lat0 = ring.reduce((s, p) => s + p[1], 0) / ring.length;
  const lon0 = ring.reduce((s, p) => s + p[0], 0) / ring.length;
  const kx = 111.32 * Math.cos((lat0 * Math.PI) / 180);
  const ky = 110.57;
  const poly = hull(ring.map((p) => [(p[0] - lon0) * kx, (p[1] - lat0) * ky] as Pt));
  while (poly.length > maxCorners) {
    let best = -1;
    let bestCut: { x: Pt; added: number } | null = null;
    const m = poly.length;
    for (let i = 0; i < m; i++) {
      const cut = collapse(poly[(i + m - 1) % m], poly[i], poly[(i + 1) % m], poly[(i + 2) % m]);
      if (cut && (!bestCut || cut.added < bestCut.added)) {
        best = i;
        bestCut = cut;
      }
    }
    if (!bestCut) break;
    const next = (best + 1) % m;
    poly[best] = bestCut.x;
    poly.splice(next, 1);
  }
  const out: Position[] = poly.map((p) => [
    Math.round((lon0 + p[0] / kx) * 1e7) / 1e7,
    Math.round((lat0 + p[1] / ky) * 1e7) / 1e7,
  ]);
  out.push([out[0][0], out[0][1]]);
  return out;
}

/** Outline polygons of every piece of an area (holes are covered: the outline holds at least the piece). */
export function areaOutlines(
  geometry: { type: string; coordinates: unknown },
  maxCorners = OUTLINE_CORNERS,
): Polygon[] {
  const polys = (
    geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates
  ) as Position[][][];
  return polys.map((rings) => ({ type: "Polygon", coordinates: [pieceOutline(rings[0], maxCorners)] }));
}
