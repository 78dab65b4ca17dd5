// The probability grid of a mission, read from its density.nc, in a compact form for the web map: the cell
// corners as lon/lat (the grid is regular in its equal-area projection, so each cell is drawn as the
// quadrilateral of its corners) and, per output time, the cells with afloat probability. The map then shows
// exactly the grid the search areas were traced from.
import { openNetcdf } from "../../forcing/index.js";
import { strAttr } from "../../io/netcdf/types.js";
import { unixTimes } from "./particle-cloud.js";

export interface DensityGridJson {
  times: number[];
  nx: number;
  ny: number;
  /** Cell corners, (ny+1) × (nx+1) row-major from the grid's first row; degrees, rounded to ~1 m. */
  cornerLon: number[];
  cornerLat: number[];
  /** Per time: indices (row-major ny × nx) of the cells with afloat probability, and the probabilities. */
  cells: { index: number[]; probability: number[] }[];
}

const round5 = (v: number) => Math.round(v * 1e5) / 1e5;

/** Reads density.nc at `path`. */
export async function densityGridFromFile(path: string): Promise<DensityGridJson> {
  const file = await openNetcdf(path);
  try {
    for (const name of ["time", "lon", "lat", "probability"]) {
      if (!file.variables.has(name)) throw new Error(`density.nc: needs variable ${name}`);
    }
    const lonVar = file.variables.get("lon")!;
    const [ny, nx] = lonVar.shape;
    const lon = file.readAll("lon");
    const lat = file.readAll("lat");
    const p = file.readAll("probability");
    const timeVar = file.variables.get("time")!;
    const times = unixTimes(file.readAll("time"), strAttr(timeVar, "units") ?? "seconds since 1970-01-01");
    const corners = cellCorners(lon, lat, nx, ny);
    const cells: DensityGridJson["cells"] = [];
    for (let t = 0; t < times.length; t++) {
      const index: number[] = [];
      const probability: number[] = [];
      const o = t * nx * ny;
      for (let k = 0; k < nx * ny; k++) {
        const v = p[o + k];
        if (v > 0 && Number.isFinite(v)) {
          index.push(k);
          probability.push(Math.round(v * 1e7) / 1e7);
        }
      }
      cells.push({ index, probability });
    }
    return { times, nx, ny, cornerLon: corners.lon.map(round5), cornerLat: corners.lat.map(round5), cells };
  } finally {
    file.close();
  }
}

/** A longitude difference brought into [−180, 180). */
const wrap = (d: number) => d - 360 * Math.floor((d + 180) / 360);

/**
 * Corners of the cells of a grid given by its centres: inside, the mean of the four centres around a corner;
 * on the edges, extrapolated from the nearest centres (the grid is smooth at this scale). Longitudes are
 * averaged as differences, so a grid across the antimeridian stays whole.
 */
export function cellCorners(
  lon: ArrayLike<number>,
  lat: ArrayLike<number>,
  nx: number,
  ny: number,
): { lon: number[]; lat: number[] } {
  const clampX = (i: number) => Math.min(Math.max(i, 0), nx - 1);
  const clampY = (j: number) => Math.min(Math.max(j, 0), ny - 1);
  // Centre value at column i of row jc, extrapolated beyond the first and last column.
  const inRow = (a: ArrayLike<number>, i: number, jc: number, diff: (d: number) => number): number => {
    const ic = clampX(i);
    const v = a[jc * nx + ic];
    if (i === ic || nx < 2) return v;
    const inner = a[jc * nx + (ic === 0 ? 1 : nx - 2)];
    return v + diff(v - inner) * Math.abs(i - ic);
  };
  // Centre value at (i, j), extrapolated beyond every edge.
  const centre = (a: ArrayLike<number>, i: number, j: number, diff: (d: number) => number): number => {
    const jc = clampY(j);
    const v = inRow(a, i, jc, diff);
    if (j === jc || ny < 2) return v;
    const inner = inRow(a, i, jc === 0 ? 1 : ny - 2, diff);
    return v + diff(v - inner) * Math.abs(j - jc);
  };
  const same = (d: number) => d;
  const outLon: number[] = [];
  const outLat: number[] = [];
  for (let j = 0; j <= ny; j++) {
    for (let i = 0; i <= nx; i++) {
      const ref = centre(lon, i - 1, j - 1, wrap);
      let dLon = 0;
      let sLat = 0;
      for (const [di, dj] of [
        [-1, -1],
        [0, -1],
        [-1, 0],
        [0, 0],
      ]) {
        dLon += wrap(centre(lon, i + di, j + dj, wrap) - ref);
        sLat += centre(lat, i + di, j + dj, same);
      }
      outLon.push(ref + dLon / 4);
      outLat.push(sLat / 4);
    }
  }
  return { lon: outLon, lat: outLat };
}
