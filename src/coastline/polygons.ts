// Land polygons of an area from the binned GSHHG segments, for drawing maps.
//
// 1. Join the bin pieces of each GSHHG polygon back into chains (a piece leaving a bin through a side
//    continues in the neighbour bin from the same point).
// 2. Clip the chains to the area rectangle: open pieces from boundary to boundary, and closed rings.
// 3. Trace the faces the pieces cut the rectangle into: walk the rectangle's boundary counter-clockwise,
//    turn onto a piece where it ends on the boundary, follow it to its other end, and walk on. The level of
//    each stretch of boundary comes from the exact level at the south-west corner, changed at every piece
//    end passed, so no ring orientation is needed and a bad ring cannot flood the map.
// 4. Rings inside the area are islands (odd level) or lakes (even level, holes of the land around them).
import { pointInRing } from "../core/rings.js";
import { areaBins, areaColumns, areaRows, type GeoArea, gshhgColumn } from "./area.js";
import { type BinShape, binShape, cross, isLandLevel, type LakeRule, levelAt } from "./bin-shape.js";
import { BINS_X, binIndexOf, type GshhgFile, SIDE_INSIDE, UNITS } from "./gshhg.js";

export type Position = [number, number];

interface Chain {
  level: number;
  closed: boolean;
  lon: number[];
  lat: number[];
}

const EPS = 1e-9;

/**
 * Land polygons clipped to `area` (normalised: see normaliseArea), as GeoJSON MultiPolygon coordinates.
 * Longitudes run continuously from area.west to area.east (beyond 180 when the area crosses the
 * antimeridian). Outer rings counter-clockwise, holes clockwise, every ring closed.
 */
export function coastlineRings(
  file: GshhgFile,
  area: GeoArea,
  lakes: LakeRule,
  simplifyM: number,
): Position[][][] {
  if (!(simplifyM >= 0)) throw new Error(`simplifyM: ${simplifyM} not allowed; use metres >= 0`);
  const bins = file.bins(areaBins(area));
  const shapeOf = (b: number): BinShape => binShape(bins.get(b) ?? file.bin(b), lakes);
  let chains = joinChains(file, area, shapeOf);
  if (simplifyM > 0)
    chains = chains.map((c) => simplify(c, simplifyM)).filter((c) => !c.closed || c.lon.length >= 4);

  const { west: W, east: E, south: S, north: N } = area;
  const pieces: Chain[] = [];
  const rings: Chain[] = [];
  for (const c of chains) clipChain(c, area, pieces, rings);

  // Level at the south-west corner, then along the boundary.
  const sw = binIndexOf(W, S);
  let cornerLevel = lakes === "land" ? Math.min(file.corner(sw, 0), 1) : file.corner(sw, 0);
  if (file.binSegmentCount[sw] > 0) {
    const shape = shapeOf(sw);
    const x = W - 360 * Math.floor(W / 360);
    cornerLevel = levelAt(shape, (x - shape.col) * UNITS, (S - (89 - shape.row)) * UNITS);
  }
  const w = E - W;
  const h = N - S;
  const perimeter = 2 * (w + h);
  const param = (lon: number, lat: number): number => {
    const d = [lat - S, E - lon, N - lat, lon - W];
    let side = 0;
    for (let k = 1; k < 4; k++) if (Math.abs(d[k]) < Math.abs(d[side])) side = k;
    if (side === 0) return Math.max(0, Math.min(w, lon - W));
    if (side === 1) return w + Math.max(0, Math.min(h, lat - S));
    if (side === 2) return w + h + Math.max(0, Math.min(w, E - lon));
    const t = 2 * w + h + Math.max(0, Math.min(h, N - lat));
    return t >= perimeter ? 0 : t;
  };
  const cornerAt = (t: number): Position =>
    t === 0 ? [W, S] : t === w ? [E, S] : t === w + h ? [E, N] : [W, N];
  const corners = [w, w + h, 2 * w + h];

  interface End {
    t: number;
    piece: number;
    start: boolean;
  }
  const ends: End[] = [];
  pieces.forEach((p, i) => {
    const n = p.lon.length - 1;
    ends.push({ t: param(p.lon[0], p.lat[0]), piece: i, start: true });
    ends.push({ t: param(p.lon[n], p.lat[n]), piece: i, start: false });
  });
  ends.sort((a, b) => a.t - b.t);
  const startIdx = new Int32Array(pieces.length);
  const endIdx = new Int32Array(pieces.length);
  ends.forEach((e, k) => {
    if (e.start) startIdx[e.piece] = k;
    else endIdx[e.piece] = k;
  });
  // arcLevel[k]: level of the boundary from end k to end k + 1.
  const arcLevel = new Int32Array(ends.length);
  let level = cornerLevel;
  ends.forEach((e, k) => {
    level = cross(level, pieces[e.piece].level);
    arcLevel[k] = level;
  });

  interface Face {
    level: number;
    ring: Position[];
    holes: Position[][];
  }
  const faces: Face[] = [];
  if (ends.length === 0) {
    if (isLandLevel(cornerLevel)) {
      faces.push({
        level: cornerLevel,
        ring: [
          [W, S],
          [E, S],
          [E, N],
          [W, N],
          [W, S],
        ],
        holes: [],
      });
    }
  } else {
    const visited = new Uint8Array(ends.length);
    for (let k = 0; k < ends.length; k++) {
      if (visited[k] || !isLandLevel(arcLevel[k])) continue;
      const ring: Position[] = [];
      const first = ends[k];
      const p0 = pieces[first.piece];
      const i0 = first.start ? 0 : p0.lon.length - 1;
      ring.push([p0.lon[i0], p0.lat[i0]]);
      let a = k;
      for (let guard = 0; guard <= ends.length; guard++) {
        visited[a] = 1;
        const b = (a + 1) % ends.length;
        const ta = ends[a].t;
        const tb = ends[b].t;
        // Corners passed going counter-clockwise from ta to tb (through the SW corner from the last end).
        if (b !== 0) {
          for (const c of corners) if (c > ta && c < tb) ring.push(cornerAt(c));
        } else {
          for (const c of corners) if (c > ta) ring.push(cornerAt(c));
          ring.push(cornerAt(0));
          for (const c of corners) if (c < tb) ring.push(cornerAt(c));
        }
        const e = ends[b];
        const p = pieces[e.piece];
        if (e.start) for (let i = 0; i < p.lon.length; i++) ring.push([p.lon[i], p.lat[i]]);
        else for (let i = p.lon.length - 1; i >= 0; i--) ring.push([p.lon[i], p.lat[i]]);
        a = e.start ? endIdx[e.piece] : startIdx[e.piece];
        if (a === k) break;
      }
      faces.push({ level: arcLevel[k], ring: closeRing(ring), holes: [] });
    }
  }

  // Rings inside the area: islands become polygons, lakes holes of the land polygon that holds them.
  const lakesInside: Chain[] = [];
  for (const r of rings) {
    const ring = closeRing(r.lon.map((lon, i) => [lon, r.lat[i]] as Position));
    if (ring.length < 4) continue;
    if (isLandLevel(r.level)) faces.push({ level: r.level, ring, holes: [] });
    else lakesInside.push(r);
  }
  for (const r of lakesInside) {
    const lon = r.lon[0];
    const lat = r.lat[0];
    const home = faces.find((f) => f.level === r.level - 1 && pointInRing(lon, lat, f.ring));
    if (home) home.holes.push(closeRing(r.lon.map((x, i) => [x, r.lat[i]] as Position)));
  }
  return faces
    .filter((f) => f.ring.length >= 4)
    .map((f) => [orient(f.ring, true), ...f.holes.map((hole) => orient(hole, false))]);
}

/** Chains in unwrapped lon/lat from the segments of every bin over the area. */
function joinChains(file: GshhgFile, area: GeoArea, shapeOf: (bin: number) => BinShape): Chain[] {
  interface Seg {
    level: number;
    closed: boolean;
    x: Float64Array;
    y: Float64Array;
  }
  const segs: Seg[] = [];
  for (const row of areaRows(area)) {
    for (const col of areaColumns(area)) {
      const b = row * BINS_X + gshhgColumn(col);
      if (file.binSegmentCount[b] === 0) continue;
      const x0 = col * UNITS;
      const y0 = (89 - row) * UNITS;
      for (const s of shapeOf(b).segments) {
        const x = new Float64Array(s.x.length);
        const y = new Float64Array(s.y.length);
        for (let i = 0; i < x.length; i++) {
          x[i] = s.x[i] + x0;
          y[i] = s.y[i] + y0;
        }
        segs.push({ level: s.level, closed: s.entry === SIDE_INSIDE, x, y });
      }
    }
  }
  // Integer unit coordinates match exactly across bins.
  const key = (x: number, y: number) => (x + 2 ** 26) * 2 ** 24 + (y + 2 ** 23);
  const starts = new Map<number, number[]>();
  const endCount = new Map<number, number>();
  segs.forEach((s, i) => {
    if (s.closed) return;
    const n = s.x.length - 1;
    const k0 = key(s.x[0], s.y[0]);
    const list = starts.get(k0);
    if (list) list.push(i);
    else starts.set(k0, [i]);
    const k1 = key(s.x[n], s.y[n]);
    endCount.set(k1, (endCount.get(k1) ?? 0) + 1);
  });
  const used = new Uint8Array(segs.length);
  const chains: Chain[] = [];
  const follow = (first: number): Chain => {
    const lon: number[] = [];
    const lat: number[] = [];
    let s = first;
    const level = segs[first].level;
    for (;;) {
      used[s] = 1;
      const { x, y } = segs[s];
      for (let i = lon.length === 0 ? 0 : 1; i < x.length; i++) {
        lon.push(x[i] / UNITS);
        lat.push(y[i] / UNITS);
      }
      const n = x.length - 1;
      const next = starts.get(key(x[n], y[n]))?.find((c) => !used[c] && segs[c].level === level);
      if (next === undefined) break;
      s = next;
    }
    const n = lon.length - 1;
    const closed = lon[0] === lon[n] && lat[0] === lat[n];
    return { level, closed, lon, lat };
  };
  // Chains that start where nothing ends first, then what is left is closed loops across bins.
  segs.forEach((s, i) => {
    if (!s.closed && !used[i] && !endCount.has(key(s.x[0], s.y[0]))) chains.push(follow(i));
  });
  segs.forEach((s, i) => {
    if (used[i]) return;
    if (s.closed) {
      chains.push({
        level: s.level,
        closed: true,
        lon: Array.from(s.x, (v) => v / UNITS),
        lat: Array.from(s.y, (v) => v / UNITS),
      });
    } else chains.push(follow(i));
  });
  return chains;
}

/** Splits a chain into pieces inside the area (ends on its boundary) or keeps it whole as a ring. */
function clipChain(c: Chain, a: GeoArea, pieces: Chain[], rings: Chain[]): void {
  const inside = (i: number) =>
    c.lon[i] >= a.west - EPS &&
    c.lon[i] <= a.east + EPS &&
    c.lat[i] >= a.south - EPS &&
    c.lat[i] <= a.north + EPS;
  let lon = c.lon;
  let lat = c.lat;
  if (c.closed) {
    let out = -1;
    for (let i = 0; i < lon.length && out < 0; i++) if (!inside(i)) out = i;
    if (out < 0) {
      rings.push(c);
      return;
    }
    // Start the ring outside so that every piece enters and leaves through the boundary.
    const n = lon.length - (lon[0] === lon[lon.length - 1] && lat[0] === lat[lat.length - 1] ? 1 : 0);
    const rl: number[] = [];
    const ra: number[] = [];
    for (let k = 0; k <= n; k++) {
      rl.push(lon[(out + k) % n]);
      ra.push(lat[(out + k) % n]);
    }
    lon = rl;
    lat = ra;
  }
  let cur: Chain | null = null;
  const finish = () => {
    if (cur && cur.lon.length >= 2 && onBoundary(cur, 0, a) && onBoundary(cur, cur.lon.length - 1, a)) {
      pieces.push(cur);
    }
    cur = null;
  };
  for (let i = 0; i + 1 < lon.length; i++) {
    const x0 = lon[i];
    const y0 = lat[i];
    const dx = lon[i + 1] - x0;
    const dy = lat[i + 1] - y0;
    let t0 = 0;
    let t1 = 1;
    const p = [-dx, dx, -dy, dy];
    const q = [x0 - a.west, a.east - x0, y0 - a.south, a.north - y0];
    let miss = false;
    for (let k = 0; k < 4; k++) {
      if (p[k] === 0) {
        if (q[k] < 0) miss = true;
      } else {
        const r = q[k] / p[k];
        if (p[k] < 0) t0 = Math.max(t0, r);
        else t1 = Math.min(t1, r);
      }
    }
    if (miss || t0 > t1) {
      finish();
      continue;
    }
    if (!cur) {
      cur = { level: c.level, closed: false, lon: [x0 + t0 * dx], lat: [y0 + t0 * dy] };
    }
    const c2: Chain = cur;
    c2.lon.push(t1 === 1 ? lon[i + 1] : x0 + t1 * dx);
    c2.lat.push(t1 === 1 ? lat[i + 1] : y0 + t1 * dy);
    if (t1 < 1) finish();
  }
  finish();
}

function onBoundary(c: Chain, i: number, a: GeoArea): boolean {
  const x = c.lon[i];
  const y = c.lat[i];
  const tol = 1e-7;
  return (
    Math.min(Math.abs(x - a.west), Math.abs(x - a.east), Math.abs(y - a.south), Math.abs(y - a.north)) < tol
  );
}

/**
 * Douglas–Peucker in metres (sinusoidal projection about the chain's first point); keeps both ends.
 * Points closer than half the tolerance to the last kept one are dropped first, which makes whole-world
 * simplification linear in practice.
 */
function simplify(c: Chain, toleranceM: number): Chain {
  const n0 = c.lon.length;
  if (n0 <= 3) return c;
  const mPerDeg = (Math.PI / 180) * 6371008.8;
  const lon0 = c.lon[0];
  const px: number[] = [];
  const py: number[] = [];
  const src: number[] = [];
  const near = (toleranceM / 2) ** 2;
  for (let k = 0; k < n0; k++) {
    const x = (c.lon[k] - lon0) * Math.cos((c.lat[k] * Math.PI) / 180) * mPerDeg;
    const y = c.lat[k] * mPerDeg;
    const m = px.length;
    if (k > 0 && k < n0 - 1 && (x - px[m - 1]) ** 2 + (y - py[m - 1]) ** 2 < near) continue;
    px.push(x);
    py.push(y);
    src.push(k);
  }
  const n = px.length;
  const keep = new Uint8Array(n);
  keep[0] = keep[n - 1] = 1;
  const stack: number[] = [0, n - 1];
  while (stack.length) {
    const j = stack.pop()!;
    const i = stack.pop()!;
    const dx = px[j] - px[i];
    const dy = py[j] - py[i];
    const len2 = dx * dx + dy * dy;
    let worst = -1;
    let at = -1;
    for (let k = i + 1; k < j; k++) {
      const ex = px[k] - px[i];
      const ey = py[k] - py[i];
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, (ex * dx + ey * dy) / len2));
      const d = (ex - t * dx) ** 2 + (ey - t * dy) ** 2;
      if (d > worst) {
        worst = d;
        at = k;
      }
    }
    if (worst > toleranceM * toleranceM) {
      keep[at] = 1;
      stack.push(i, at, at, j);
    }
  }
  const lon: number[] = [];
  const lat: number[] = [];
  for (let k = 0; k < n; k++) {
    if (keep[k]) {
      lon.push(c.lon[src[k]]);
      lat.push(c.lat[src[k]]);
    }
  }
  return { ...c, lon, lat };
}

function closeRing(r: Position[]): Position[] {
  const out: Position[] = [];
  for (const p of r) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  if (out.length > 0) {
    const [a, b] = [out[0], out[out.length - 1]];
    if (a[0] !== b[0] || a[1] !== b[1]) out.push([a[0], a[1]]);
  }
  return out;
}

function signedArea(r: Position[]): number {
  let s = 0;
  for (let i = 0; i + 1 < r.length; i++) s += r[i][0] * r[i + 1][1] - r[i + 1][0] * r[i][1];
  return s / 2;
}

function orient(r: Position[], ccw: boolean): Position[] {
  return signedArea(r) > 0 === ccw ? r : r.slice().reverse();
}
