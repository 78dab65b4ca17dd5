// A small validity checker for the polygons we write (RFC 7946 + OGC simple-feature rules we promise):
// closed rings of ≥ 4 positions, exterior counter-clockwise and holes clockwise, no ring crossing or touching
// itself or another ring, holes inside their exterior, polygons of a MultiPolygon not overlapping.
import type { MultiPolygon, Polygon, Position } from "../../src/products/geojson-types.js";

export function signedArea(ring: Position[]): number {
  let a = 0;
  for (let i = 0; i + 1 < ring.length; i++) a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return a / 2;
}

function orient(a: Position, b: Position, c: Position): number {
  const v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  return Math.abs(v) < 1e-18 ? 0 : Math.sign(v);
}

function onSegment(a: Position, b: Position, p: Position): boolean {
  return (
    Math.min(a[0], b[0]) <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) &&
    Math.min(a[1], b[1]) <= p[1] &&
    p[1] <= Math.max(a[1], b[1])
  );
}

/** True when closed segments ab and cd share any point. */
export function segmentsIntersect(a: Position, b: Position, c: Position, d: Position): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  if (o1 === 0 && onSegment(a, b, c)) return true;
  if (o2 === 0 && onSegment(a, b, d)) return true;
  if (o3 === 0 && onSegment(c, d, a)) return true;
  if (o4 === 0 && onSegment(c, d, b)) return true;
  return false;
}

export function pointInRing(p: Position, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 2; i < ring.length - 1; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Problems found (empty when valid). */
export function geometryProblems(g: Polygon | MultiPolygon): string[] {
  const problems: string[] = [];
  const polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  if (g.type === "MultiPolygon" && polys.length < 2) problems.push("MultiPolygon with fewer than 2 polygons");
  const allRings: { ring: Position[]; where: string }[] = [];
  polys.forEach((rings, p) => {
    if (rings.length === 0) problems.push(`polygon ${p}: no rings`);
    rings.forEach((ring, r) => {
      const where = `polygon ${p} ring ${r}`;
      if (ring.length < 4) problems.push(`${where}: fewer than 4 positions`);
      const [f, l] = [ring[0], ring[ring.length - 1]];
      if (f[0] !== l[0] || f[1] !== l[1]) problems.push(`${where}: not closed`);
      for (const pos of ring) {
        if (pos.length !== 2 || !Number.isFinite(pos[0]) || !Number.isFinite(pos[1]))
          problems.push(`${where}: bad position`);
        if (pos[0] < -180 || pos[0] > 180 || pos[1] < -90 || pos[1] > 90)
          problems.push(`${where}: outside lon/lat range`);
      }
      const a = signedArea(ring);
      if (r === 0 && !(a > 0)) problems.push(`${where}: exterior not counter-clockwise`);
      if (r > 0 && !(a < 0)) problems.push(`${where}: hole not clockwise`);
      if (r > 0 && !pointInRing(ring[0], rings[0])) problems.push(`${where}: hole outside its exterior`);
      allRings.push({ ring, where });
    });
  });
  // No two segments of any rings meet, except consecutive segments of one ring at their shared vertex.
  for (let x = 0; x < allRings.length; x++) {
    for (let y = x; y < allRings.length; y++) {
      const A = allRings[x].ring;
      const B = allRings[y].ring;
      const na = A.length - 1;
      const nb = B.length - 1;
      for (let i = 0; i < na; i++) {
        for (let j = x === y ? i + 1 : 0; j < nb; j++) {
          if (x === y && (j === i + 1 || (i === 0 && j === na - 1))) {
            // Adjacent segments: must not overlap beyond the shared vertex (no spikes).
            const shared = j === i + 1 ? A[j] : A[0];
            const p = j === i + 1 ? A[i] : A[na - 1];
            const q = j === i + 1 ? A[j + 1] : A[1];
            if (
              orient(p, shared, q) === 0 &&
              (p[0] - shared[0]) * (q[0] - shared[0]) + (p[1] - shared[1]) * (q[1] - shared[1]) > 0
            ) {
              problems.push(`${allRings[x].where}: spike at vertex`);
            }
            continue;
          }
          if (segmentsIntersect(A[i], A[i + 1], B[j], B[j + 1])) {
            problems.push(`${allRings[x].where} seg ${i} meets ${allRings[y].where} seg ${j}`);
            if (problems.length > 10) return problems;
          }
        }
      }
    }
  }
  // Polygons of a MultiPolygon must not overlap: no exterior vertex of one strictly inside another's area.
  for (let p = 0; p < polys.length; p++) {
    for (let q = 0; q < polys.length; q++) {
      if (p === q) continue;
      const v = polys[p][0][0];
      const insideQ = pointInRing(v, polys[q][0]) && !polys[q].slice(1).some((h) => pointInRing(v, h));
      if (insideQ) problems.push(`polygon ${p} lies inside polygon ${q}`);
    }
  }
  return problems;
}
