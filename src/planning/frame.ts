// A local flat frame in metres around a point (east, north), for the geometry of search planning: areas of
// tens of nautical miles, where the flat-earth error (~(d/R)²) stays far below a track spacing.
import { metresPerDegree } from "../products/summary.js";

export interface LocalFrame {
  lon0: number;
  lat0: number;
  /** Metres per degree east and north at lat0. */
  east: number;
  north: number;
}

export function localFrame(lon0: number, lat0: number): LocalFrame {
  const m = metresPerDegree(lat0);
  return { lon0, lat0, east: m.east, north: m.north };
}

export function toX(f: LocalFrame, lon: number): number {
  return (lon - f.lon0) * f.east;
}

export function toY(f: LocalFrame, lat: number): number {
  return (lat - f.lat0) * f.north;
}

export function toLon(f: LocalFrame, x: number): number {
  return f.lon0 + x / f.east;
}

export function toLat(f: LocalFrame, y: number): number {
  return f.lat0 + y / f.north;
}

export const METRES_PER_NM = 1852;
export const KNOT = METRES_PER_NM / 3600;
