// Longitude/latitude → fractional grid index on a curvilinear grid (ROMS native and the like).
// A bucket grid over the lon/lat box lists the cells overlapping each bucket; a query inverts the
// bilinear map of the few candidate cells by Newton's method. Everything is typed arrays, so the
// index can be shared with worker threads.

export interface CurvilinearIndex {
  nx: number;
  ny: number;
  /** Node longitudes unwrapped around lonRef (so the grid never straddles a ±180 seam), latitudes. */
  lon: Float64Array;
  lat: Float64Array;
  lonRef: number;
  west: number;
  east: number;
  south: number;
  north: number;
  nbx: number;
  nby: number;
  /** CSR lists: cells of bucket b are cells[start[b] .. start[b+1]), cell = j * (nx - 1) + i. */
  start: Int32Array;
  cells: Int32Array;
}

function unwrap(lon: number, ref: number): number {
  const d = lon - ref;
  return d >= -180 && d < 180 ? lon : ref + d - 360 * Math.floor((d + 180) / 360);
}

export function buildCurvilinearIndex(
  nx: number,
  ny: number,
  lonIn: Float64Array,
  latIn: Float64Array,
): CurvilinearIndex {
  const n = nx * ny;
  const c = (ny >> 1) * nx + (nx >> 1);
  const lonRef = Number.isFinite(lonIn[c]) ? lonIn[c] : 0;
  const lon = new Float64Array(n);
  const lat = Float64Array.from(latIn);
  let west = Number.POSITIVE_INFINITY;
  let east = Number.NEGATIVE_INFINITY;
  let south = Number.POSITIVE_INFINITY;
  let north = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < n; k++) {
    lon[k] = unwrap(lonIn[k], lonRef);
    if (Number.isFinite(lon[k]) && Number.isFinite(lat[k])) {
      if (lon[k] < west) west = lon[k];
      if (lon[k] > east) east = lon[k];
      if (lat[k] < south) south = lat[k];
      if (lat[k] > north) north = lat[k];
    }
  }
  const ncx = nx - 1;
  const ncells = ncx * (ny - 1);
  const aspect = (east - west) / Math.max(1e-9, north - south);
  const nbx = Math.max(1, Math.min(4096, Math.round(Math.sqrt(ncells * aspect))));
  const nby = Math.max(1, Math.min(4096, Math.round(ncells / nbx)));
  const bw = (east - west) / nbx || 1;
  const bh = (north - south) / nby || 1;
  const counts = new Int32Array(nbx * nby + 1);
  const ranges = new Int32Array(ncells * 4).fill(-1);
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < ncx; i++) {
      const k00 = j * nx + i;
      const ks = [k00, k00 + 1, k00 + nx, k00 + nx + 1];
      let x0 = Number.POSITIVE_INFINITY;
      let x1 = Number.NEGATIVE_INFINITY;
      let y0 = Number.POSITIVE_INFINITY;
      let y1 = Number.NEGATIVE_INFINITY;
      let ok = true;
      for (const k of ks) {
        if (!Number.isFinite(lon[k]) || !Number.isFinite(lat[k])) ok = false;
        x0 = Math.min(x0, lon[k]);
        x1 = Math.max(x1, lon[k]);
        y0 = Math.min(y0, lat[k]);
        y1 = Math.max(y1, lat[k]);
      }
      if (!ok) continue;
      const cell = j * ncx + i;
      const bx0 = Math.max(0, Math.min(nbx - 1, Math.floor((x0 - west) / bw)));
      const bx1 = Math.max(0, Math.min(nbx - 1, Math.floor((x1 - west) / bw)));
      const by0 = Math.max(0, Math.min(nby - 1, Math.floor((y0 - south) / bh)));
      const by1 = Math.max(0, Math.min(nby - 1, Math.floor((y1 - south) / bh)));
      ranges.set([bx0, bx1, by0, by1], cell * 4);
      for (let by = by0; by <= by1; by++) for (let bx = bx0; bx <= bx1; bx++) counts[by * nbx + bx + 1]++;
    }
  }
  const start = new Int32Array(nbx * nby + 1);
  for (let b = 0; b < nbx * nby; b++) start[b + 1] = start[b] + counts[b + 1];
  const fill = start.slice(0, nbx * nby);
  const cells = new Int32Array(start[nbx * nby]);
  for (let cell = 0; cell < ncells; cell++) {
    const bx0 = ranges[cell * 4];
    if (bx0 < 0) continue;
    const bx1 = ranges[cell * 4 + 1];
    const by0 = ranges[cell * 4 + 2];
    const by1 = ranges[cell * 4 + 3];
    for (let by = by0; by <= by1; by++)
      for (let bx = bx0; bx <= bx1; bx++) cells[fill[by * nbx + bx]++] = cell;
  }
  return { nx, ny, lon, lat, lonRef, west, east, south, north, nbx, nby, start, cells };
}

const EPS = 1e-9;

/**
 * Fractional grid index (out[0] along x/xi, out[1] along y/eta) of a point, or false when no cell
 * contains it.
 */
export function locate(ix: CurvilinearIndex, lonIn: number, lat: number, out: Float64Array): boolean {
  const lon = unwrap(lonIn, ix.lonRef);
  if (!(lon >= ix.west && lon <= ix.east && lat >= ix.south && lat <= ix.north)) return false;
  const bw = (ix.east - ix.west) / ix.nbx || 1;
  const bh = (ix.north - ix.south) / ix.nby || 1;
  const bx = Math.min(ix.nbx - 1, Math.floor((lon - ix.west) / bw));
  const by = Math.min(ix.nby - 1, Math.floor((lat - ix.south) / bh));
  const b = by * ix.nbx + bx;
  const nx = ix.nx;
  const ncx = nx - 1;
  const L = ix.lon;
  const A = ix.lat;
  for (let q = ix.start[b]; q < ix.start[b + 1]; q++) {
    const cell = ix.cells[q];
    const j = (cell / ncx) | 0;
    const i = cell - j * ncx;
    const k = j * nx + i;
    const ax = L[k];
    const ay = A[k];
    const bx1 = L[k + 1] - ax;
    const by1 = A[k + 1] - ay;
    const cx = L[k + nx] - ax;
    const cy = A[k + nx] - ay;
    const dx = L[k + nx + 1] - L[k + 1] - L[k + nx] + ax;
    const dy = A[k + nx + 1] - A[k + 1] - A[k + nx] + ay;
    // Quick reject on the cell's box.
    const px = lon - ax;
    const py = lat - ay;
    let s = 0.5;
    let t = 0.5;
    let converged = false;
    for (let it = 0; it < 12; it++) {
      const fx = bx1 * s + cx * t + dx * s * t - px;
      const fy = by1 * s + cy * t + dy * s * t - py;
      const j11 = bx1 + dx * t;
      const j12 = cx + dx * s;
      const j21 = by1 + dy * t;
      const j22 = cy + dy * s;
      const det = j11 * j22 - j12 * j21;
      if (det === 0 || !Number.isFinite(det)) break;
      const ds = (fx * j22 - fy * j12) / det;
      const dt = (fy * j11 - fx * j21) / det;
      s -= ds;
      t -= dt;
      if (Math.abs(ds) < 1e-13 && Math.abs(dt) < 1e-13) {
        converged = true;
        break;
      }
    }
    if (!converged) continue;
    if (s >= -EPS && s <= 1 + EPS && t >= -EPS && t <= 1 + EPS) {
      out[0] = i + Math.min(1, Math.max(0, s));
      out[1] = j + Math.min(1, Math.max(0, t));
      return true;
    }
  }
  return false;
}
