// Longitude/latitude → fractional grid index as OpenDrift maps positions on a ROMS grid: linear
// interpolation of the node indices over a Delaunay triangulation of the nodes in raw degrees (scipy's
// LinearNDInterpolator). The domain is therefore the convex hull of the nodes, slivers included. The
// triangles live in typed arrays (shareable with worker threads); a bucket grid finds a point's triangle.
import Delaunator from "delaunator";

export interface DelaunayIndex {
  /** Columns of the node grid (node k is at column k % nx, row floor(k / nx)). */
  nx: number;
  lon: Float64Array;
  lat: Float64Array;
  /** Three node numbers per triangle; the third is the reference vertex of the barycentric transform. */
  triangles: Int32Array;
  /** Per triangle the inverse of [[x0−x2, x1−x2], [y0−y2, y1−y2]] (row-major), NaN when degenerate. */
  transform: Float64Array;
  west: number;
  south: number;
  bucketW: number;
  bucketH: number;
  nbx: number;
  nby: number;
  /** CSR lists: triangles of bucket b are cells[start[b] .. start[b+1]). */
  start: Int32Array;
  cells: Int32Array;
}

/** scipy's tolerance for a point on a triangle's edge (100 machine epsilons of the barycentric weights). */
const EPS = 100 * 2.220446049250313e-16;

const shared = (n: number) => new Float64Array(new SharedArrayBuffer(8 * Math.max(1, n)));
const sharedInt = (n: number) => new Int32Array(new SharedArrayBuffer(4 * Math.max(1, n)));

export function buildDelaunayIndex(nx: number, lonIn: Float64Array, latIn: Float64Array): DelaunayIndex {
  const n = lonIn.length;
  const coords = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    coords[2 * k] = lonIn[k];
    coords[2 * k + 1] = latIn[k];
  }
  const d = new Delaunator(coords);
  const nt = d.triangles.length / 3;
  const lon = shared(n);
  const lat = shared(n);
  lon.set(lonIn);
  lat.set(latIn);
  const triangles = sharedInt(3 * nt);
  triangles.set(d.triangles);
  const transform = shared(4 * nt);
  let west = Number.POSITIVE_INFINITY;
  let east = Number.NEGATIVE_INFINITY;
  let south = Number.POSITIVE_INFINITY;
  let north = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < n; k++) {
    west = Math.min(west, lon[k]);
    east = Math.max(east, lon[k]);
    south = Math.min(south, lat[k]);
    north = Math.max(north, lat[k]);
  }
  for (let t = 0; t < nt; t++) {
    const [p0, p1, p2] = [triangles[3 * t], triangles[3 * t + 1], triangles[3 * t + 2]];
    const a = lon[p0] - lon[p2];
    const b = lon[p1] - lon[p2];
    const c = lat[p0] - lat[p2];
    const e = lat[p1] - lat[p2];
    const det = a * e - b * c;
    // A triangle of (nearly) collinear nodes has no usable transform (scipy gives NaN).
    const degenerate = !(Math.abs(det) > 1e-10 * Math.hypot(a, c) * Math.hypot(b, e));
    transform[4 * t] = degenerate ? Number.NaN : e / det;
    transform[4 * t + 1] = degenerate ? Number.NaN : -b / det;
    transform[4 * t + 2] = degenerate ? Number.NaN : -c / det;
    transform[4 * t + 3] = degenerate ? Number.NaN : a / det;
  }
  const aspect = (east - west) / Math.max(1e-12, north - south);
  const nbx = Math.max(1, Math.min(4096, Math.round(Math.sqrt((nt / 2) * aspect))));
  const nby = Math.max(1, Math.min(4096, Math.round(nt / 2 / nbx)));
  const bucketW = (east - west) / nbx || 1;
  const bucketH = (north - south) / nby || 1;
  const bucketRange = (t: number): [number, number, number, number] => {
    let x0 = Number.POSITIVE_INFINITY;
    let x1 = Number.NEGATIVE_INFINITY;
    let y0 = Number.POSITIVE_INFINITY;
    let y1 = Number.NEGATIVE_INFINITY;
    for (let q = 0; q < 3; q++) {
      const k = triangles[3 * t + q];
      x0 = Math.min(x0, lon[k]);
      x1 = Math.max(x1, lon[k]);
      y0 = Math.min(y0, lat[k]);
      y1 = Math.max(y1, lat[k]);
    }
    const bx = (x: number) => Math.max(0, Math.min(nbx - 1, Math.floor((x - west) / bucketW)));
    const by = (y: number) => Math.max(0, Math.min(nby - 1, Math.floor((y - south) / bucketH)));
    // One bucket of slack: a point on an edge may round into the neighbouring bucket.
    return [
      Math.max(0, bx(x0) - 1),
      Math.min(nbx - 1, bx(x1) + 1),
      Math.max(0, by(y0) - 1),
      Math.min(nby - 1, by(y1) + 1),
    ];
  };
  const counts = new Int32Array(nbx * nby + 1);
  for (let t = 0; t < nt; t++) {
    if (Number.isNaN(transform[4 * t])) continue;
    const [bx0, bx1, by0, by1] = bucketRange(t);
    for (let y = by0; y <= by1; y++) for (let x = bx0; x <= bx1; x++) counts[y * nbx + x + 1]++;
  }
  const start = sharedInt(nbx * nby + 1);
  for (let b = 0; b < nbx * nby; b++) start[b + 1] = start[b] + counts[b + 1];
  const fill = start.slice(0, nbx * nby);
  const cells = sharedInt(start[nbx * nby]);
  for (let t = 0; t < nt; t++) {
    if (Number.isNaN(transform[4 * t])) continue;
    const [bx0, bx1, by0, by1] = bucketRange(t);
    for (let y = by0; y <= by1; y++) for (let x = bx0; x <= bx1; x++) cells[fill[y * nbx + x]++] = t;
  }
  return { nx, lon, lat, triangles, transform, west, south, bucketW, bucketH, nbx, nby, start, cells };
}

/**
 * The fractional index (out[0] along the columns, out[1] along the rows) of a point inside the convex
 * hull of the nodes, as scipy's LinearNDInterpolator computes it; false outside.
 */
export function delaunayLocate(ix: DelaunayIndex, lon: number, lat: number, out: Float64Array): boolean {
  const bx = Math.floor((lon - ix.west) / ix.bucketW);
  const by = Math.floor((lat - ix.south) / ix.bucketH);
  if (!(bx >= 0 && bx < ix.nbx && by >= 0 && by < ix.nby)) {
    // On the box's east or north edge (or just outside): the last bucket decides.
    if (!(bx >= -1 && bx <= ix.nbx && by >= -1 && by <= ix.nby)) return false;
  }
  const b = Math.max(0, Math.min(ix.nby - 1, by)) * ix.nbx + Math.max(0, Math.min(ix.nbx - 1, bx));
  const T = ix.transform;
  const tri = ix.triangles;
  const nx = ix.nx;
  for (let q = ix.start[b]; q < ix.start[b + 1]; q++) {
    const t = ix.cells[q];
    const r = tri[3 * t + 2];
    const dx = lon - ix.lon[r];
    const dy = lat - ix.lat[r];
    let c0 = 0.0;
    c0 += T[4 * t] * dx;
    c0 += T[4 * t + 1] * dy;
    let c1 = 0.0;
    c1 += T[4 * t + 2] * dx;
    c1 += T[4 * t + 3] * dy;
    let c2 = 1.0;
    c2 -= c0;
    c2 -= c1;
    if (!(c0 >= -EPS && c0 <= 1 + EPS && c1 >= -EPS && c1 <= 1 + EPS && c2 >= -EPS && c2 <= 1 + EPS))
      continue;
    const k0 = tri[3 * t];
    const k1 = tri[3 * t + 1];
    const i0 = k0 % nx;
    const i1 = k1 % nx;
    const i2 = r % nx;
    out[0] = 0 + c0 * i0 + c1 * i1 + c2 * i2;
    out[1] = 0 + c0 * ((k0 - i0) / nx) + c1 * ((k1 - i1) / nx) + c2 * ((r - i2) / nx);
    return true;
  }
  return false;
}
