// Shared map drawing for heatmap.png, animation.gif and report.pdf: a local Mercator view fitted to the cloud,
// coastline, graticule, scale bar, north arrow, search-area outlines, markers and text. Drawn with
// @napi-rs/canvas and the bundled DejaVu font, so the pictures look the same on a fresh server.
import { createRequire } from "node:module";
import path from "node:path";
import { GlobalFonts, type SKRSContext2D } from "@napi-rs/canvas";
import proj4, { type Converter } from "proj4";
import { Status } from "../core/types.js";
import type { ProductContext } from "./context.js";
import type { Geometry, Position } from "./geojson-types.js";
import type { DensityGrids, SearchAreaSnapshot } from "./types.js";

/** What every picture and the briefing are drawn from. */
export interface MapInput {
  ctx: ProductContext;
  grids: DensityGrids;
  /** One entry per output time (matched by `timeIndex`). */
  areas: SearchAreaSnapshot[];
  /** Land polygons around the cloud: polygons → rings → [lon, lat]; first ring outer, others holes. */
  coastline?: Position[][][];
  /** Replaces the default title ("Drift forecast — <object group> (<key>)"). */
  title?: string;
}

export const FONT_FAMILY = "Driftline Sans";
let fontsRegistered = false;

/** Registers DejaVu Sans (regular and bold) from the npm package under FONT_FAMILY, once per process. */
export function registerFonts(): string {
  if (fontsRegistered) return FONT_FAMILY;
  for (const file of [SANS_TTF, SANS_BOLD_TTF]) {
    if (!GlobalFonts.registerFromPath(file, FONT_FAMILY))
      throw new Error(`map-render: cannot load font ${file}`);
  }
  fontsRegistered = true;
  return FONT_FAMILY;
}

const FONT_DIR = path.join(
  path.dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")),
  "ttf",
);
export const SANS_TTF = path.join(FONT_DIR, "DejaVuSans.ttf");
export const SANS_BOLD_TTF = path.join(FONT_DIR, "DejaVuSans-Bold.ttf");

export function font(px: number, bold = false): string {
  return `${bold ? "bold " : ""}${px}px "${FONT_FAMILY}"`;
}

// ---------------------------------------------------------------- colours and styles

export const COLORS = {
  sea: "#dde9f2",
  land: "#efe8d6",
  coast: "#8a7f66",
  graticule: "rgba(40, 60, 90, 0.28)",
  frame: "#2b2b2b",
  text: "#1a1a1a",
  muted: "#555555",
  track: "#3a3a3a",
  lkp: "#000000",
  centroid: "#ffffff",
  mostLikely: "#e0007a",
  stranded: "#6b3b12",
  afloat: "#0b2d6b",
  halo: "rgba(255, 255, 255, 0.9)",
} as const;

/** 50 % on top and boldest; 95 % dashed so the three read apart even in greyscale print. */
export const AREA_STYLES: Record<
  "50" | "90" | "95",
  { color: string; width: number; dash: number[]; label: string }
> = {
  "50": { color: "#1537d0", width: 3.2, dash: [], label: "50 %" },
  "90": { color: "#0b8a48", width: 2.6, dash: [], label: "90 %" },
  "95": { color: "#222222", width: 2.2, dash: [9, 5], label: "95 %" },
};
export const AREA_KEYS = ["50", "90", "95"] as const;

/** YlOrRd-like sequential ramp, low → high, as 256 RGB triples (index 0 = lowest non-zero value). */
export const DENSITY_RAMP: Uint8Array = buildRamp([
  [255, 240, 150],
  [254, 217, 118],
  [254, 178, 76],
  [253, 141, 60],
  [252, 78, 42],
  [227, 26, 28],
  [189, 0, 38],
  [110, 0, 40],
]);

function buildRamp(stops: number[][]): Uint8Array {
  const out = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const f = (i / 255) * (stops.length - 1);
    const s = Math.min(Math.floor(f), stops.length - 2);
    const t = f - s;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(stops[s][c] * (1 - t) + stops[s + 1][c] * t);
  }
  return out;
}

export function rampColor(t: number): string {
  const i = Math.max(0, Math.min(255, Math.round(t * 255))) * 3;
  return `rgb(${DENSITY_RAMP[i]}, ${DENSITY_RAMP[i + 1]}, ${DENSITY_RAMP[i + 2]})`;
}

// ---------------------------------------------------------------- text formatting

const pad2 = (n: number) => String(n).padStart(2, "0");

/** "2024-05-01 18:00 UTC" (seconds shown only when not zero). */
export function formatUtc(unix: number): string {
  const d = new Date(unix * 1000);
  const s = d.getUTCSeconds() ? `:${pad2(d.getUTCSeconds())}` : "";
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}${s} UTC`;
}

/** "+24 h", "−6 h", "+1.5 h". */
export function formatHours(h: number): string {
  const r = Math.round(h * 10) / 10;
  const sign = r < 0 ? "−" : "+";
  return `${sign}${Math.abs(r)} h`;
}

function degMin(value: number, decimals: number, degWidth: number): [string, string, boolean] {
  const f = 10 ** decimals;
  // Round the total minutes first so 59.9999° never prints as 59°60.00′.
  const totalMin = Math.round(Math.abs(value) * 60 * f) / f;
  const deg = Math.floor(totalMin / 60 + 1e-9);
  const min = Math.max(0, totalMin - deg * 60);
  const minText = min.toFixed(decimals).padStart(decimals ? decimals + 3 : 2, "0");
  return [String(deg).padStart(degWidth, "0"), minText, value < 0];
}

/** Latitude in degrees and decimal minutes: "59°30.00′N". */
export function formatLatDM(lat: number, decimals = 2): string {
  const [d, m, neg] = degMin(lat, decimals, 2);
  return `${d}°${m}′${neg ? "S" : "N"}`;
}

/** Longitude in degrees and decimal minutes: "003°12.50′E" (normalised to −180..180). */
export function formatLonDM(lon: number, decimals = 2): string {
  const [d, m, neg] = degMin(normaliseLon(lon), decimals, 3);
  return `${d}°${m}′${neg ? "W" : "E"}`;
}

export function formatPositionDM(lon: number, lat: number, decimals = 2): string {
  return `${formatLatDM(lat, decimals)} ${formatLonDM(lon, decimals)}`;
}

/** "59.50000° N, 3.20833° E" style decimal degrees, signed form: "59.50000, 3.20833". */
export function formatPositionDecimal(lon: number, lat: number, decimals = 5): string {
  return `${lat.toFixed(decimals)}, ${normaliseLon(lon).toFixed(decimals)}`;
}

export function normaliseLon(lon: number): number {
  let l = ((((lon + 180) % 360) + 360) % 360) - 180;
  if (l === -180 && lon > 0) l = 180;
  return l;
}

/** "1,234" with thin grouping commas. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Area with sensible precision: 0.42, 3.7, 126, 12,400. */
export function formatArea(a: number): string {
  if (a < 10) return a.toFixed(a < 1 ? 2 : 1);
  return formatCount(a);
}

// ---------------------------------------------------------------- run facts used in titles and legends

export function isBackward(ctx: ProductContext): boolean {
  return ctx.simulation.durationSeconds < 0;
}

export function objectTitle(ctx: ProductContext): string {
  const c = ctx.category;
  return `${c.group} (${c.key})`;
}

/** "Driftline 0.1.0 — Leeway model; forcing: wind …; current …". */
export function footerText(ctx: ProductContext): string {
  const parts: string[] = [];
  for (const variable of ["wind", "current"] as const) {
    const names = ctx.forcing.filter((f) => f.variable === variable).map((f) => f.name);
    parts.push(`${variable} ${names.length ? names.join(", ") : "none"}`);
  }
  return `Driftline ${ctx.softwareVersion} — Leeway model; forcing: ${parts.join("; ")}`;
}

export function snapshotAt(areas: SearchAreaSnapshot[], timeIndex: number): SearchAreaSnapshot | undefined {
  return areas.find((a) => a.timeIndex === timeIndex);
}

/** Counts by status of particle snapshot k, straight from the trajectory (independent of the analysis). */
export function statusCounts(ctx: ProductContext, k: number): Record<string, number> {
  const t = ctx.trajectory;
  const c = { active: 0, stranded: 0, missing_data: 0, outside_domain: 0, unreleased: 0 };
  const base = k * t.n;
  for (let i = 0; i < t.n; i++) {
    const s = t.status[base + i];
    if (s === Status.active) c.active++;
    else if (s === Status.stranded) c.stranded++;
    else if (s === Status.missing_data) c.missing_data++;
    else if (s === Status.outside_domain) c.outside_domain++;
    else c.unreleased++;
  }
  return c;
}

/** Checks a time index against the trajectory and returns it (default: the last output time). */
export function resolveTimeIndex(input: MapInput, timeIndex?: number): number {
  const count = input.ctx.trajectory.times.length;
  if (count === 0) throw new Error("map: the trajectory has no output times");
  const k = timeIndex ?? count - 1;
  if (!Number.isInteger(k) || k < 0 || k >= count) {
    throw new Error(`map: timeIndex ${timeIndex} is outside the output times 0..${count - 1}`);
  }
  return k;
}

// ---------------------------------------------------------------- projection

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

// ---------------------------------------------------------------- density raster

/**
 * For every pixel of the view's rectangle, the index of the density cell under it (row-major ny*nx), or −1.
 * The grid is regular in its own projection (grids.proj4); the table is reused for every time layer.
 *
 * Projecting every pixel with proj4 is slow (half a million calls), so along each row only every
 * LOOKUP_STEP-th pixel is projected and the grid coordinates in between are interpolated linearly. The
 * interpolation error is bounded from the second differences of the projected samples; a pixel whose
 * interpolated coordinate lies closer than that bound (with a wide margin) to a cell edge is projected
 * exactly, so the table is the same as projecting every pixel.
 */
export function cellLookup(view: MapView, grids: DensityGrids): Int32Array {
  const { w, h } = view.rect;
  const out = new Int32Array(w * h).fill(-1);
  if (grids.nx === 0 || grids.ny === 0) return out;
  let conv: Converter;
  try {
    conv = proj4(grids.proj4);
  } catch (e) {
    throw new Error(
      `map: density grid proj4 string "${grids.proj4}" is not understood: ${(e as Error).message}`,
    );
  }
  const { nx, ny } = grids;
  const dx = nx > 1 ? grids.x[1] - grids.x[0] : grids.cellM;
  const dy = ny > 1 ? grids.y[1] - grids.y[0] : grids.cellM;
  const x0 = grids.x[0];
  const y0 = grids.y[0];
  const lons = new Float64Array(w);
  for (let px = 0; px < w; px++) lons[px] = view.lon(view.rect.x + px + 0.5);
  const p: [number, number] = [0, 0];
  // Grid coordinates (fractional cell indices) of one pixel, exactly as projected.
  let gu = 0;
  let gv = 0;
  const project = (lon: number, lat: number): void => {
    p[0] = lon;
    p[1] = lat;
    const q = conv.forward(p);
    gu = (q[0] - x0) / dx;
    gv = (q[1] - y0) / dy;
  };
  const store = (row: number, px: number, u: number, v: number): void => {
    const i = Math.round(u);
    const j = Math.round(v);
    if (i >= 0 && i < nx && j >= 0 && j < ny) out[row + px] = j * nx + i;
  };

  // Sample columns: every LOOKUP_STEP-th pixel and the last one.
  const step = LOOKUP_STEP;
  const cols: number[] = [];
  for (let px = 0; px < w; px += step) cols.push(px);
  if (cols[cols.length - 1] !== w - 1) cols.push(w - 1);
  const su = new Float64Array(cols.length);
  const sv = new Float64Array(cols.length);

  for (let py = 0; py < h; py++) {
    const lat = view.lat(view.rect.y + py + 0.5);
    const row = py * w;
    let finite = true;
    for (let s = 0; s < cols.length; s++) {
      project(lons[cols[s]], lat);
      su[s] = gu;
      sv[s] = gv;
      if (!(Number.isFinite(gu) && Number.isFinite(gv))) finite = false;
    }
    // Largest second difference over evenly spaced sample triples: ≈ step² · |f''|.
    let curvature = 0;
    for (let s = 1; s + 1 < cols.length; s++) {
      if (cols[s + 1] - cols[s] !== step || cols[s] - cols[s - 1] !== step) continue;
      curvature = Math.max(
        curvature,
        Math.abs(su[s - 1] - 2 * su[s] + su[s + 1]),
        Math.abs(sv[s - 1] - 2 * sv[s] + sv[s + 1]),
      );
    }
    // Linear interpolation errs by at most step² · max|f''| / 8 ≈ curvature / 8: take 8 times that, plus
    // room for rounding. Rows too short to measure (or not projectable) are projected pixel by pixel.
    const margin = curvature + 1e-6;
    if (!finite || cols.length < 3 || !(margin < 0.05)) {
      for (let px = 0; px < w; px++) {
        project(lons[px], lat);
        store(row, px, gu, gv);
      }
      continue;
    }
    for (let s = 0; s + 1 < cols.length; s++) {
      const a = cols[s];
      const b = cols[s + 1];
      const u0 = su[s];
      const v0 = sv[s];
      const du = (su[s + 1] - u0) / (b - a);
      const dv = (sv[s + 1] - v0) / (b - a);
      store(row, a, u0, v0);
      for (let px = a + 1; px < b; px++) {
        const u = u0 + du * (px - a);
        const v = v0 + dv * (px - a);
        // Distance to the nearest cell edge (Math.round switches at k + 0.5).
        const eu = Math.abs(u - Math.floor(u) - 0.5);
        const ev = Math.abs(v - Math.floor(v) - 0.5);
        if (eu < margin || ev < margin) {
          project(lons[px], lat);
          store(row, px, gu, gv);
        } else store(row, px, u, v);
      }
    }
    store(row, cols[cols.length - 1], su[cols.length - 1], sv[cols.length - 1]);
  }
  return out;
}

/** Pixels between exactly projected samples in cellLookup. */
const LOOKUP_STEP = 16;

/** Probability in % per km² of every cell at time k (0 where empty or nothing afloat) and its maximum. */
export function densityPercentPerKm2(grids: DensityGrids, k: number): { values: Float32Array; max: number } {
  const cells = grids.nx * grids.ny;
  const values = new Float32Array(cells);
  const afloat = grids.afloatWeight[k];
  let max = 0;
  if (afloat > 0) {
    const cellKm2 = (grids.cellM * grids.cellM) / 1e6;
    const f = 100 / afloat / cellKm2;
    const base = k * cells;
    for (let c = 0; c < cells; c++) {
      const v = grids.weight[base + c] * f;
      values[c] = v;
      if (v > max) max = v;
    }
  }
  return { values, max };
}

/**
 * Paints the density layer into an RGBA buffer of the view rectangle: the ramp where the value is > 0,
 * transparent elsewhere; land cells of the grid (used when no coastline polygons are given) in land colour.
 */
export function paintDensity(
  rgba: Uint8ClampedArray,
  lookup: Int32Array,
  values: Float32Array,
  vmax: number,
  land?: Uint8Array,
): void {
  const landRgb = [0xef, 0xe8, 0xd6];
  for (let p = 0; p < lookup.length; p++) {
    const c = lookup[p];
    if (c < 0) continue;
    const o = p * 4;
    const v = values[c];
    if (v > 0 && vmax > 0) {
      const r = Math.min(255, Math.round((v / vmax) * 255)) * 3;
      rgba[o] = DENSITY_RAMP[r];
      rgba[o + 1] = DENSITY_RAMP[r + 1];
      rgba[o + 2] = DENSITY_RAMP[r + 2];
      rgba[o + 3] = 235;
    } else if (land && land[c] === 1) {
      rgba[o] = landRgb[0];
      rgba[o + 1] = landRgb[1];
      rgba[o + 2] = landRgb[2];
      rgba[o + 3] = 255;
    }
  }
}

/** 1, 2, 5 × 10ⁿ: the largest such value ≤ x. */
export function niceFloor(x: number): number {
  const e = 10 ** Math.floor(Math.log10(x));
  const m = x / e;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * e;
}

/** Tick values for a 0..max colour bar: multiples of a 1-2-5 step, at most ~5. */
export function colorbarTicks(max: number): number[] {
  if (!(max > 0)) return [0];
  const step = niceFloor(max / 4);
  const ticks: number[] = [];
  for (let i = 0; i * step <= max * (1 + 1e-9); i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

export function formatTick(v: number): string {
  if (v === 0) return "0";
  if (v >= 10) return formatCount(v);
  const digits = Math.max(0, -Math.floor(Math.log10(v)) + 1);
  return Number(v.toFixed(digits)).toString();
}

// ---------------------------------------------------------------- drawing primitives

type Ctx = SKRSContext2D;

export function fillRect(g: Ctx, r: Rect, color: string): void {
  g.fillStyle = color;
  g.fillRect(r.x, r.y, r.w, r.h);
}

/** Text with a white halo so it stays readable over colour. */
export function haloText(g: Ctx, text: string, x: number, y: number, color: string = COLORS.text): void {
  g.lineJoin = "round";
  g.lineWidth = 4;
  g.strokeStyle = COLORS.halo;
  g.strokeText(text, x, y);
  g.fillStyle = color;
  g.fillText(text, x, y);
}

/** Shortens text with "…" until it fits maxWidth. */
export function fitText(g: Ctx, text: string, maxWidth: number): string {
  if (g.measureText(text).width <= maxWidth) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (g.measureText(`${text.slice(0, mid)}…`).width <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

function ringPath(g: Ctx, view: MapView, ring: Position[]): void {
  for (let i = 0; i < ring.length; i++) {
    const x = view.x(ring[i][0]);
    const y = view.y(ring[i][1]);
    if (i === 0) g.moveTo(x, y);
    else g.lineTo(x, y);
  }
  g.closePath();
}

/** Land polygons filled, with a thin coast line; clipped to the map rectangle. */
export function drawCoastline(g: Ctx, view: MapView, polygons: Position[][][]): void {
  g.save();
  clipTo(g, view.rect);
  g.beginPath();
  for (const poly of polygons) for (const ring of poly) if (ring.length >= 3) ringPath(g, view, ring);
  g.fillStyle = COLORS.land;
  g.fill("evenodd");
  g.lineWidth = 1;
  g.strokeStyle = COLORS.coast;
  g.stroke();
  g.restore();
}

export function clipTo(g: Ctx, r: Rect): void {
  g.beginPath();
  g.rect(r.x, r.y, r.w, r.h);
  g.clip();
}

const GRATICULE_STEPS_DEG = [1, 2, 5, 10, 15, 20, 30].map((m) => m / 60).concat([1, 2, 5, 10, 15, 30]);

function graticuleStep(pxPerDeg: number, minPx: number): number {
  for (const s of GRATICULE_STEPS_DEG) if (s * pxPerDeg >= minPx) return s;
  return 30;
}

/** Graticule label: whole degrees when the step is, else degrees and whole minutes ("59°30′N"). */
export function graticuleLabel(value: number, step: number, isLat: boolean): string {
  const v = isLat ? value : normaliseLon(value);
  const hemi = v > 1e-9 ? (isLat ? "N" : "E") : v < -1e-9 ? (isLat ? "S" : "W") : "";
  const totalMin = Math.round(Math.abs(v) * 60);
  const d = Math.floor(totalMin / 60);
  const m = totalMin % 60;
  if (step >= 1 || m === 0) return `${d}°${hemi}`;
  return `${d}°${pad2(m)}′${hemi}`;
}

/** Lat/lon lines across the map with labels outside the frame (left: latitude, bottom: longitude). */
export function drawGraticule(g: Ctx, view: MapView, labelPx = 13): void {
  const { rect } = view;
  const pxPerDegLon = view.k * DEG;
  const latMid = (view.north + view.south) / 2;
  const pxPerDegLat = pxPerDegLon / Math.cos(latMid * DEG);
  const lonStep = graticuleStep(pxPerDegLon, labelPx * 9);
  const latStep = graticuleStep(pxPerDegLat, labelPx * 5);
  g.save();
  g.font = font(labelPx);
  g.fillStyle = COLORS.text;
  g.strokeStyle = COLORS.graticule;
  g.lineWidth = 1;
  const eps = 1e-9;
  for (let n = Math.ceil(view.west / lonStep - eps); n * lonStep <= view.east + eps; n++) {
    const lon = n * lonStep;
    const x = Math.round(view.x(lon)) + 0.5;
    if (x < rect.x || x > rect.x + rect.w) continue;
    g.beginPath();
    g.moveTo(x, rect.y);
    g.lineTo(x, rect.y + rect.h);
    g.stroke();
    g.textAlign = "center";
    g.textBaseline = "top";
    g.fillText(graticuleLabel(lon, lonStep, false), x, rect.y + rect.h + 4);
  }
  for (let n = Math.ceil(view.south / latStep - eps); n * latStep <= view.north + eps; n++) {
    const lat = n * latStep;
    const y = Math.round(view.y(lat)) + 0.5;
    if (y < rect.y || y > rect.y + rect.h) continue;
    g.beginPath();
    g.moveTo(rect.x, y);
    g.lineTo(rect.x + rect.w, y);
    g.stroke();
    g.textAlign = "right";
    g.textBaseline = "middle";
    g.fillText(graticuleLabel(lat, latStep, true), rect.x - 5, y);
  }
  g.restore();
}

export function drawFrame(g: Ctx, r: Rect): void {
  g.save();
  g.strokeStyle = COLORS.frame;
  g.lineWidth = 1.5;
  g.strokeRect(r.x, r.y, r.w, r.h);
  g.restore();
}

/** Scale bars in km and nautical miles, bottom-left inside the map, on a white panel. */
export function drawScaleBar(g: Ctx, view: MapView, textPx = 13): void {
  const { rect } = view;
  const mpp = view.metresPerPixel((view.north + view.south) / 2);
  const target = rect.w * 0.22 * mpp;
  const km = niceFloor(target / 1000);
  const nm = niceFloor(target / 1852);
  const kmPx = (km * 1000) / mpp;
  const nmPx = (nm * 1852) / mpp;
  const pad = 10;
  const barH = 6;
  g.save();
  g.font = font(textPx);
  const kmText = `${formatTick(km)} km`;
  const nmText = `${formatTick(nm)} NM`;
  const boxW = 2 * pad + 6 + Math.max(kmPx + g.measureText(kmText).width, nmPx + g.measureText(nmText).width);
  const boxH = 2 * barH + 2 * textPx + 3 * 6 + 4;
  const bx = rect.x + 12;
  const by = rect.y + rect.h - 12 - boxH;
  g.fillStyle = "rgba(255, 255, 255, 0.88)";
  g.strokeStyle = "rgba(0, 0, 0, 0.25)";
  g.lineWidth = 1;
  g.beginPath();
  g.roundRect(bx, by, boxW, boxH, 4);
  g.fill();
  g.stroke();
  const x0 = bx + pad;
  const yKm = by + 6 + textPx + 4;
  const yNm = yKm + barH + 4;
  drawBar(g, x0, yKm, kmPx, barH);
  drawBar(g, x0, yNm, nmPx, barH);
  g.font = font(textPx);
  g.fillStyle = COLORS.text;
  g.textBaseline = "bottom";
  g.textAlign = "left";
  g.fillText("0", x0 - 3, yKm - 2);
  g.fillText(kmText, x0 + kmPx + 6, yKm + barH + 2);
  g.textBaseline = "top";
  g.fillText(nmText, x0 + nmPx + 6, yNm - 1);
  g.restore();
}

function drawBar(g: Ctx, x: number, y: number, w: number, h: number): void {
  const half = w / 2;
  g.fillStyle = "#111";
  g.fillRect(x, y, half, h);
  g.fillStyle = "#fff";
  g.fillRect(x + half, y, w - half, h);
  g.strokeStyle = "#111";
  g.lineWidth = 1;
  g.strokeRect(x, y, w, h);
}

/** North arrow with "N", top-right inside the map (north is straight up in this projection). */
export function drawNorthArrow(g: Ctx, view: MapView, size = 34): void {
  const { rect } = view;
  const cx = rect.x + rect.w - 14 - size / 2;
  const top = rect.y + 12;
  const h = size * 1.1;
  g.save();
  g.fillStyle = "rgba(255, 255, 255, 0.88)";
  g.strokeStyle = "rgba(0, 0, 0, 0.25)";
  g.beginPath();
  g.roundRect(cx - size / 2 - 4, top, size + 8, h + size * 0.62 + 12, 4);
  g.fill();
  g.stroke();
  g.font = font(Math.round(size * 0.5), true);
  g.fillStyle = COLORS.text;
  g.textAlign = "center";
  g.textBaseline = "top";
  g.fillText("N", cx, top + 4);
  const ay = top + size * 0.62 + 6;
  g.lineWidth = 1.2;
  g.strokeStyle = "#111";
  g.beginPath();
  g.moveTo(cx, ay);
  g.lineTo(cx - size * 0.3, ay + h);
  g.lineTo(cx, ay + h * 0.72);
  g.closePath();
  g.fillStyle = "#111";
  g.fill();
  g.stroke();
  g.beginPath();
  g.moveTo(cx, ay);
  g.lineTo(cx + size * 0.3, ay + h);
  g.lineTo(cx, ay + h * 0.72);
  g.closePath();
  g.fillStyle = "#fff";
  g.fill();
  g.stroke();
  g.restore();
}

function geometryPath(g: Ctx, view: MapView, geom: Geometry): void {
  if (geom.type === "Polygon") for (const ring of geom.coordinates) ringPath(g, view, ring);
  else if (geom.type === "MultiPolygon")
    for (const poly of geom.coordinates) for (const ring of poly) ringPath(g, view, ring);
}

/** 95, 90 then 50 % outlines (50 % on top), each over a white halo so it reads on the density colours. */
export function drawAreaOutlines(
  g: Ctx,
  view: MapView,
  snap: SearchAreaSnapshot | undefined,
  scale = 1,
): void {
  if (!snap) return;
  g.save();
  clipTo(g, view.rect);
  g.lineJoin = "round";
  for (const key of ["95", "90", "50"] as const) {
    const area = snap.areas[key];
    if (!area) continue;
    const st = AREA_STYLES[key];
    g.beginPath();
    geometryPath(g, view, area.geometry);
    g.setLineDash([]);
    g.strokeStyle = "rgba(255, 255, 255, 0.85)";
    g.lineWidth = (st.width + 2.5) * scale;
    g.stroke();
    g.setLineDash(st.dash.map((d) => d * scale));
    g.strokeStyle = st.color;
    g.lineWidth = st.width * scale;
    g.stroke();
  }
  g.restore();
}

/** A line sample for legends: the area style over its halo. */
export function drawAreaSwatch(
  g: Ctx,
  key: "50" | "90" | "95",
  x: number,
  y: number,
  w: number,
  scale = 1,
): void {
  const st = AREA_STYLES[key];
  g.save();
  g.lineCap = "butt";
  g.beginPath();
  g.moveTo(x, y);
  g.lineTo(x + w, y);
  g.setLineDash(st.dash.map((d) => d * scale));
  g.strokeStyle = st.color;
  g.lineWidth = st.width * scale;
  g.stroke();
  g.restore();
}

export function drawLkpSymbol(g: Ctx, x: number, y: number, r = 8): void {
  g.save();
  g.beginPath();
  g.moveTo(x, y - r);
  g.lineTo(x + r * 0.95, y + r * 0.7);
  g.lineTo(x - r * 0.95, y + r * 0.7);
  g.closePath();
  g.fillStyle = COLORS.lkp;
  g.fill();
  g.lineWidth = 2;
  g.strokeStyle = "#fff";
  g.stroke();
  g.restore();
}

export function drawCentroidSymbol(g: Ctx, x: number, y: number, r = 7): void {
  g.save();
  g.beginPath();
  g.arc(x, y, r, 0, 2 * Math.PI);
  g.fillStyle = COLORS.centroid;
  g.fill();
  g.lineWidth = 2.2;
  g.strokeStyle = "#000";
  g.stroke();
  g.beginPath();
  g.arc(x, y, r * 0.32, 0, 2 * Math.PI);
  g.fillStyle = "#000";
  g.fill();
  g.restore();
}

export function drawMostLikelySymbol(g: Ctx, x: number, y: number, r = 7): void {
  g.save();
  g.beginPath();
  g.moveTo(x, y - r);
  g.lineTo(x + r, y);
  g.lineTo(x, y + r);
  g.lineTo(x - r, y);
  g.closePath();
  g.fillStyle = COLORS.mostLikely;
  g.fill();
  g.lineWidth = 1.8;
  g.strokeStyle = "#fff";
  g.stroke();
  g.restore();
}

export function drawStrandedSymbol(g: Ctx, x: number, y: number, r = 3): void {
  g.save();
  g.strokeStyle = COLORS.stranded;
  g.lineWidth = 1.6;
  g.beginPath();
  g.moveTo(x - r, y - r);
  g.lineTo(x + r, y + r);
  g.moveTo(x + r, y - r);
  g.lineTo(x - r, y + r);
  g.stroke();
  g.restore();
}

/** Last known position: a triangle, or a line with triangles at both ends for a line release; labelled. */
export function drawLastKnownPosition(g: Ctx, view: MapView, ctx: ProductContext, labelPx = 14): void {
  const rel = ctx.simulation.release;
  const x0 = view.x(rel.lon[0]);
  const y0 = view.y(rel.lat[0]);
  const x1 = view.x(rel.lon[1]);
  const y1 = view.y(rel.lat[1]);
  g.save();
  clipTo(g, view.rect);
  const isLine = Math.hypot(x1 - x0, y1 - y0) > 1;
  if (isLine) {
    g.lineCap = "round";
    g.strokeStyle = "#fff";
    g.lineWidth = 6;
    g.beginPath();
    g.moveTo(x0, y0);
    g.lineTo(x1, y1);
    g.stroke();
    g.strokeStyle = COLORS.lkp;
    g.lineWidth = 3;
    g.stroke();
    drawLkpSymbol(g, x1, y1);
  }
  drawLkpSymbol(g, x0, y0);
  g.font = font(labelPx, true);
  g.textAlign = "left";
  g.textBaseline = "middle";
  haloText(g, "LKP", x0 + 11, y0 - 2);
  g.restore();
}

/** The centroid's path from the first output time to time k, dashed. */
export function drawCentroidTrack(g: Ctx, view: MapView, ctx: ProductContext, k: number): void {
  g.save();
  clipTo(g, view.rect);
  g.beginPath();
  let started = false;
  for (let i = 0; i <= k && i < ctx.summaries.length; i++) {
    const s = ctx.summaries[i];
    if (s.centroidLon === null || s.centroidLat === null) continue;
    const x = view.x(s.centroidLon);
    const y = view.y(s.centroidLat);
    if (!started) g.moveTo(x, y);
    else g.lineTo(x, y);
    started = true;
  }
  g.setLineDash([6, 4]);
  g.lineWidth = 1.6;
  g.strokeStyle = COLORS.track;
  g.stroke();
  g.restore();
}

/** Centroid and most-likely-cell markers of a snapshot (centroid from the summaries when missing). */
export function drawPositionMarkers(
  g: Ctx,
  view: MapView,
  ctx: ProductContext,
  snap: SearchAreaSnapshot | undefined,
  k: number,
  scale = 1,
): void {
  g.save();
  clipTo(g, view.rect);
  const cLon = snap?.centroidLon ?? ctx.summaries[k]?.centroidLon ?? null;
  const cLat = snap?.centroidLat ?? ctx.summaries[k]?.centroidLat ?? null;
  // The most likely cell on top: it is the smaller target and often sits next to the centroid.
  if (cLon !== null && cLat !== null) drawCentroidSymbol(g, view.x(cLon), view.y(cLat), 7 * scale);
  if (snap && snap.mostLikelyLon !== null && snap.mostLikelyLat !== null) {
    drawMostLikelySymbol(g, view.x(snap.mostLikelyLon), view.y(snap.mostLikelyLat), 6.5 * scale);
  }
  g.restore();
}

/** Centroid of snapshot k, from the analysis or else the run summary. */
export function centroidAt(input: MapInput, k: number): { lon: number; lat: number } | null {
  const snap = snapshotAt(input.areas, k);
  const lon = snap?.centroidLon ?? input.ctx.summaries[k]?.centroidLon ?? null;
  const lat = snap?.centroidLat ?? input.ctx.summaries[k]?.centroidLat ?? null;
  return lon === null || lat === null ? null : { lon, lat };
}
