// Geographic areas (west/east/south/north degrees) and the GSHHG bins they cover.
import { BINS_X, BINS_Y } from "./gshhg.js";

export interface GeoArea {
  west: number;
  east: number;
  south: number;
  north: number;
}

/**
 * An area with west in [-180, 180) and west < east <= west + 360. An area whose east is less than its west
 * crosses the antimeridian (west 170, east -170 becomes 170..190).
 */
export function normaliseArea(area: GeoArea, what = "area"): GeoArea {
  for (const k of ["west", "east", "south", "north"] as const) {
    if (typeof area?.[k] !== "number" || !Number.isFinite(area[k])) {
      throw new Error(`${what}.${k}: must be a finite number of degrees, got ${String(area?.[k])}`);
    }
  }
  const { south, north } = area;
  if (south < -90 || north > 90 || south > north) {
    throw new Error(`${what}: south ${south} and north ${north} must satisfy -90 <= south <= north <= 90`);
  }
  let width = area.east - area.west;
  if (width >= 360) width = 360;
  else if (width <= 0) width += 360;
  if (width <= 0 || width > 360) throw new Error(`${what}: east ${area.east} equals west ${area.west}`);
  const west = area.west - 360 * Math.floor((area.west + 180) / 360);
  return { west, east: west + width, south, north };
}

/** Unwrapped bin columns (degrees of the bins' west edges, may exceed 180) covering the area. */
export function areaColumns(a: GeoArea): number[] {
  const cols: number[] = [];
  const first = Math.floor(a.west);
  const last = Math.min(Math.ceil(a.east) - 1, first + BINS_X - 1);
  for (let c = first; c <= last; c++) cols.push(c);
  return cols;
}

/** GSHHG rows (0 = 89..90 N) covering the area, north to south. */
export function areaRows(a: GeoArea): number[] {
  const top = Math.max(0, Math.min(BINS_Y - 1, Math.floor(90 - a.north)));
  const bottom = Math.max(top, Math.min(BINS_Y - 1, Math.ceil(90 - a.south) - 1));
  const rows: number[] = [];
  for (let r = top; r <= bottom; r++) rows.push(r);
  return rows;
}

/** GSHHG column (0..359, west edge in degrees east) of an unwrapped column. */
export function gshhgColumn(col: number): number {
  return ((col % BINS_X) + BINS_X) % BINS_X;
}

/** Bin indices covering the area. */
export function areaBins(a: GeoArea): number[] {
  const bins: number[] = [];
  for (const r of areaRows(a)) for (const c of areaColumns(a)) bins.push(r * BINS_X + gshhgColumn(c));
  return bins;
}
