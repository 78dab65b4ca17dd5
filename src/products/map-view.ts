// The map view of the pictures: a local Mercator projection fitted to what a picture must show (release,
// afloat cells, stranded particles, areas), with longitudes unwrapped around the cloud.
import { Status } from "../core/types.js";
import type { ProductContext } from "./context.js";
import type { Geometry } from "./geojson-types.js";
import { AREA_KEYS } from "./map-colours.js";
import { type MapInput, snapshotAt } from "./map-input.js";

const DEG = Math.PI / 180;
const EARTH_R = 6_371_008.8;
const MAX_LAT = 85;

const mercY = (lat: number) =>
  Math.log(Math.tan(Math.PI / 4 + (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * DEG) / 2));

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Longitude/latitude bounds; longitudes are unwrapped around `lonRef` so a cloud across 180° stays whole. */
export class Bounds {
  west = Infinity;
  east = -Infinity;
  south = Infinity;
  north = -Infinity;
  constructor(readonly lonRef: number) {}

  add(lon: number, lat: number): void {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return;
    const l = unwrapLon(lon, this.lonRef);
    if (l < this.west) this.west = l;
    if (l > this.east) this.east = l;
    if (lat < this.south) this.south = lat;
    if (lat > this.north) this.north = lat;
  }

  addGeometry(g: Geometry): void {
    if (g.type === "Point") this.add(g.coordinates[0], g.coordinates[1]);
    else if (g.type === "LineString") for (const p of g.coordinates) this.add(p[0], p[1]);
    else if (g.type === "Polygon") for (const p of g.coordinates[0]) this.add(p[0], p[1]);
    else for (const poly of g.coordinates) for (const p of poly[0]) this.add(p[0], p[1]);
  }

  get empty(): boolean {
    return this.west > this.east;
  }
}

export function unwrapLon(lon: number, ref: number): number {
  return lon + 360 * Math.round((ref - lon) / 360);
}

/** A Mercator view of a small area drawn into a pixel rectangle. North is up. */
export class MapView {
  constructor(
    readonly rect: Rect,
    readonly lonRef: number,
    /** Mercator x (radians) at the left edge and y at the top edge. */
    readonly mx0: number,
    readonly myTop: number,
    /** Pixels per Mercator unit. */
    readonly k: number,
  ) {}

  x(lon: number): number {
    return this.rect.x + (unwrapLon(lon, this.lonRef) * DEG - this.mx0) * this.k;
  }
  y(lat: number): number {
    return this.rect.y + (this.myTop - mercY(lat)) * this.k;
  }
  lon(px: number): number {
    return ((px - this.rect.x) / this.k + this.mx0) / DEG;
  }
  lat(py: number): number {
    return Math.atan(Math.sinh(this.myTop - (py - this.rect.y) / this.k)) / DEG;
  }
  get west(): number {
    return this.lon(this.rect.x);
  }
  get east(): number {
    return this.lon(this.rect.x + this.rect.w);
  }
  get north(): number {
    return this.lat(this.rect.y);
  }
  get south(): number {
    return this.lat(this.rect.y + this.rect.h);
  }
  /** Ground metres per pixel at a latitude (Mercator scale varies as 1/cos φ). */
  metresPerPixel(lat: number): number {
    return (EARTH_R * Math.cos(lat * DEG)) / this.k;
  }
}

/**
 * The view that shows `b` with a margin (fraction of the span on each side), at least `minSpanKm` across,
 * filling `rect` (the shorter direction is widened to the rectangle's aspect).
 */
export function fitView(b: Bounds, rect: Rect, margin = 0.1, minSpanKm = 6): MapView {
  if (b.empty) throw new Error("map: nothing to show (no finite positions)");
  const x0 = b.west * DEG;
  const x1 = b.east * DEG;
  const y0 = mercY(b.south);
  const y1 = mercY(b.north);
  const latC = (b.south + b.north) / 2;
  const minSpan = (minSpanKm * 1000) / (EARTH_R * Math.cos(latC * DEG));
  let sx = Math.max(x1 - x0, minSpan);
  let sy = Math.max(y1 - y0, minSpan);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  sx *= 1 + 2 * margin;
  sy *= 1 + 2 * margin;
  const aspect = rect.w / rect.h;
  if (sx / sy > aspect) sy = sx / aspect;
  else sx = sy * aspect;
  return new MapView(rect, b.lonRef, cx - sx / 2, cy + sy / 2, rect.w / sx);
}

/** Bounds around what a picture of time k must show: release, afloat density, stranded particles, areas. */
export function boundsAtTime(input: MapInput, k: number): Bounds {
  const { ctx, grids } = input;
  const rel = ctx.simulation.release;
  const b = new Bounds(rel.lon[0]);
  b.add(rel.lon[0], rel.lat[0]);
  b.add(rel.lon[1], rel.lat[1]);
  const cells = grids.nx * grids.ny;
  const base = k * cells;
  for (let c = 0; c < cells; c++) if (grids.counts[base + c] > 0) b.add(grids.lon[c], grids.lat[c]);
  addParticles(b, ctx, k, k);
  const snap = snapshotAt(input.areas, k);
  if (snap) for (const key of AREA_KEYS) if (snap.areas[key]) b.addGeometry(snap.areas[key]!.geometry);
  for (const s of ctx.summaries.slice(0, k + 1))
    if (s.centroidLon !== null) b.add(s.centroidLon, s.centroidLat!);
  return b;
}

/** Bounds over all output times (the fixed view of the animation). */
export function boundsAllTimes(input: MapInput): Bounds {
  const { ctx } = input;
  const rel = ctx.simulation.release;
  const b = new Bounds(rel.lon[0]);
  b.add(rel.lon[0], rel.lat[0]);
  b.add(rel.lon[1], rel.lat[1]);
  addParticles(b, ctx, 0, ctx.trajectory.times.length - 1);
  for (const snap of input.areas)
    for (const key of AREA_KEYS) if (snap.areas[key]) b.addGeometry(snap.areas[key]!.geometry);
  return b;
}

/** Adds released particle positions; particles that are not afloat or stranded are left out. */
function addParticles(b: Bounds, ctx: ProductContext, kFrom: number, kTo: number): void {
  const t = ctx.trajectory;
  for (let k = kFrom; k <= kTo; k++) {
    const base = k * t.n;
    for (let i = 0; i < t.n; i++) {
      const s = t.status[base + i];
      if (s === Status.active || s === Status.stranded) b.add(t.lon[base + i], t.lat[base + i]);
    }
  }
}
