// Grid geometry of decoded fields: point order, coordinate axes, and re-orientation to ascending axes.
import type { Grib2Grid } from "./templates.js";

/**
 * Puts values coded in any scanning mode into rows: out[j*ni + i] is point i of row j, where i runs from the
 * first point in the i direction of the scanning mode (east, or west with flag 0x80) and j from the first row
 * (south with flag 0x40, else north). Undoes column order (0x20) and boustrophedon rows (0x10).
 */
export function toRows(stored: Float64Array, grid: Grib2Grid): Float64Array {
  const { ni, nj, scanMode } = grid;
  const columns = (scanMode & 0x20) !== 0;
  const alternate = (scanMode & 0x10) !== 0;
  if (!columns && !alternate) return stored;
  const out = new Float64Array(ni * nj);
  if (columns) {
    for (let i = 0; i < ni; i++) {
      const flip = alternate && i % 2 === 1;
      for (let j = 0; j < nj; j++) out[j * ni + i] = stored[i * nj + (flip ? nj - 1 - j : j)];
    }
  } else {
    for (let j = 0; j < nj; j++) {
      const row = j * ni;
      if (j % 2 === 1) for (let i = 0; i < ni; i++) out[row + i] = stored[row + ni - 1 - i];
      else out.set(stored.subarray(row, row + ni), row);
    }
  }
  return out;
}

/** Normalises a longitude to [-180, 180). */
export function wrapLongitude(lon: number): number {
  const x = ((((lon + 180) % 360) + 360) % 360) - 180;
  return Math.abs(x) < 1e-9 ? 0 : x;
}

let gaussianCache: { n: number; lats: Float64Array } | null = null;

/** The 2N Gaussian latitudes (degrees, north to south): roots of the Legendre polynomial P_2N. */
export function gaussianLatitudes(n: number): Float64Array {
  if (gaussianCache?.n === n) return gaussianCache.lats;
  const total = 2 * n;
  const lats = new Float64Array(total);
  for (let k = 0; k < n; k++) {
    let x = Math.cos((Math.PI * (k + 0.75)) / (total + 0.5));
    for (let iter = 0; iter < 100; iter++) {
      // P_total(x) and its derivative by the three-term recurrence.
      let p0 = 1;
      let p1 = x;
      for (let m = 2; m <= total; m++) {
        const p2 = ((2 * m - 1) * x * p1 - (m - 1) * p0) / m;
        p0 = p1;
        p1 = p2;
      }
      const dp = (total * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-15) break;
    }
    const lat = (Math.asin(x) * 180) / Math.PI;
    lats[k] = lat;
    lats[total - 1 - k] = -lat;
  }
  gaussianCache = { n, lats };
  return lats;
}

export interface GridAxes {
  /** Longitude of column i of `toRows` order; increasing or decreasing, never jumping by 360. */
  lon: Float64Array;
  /** Latitude of row j of `toRows` order. */
  lat: Float64Array;
}

/** Axes of a regular (3.0) or Gaussian (3.40) grid in the order of the decoded values. */
export function gridAxes(grid: Grib2Grid): GridAxes {
  const { ni, nj, scanMode } = grid;
  const west = (scanMode & 0x80) !== 0;
  const north = (scanMode & 0x40) !== 0;
  const lon = new Float64Array(ni);
  const lon1 = wrapLongitude(grid.lon1);
  let span = grid.lon2 - grid.lon1;
  if (!west && span < 0) span += 360;
  if (west && span > 0) span -= 360;
  // Spacing from the first and last points: exact where the coded increment is rounded (1/12°).
  let dlon = ni > 1 ? span / (ni - 1) : 0;
  if (ni > 1 && span === 0 && Number.isFinite(grid.di)) dlon = west ? -grid.di : grid.di;
  for (let i = 0; i < ni; i++) lon[i] = lon1 + i * dlon;

  let lat: Float64Array;
  if (grid.template === 40) {
    const all = gaussianLatitudes(grid.gaussianN);
    let first = 0;
    for (let k = 1; k < all.length; k++)
      if (Math.abs(all[k] - grid.lat1) < Math.abs(all[first] - grid.lat1)) first = k;
    if (Math.abs(all[first] - grid.lat1) > 0.01) {
      throw new Error(`Gaussian grid N=${grid.gaussianN} has no latitude near the first point ${grid.lat1}`);
    }
    lat = new Float64Array(nj);
    for (let j = 0; j < nj; j++) {
      const k = north ? first - j : first + j;
      if (k < 0 || k >= all.length)
        throw new Error(`Gaussian grid N=${grid.gaussianN}: ${nj} rows from ${grid.lat1} do not fit`);
      lat[j] = all[k];
    }
  } else {
    lat = new Float64Array(nj);
    const dlat = nj > 1 ? (grid.lat2 - grid.lat1) / (nj - 1) : 0;
    for (let j = 0; j < nj; j++) lat[j] = grid.lat1 + j * dlat;
  }
  return { lon, lat };
}

export interface OrientedField {
  /** Increasing longitudes. */
  lon: Float64Array;
  /** Latitudes in the requested order. */
  lat: Float64Array;
  /** values[j*lon.length + i] at (lat[j], lon[i]). */
  values: Float64Array;
}

/** The field with longitudes increasing and latitudes ascending (south first) or descending. */
export function orientField(
  values: Float64Array,
  grid: Grib2Grid,
  latitude: "ascending" | "descending" = "ascending",
): OrientedField {
  const axes = gridAxes(grid);
  const { ni, nj } = grid;
  const flipI = ni > 1 && axes.lon[1] < axes.lon[0];
  const flipJ = nj > 1 && (latitude === "ascending" ? axes.lat[1] < axes.lat[0] : axes.lat[1] > axes.lat[0]);
  const out = new Float64Array(ni * nj);
  for (let j = 0; j < nj; j++) {
    const src = (flipJ ? nj - 1 - j : j) * ni;
    const dst = j * ni;
    if (flipI) for (let i = 0; i < ni; i++) out[dst + i] = values[src + ni - 1 - i];
    else out.set(values.subarray(src, src + ni), dst);
  }
  const lon = flipI ? axes.lon.slice().reverse() : axes.lon;
  const lat = flipJ ? axes.lat.slice().reverse() : axes.lat;
  return { lon, lat, values: out };
}
