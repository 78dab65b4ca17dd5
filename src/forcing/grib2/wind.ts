// 10 m wind from a GRIB2 file: pairs of U (0/2/2) and V (0/2/3) at 103 "height above ground" 10 m, one pair per
// valid time, on one regular or Gaussian grid, oriented south→north and west→east, optionally cut to the
// times and area a mission needs so that a global 0.25° forecast does not stay in memory whole.

import { decodeGrib2Field, type Grib2FieldInfo, scanGrib2 } from "./decode.js";
import { gridAxes } from "./grid.js";
import type { Grib2Grid } from "./templates.js";

export interface Grib2WindOptions {
  /** Unix seconds: keep valid times in [from, to] plus the one just before and after (for interpolation). */
  from?: number;
  to?: number;
  /** Degrees: keep the grid points covering this area (bracketing its edges); west > east crosses 180°. */
  area?: { west: number; south: number; east: number; north: number };
  /** Ensemble member (perturbation number) to read from an ensemble file; default: the single forecast. */
  member?: number;
  /** Name used in error messages (the file path). */
  name?: string;
}

export interface Grib2Wind {
  /** Increasing longitudes (may run past 180 when the area crosses the antimeridian). */
  lon: Float64Array;
  /** Increasing latitudes. */
  lat: Float64Array;
  /** Valid times, Unix seconds, increasing. */
  times: number[];
  /** Forecast reference time of each valid time (the latest run when a time appears more than once). */
  referenceTimes: number[];
  /** u[t][j*lon.length + i] in m/s at (lat[j], lon[i]); NaN where the field has no value. */
  u: Float32Array[];
  v: Float32Array[];
}

// Instantaneous fields only (product templates 4.0 and 4.1): a time-mean wind is not a wind at a time.
const isWind10 = (f: Grib2FieldInfo, number: number) =>
  f.discipline === 0 &&
  f.category === 2 &&
  f.number === number &&
  f.levelType === 103 &&
  f.levelValue === 10 &&
  (f.productTemplate === 0 || f.productTemplate === 1);

function sameGrid(a: Grib2Grid, b: Grib2Grid): boolean {
  return (
    a.template === b.template &&
    a.ni === b.ni &&
    a.nj === b.nj &&
    a.lat1 === b.lat1 &&
    a.lon1 === b.lon1 &&
    a.lat2 === b.lat2 &&
    a.lon2 === b.lon2 &&
    a.scanMode === b.scanMode
  );
}

const gridText = (g: Grib2Grid) =>
  `template 3.${g.template} ${g.ni}×${g.nj} from ${g.lat1},${g.lon1} to ${g.lat2},${g.lon2}`;
const iso = (t: number) => new Date(t * 1000).toISOString().replace(".000Z", "Z");

interface Pair {
  time: number;
  u: Grib2FieldInfo;
  v: Grib2FieldInfo;
}

/** Reads the 10 m wind pairs of a GRIB2 file. Throws when there is none, or when pairs use different grids. */
export function readGrib2Wind(bytes: Uint8Array, options: Grib2WindOptions = {}): Grib2Wind {
  const name = options.name ?? "GRIB2 file";
  const pairs = selectTimes(
    windPairs(scanGrib2(bytes), options.member ?? null, name),
    options.from,
    options.to,
  );
  if (pairs.length === 0) {
    const when = [options.from, options.to].map((t) => (t === undefined ? "…" : iso(t)));
    throw new Error(`${name}: no 10 m wind between ${when[0]} and ${when[1]}`);
  }
  const grid = pairs[0].u.grid;
  for (const p of pairs) {
    for (const f of [p.u, p.v]) {
      if (!sameGrid(f.grid, grid)) {
        throw new Error(
          `${name}: message ${f.message} (${f.shortName} at ${iso(p.time)}) is on grid ${gridText(f.grid)}, not ${gridText(grid)}`,
        );
      }
    }
  }
  // Axes increasing; flipI/flipJ say which stored directions run the other way.
  const axes = gridAxes(grid);
  const flipI = grid.ni > 1 && axes.lon[1] < axes.lon[0];
  const flipJ = grid.nj > 1 && axes.lat[1] < axes.lat[0];
  const lon = flipI ? axes.lon.slice().reverse() : axes.lon;
  const lat = flipJ ? axes.lat.slice().reverse() : axes.lat;
  const cut = window(lon, lat, options.area, name);
  const extract = (values: Float64Array): Float32Array => {
    const { ni, nj } = grid;
    const nx = cut.columns.length;
    const ny = cut.lat.length;
    const out = new Float32Array(nx * ny);
    for (let j = 0; j < ny; j++) {
      const row = (flipJ ? nj - 1 - (cut.j0 + j) : cut.j0 + j) * ni;
      for (let i = 0; i < nx; i++) {
        const c = cut.columns[i];
        out[j * nx + i] = values[row + (flipI ? ni - 1 - c : c)];
      }
    }
    return out;
  };
  return {
    lon: cut.lon,
    lat: cut.lat,
    times: pairs.map((p) => p.time),
    referenceTimes: pairs.map((p) => p.u.referenceTime),
    u: pairs.map((p) => extract(decodeGrib2Field(bytes, p.u))),
    v: pairs.map((p) => extract(decodeGrib2Field(bytes, p.v))),
  };
}

/** One U/V pair per valid time, in time order; of several runs, the latest one that has both. */
function windPairs(fields: Grib2FieldInfo[], member: number | null, name: string): Pair[] {
  // valid time → "reference time" → components
  const found = new Map<number, Map<number, { u?: Grib2FieldInfo; v?: Grib2FieldInfo }>>();
  const ensemble = new Map<string, Set<string>>(); // "member time reference" → components, for the error
  for (const f of fields) {
    const component = isWind10(f, 2) ? "u" : isWind10(f, 3) ? "v" : null;
    if (!component || !Number.isFinite(f.validTime)) continue;
    if (f.member !== null) {
      const key = `${f.member} ${f.validTime} ${f.referenceTime}`;
      ensemble.set(key, (ensemble.get(key) ?? new Set()).add(component));
    }
    if (f.member !== member) continue;
    const runs = found.get(f.validTime) ?? new Map();
    const slot = runs.get(f.referenceTime) ?? {};
    slot[component] ??= f;
    runs.set(f.referenceTime, slot);
    found.set(f.validTime, runs);
  }
  const pairs: Pair[] = [];
  for (const [time, runs] of found) {
    const latest = [...runs.entries()].filter(([, s]) => s.u && s.v).sort((a, b) => b[0] - a[0])[0];
    if (latest) pairs.push({ time, u: latest[1].u!, v: latest[1].v! });
  }
  if (pairs.length > 0) return pairs.sort((a, b) => a.time - b.time);

  const members = [...ensemble].filter(([, c]) => c.size === 2).map(([k]) => Number(k.split(" ")[0]));
  if (members.length > 0) {
    const list = [...new Set(members)].sort((a, b) => a - b);
    const not = member === null ? "" : ` but not of member ${member}`;
    throw new Error(
      `${name}: 10 m wind of ensemble members ${list[0]}…${list[list.length - 1]}${not}; choose one with the member option`,
    );
  }
  const seen = new Set(
    fields.map(
      (f) => `${f.shortName}(${f.discipline}/${f.category}/${f.number}) level ${f.levelType}/${f.levelValue}`,
    ),
  );
  throw new Error(
    `${name}: no 10 m wind (U and V, parameters 0/2/2 and 0/2/3 at level 103/10) at any one valid time; fields: ${[...seen].slice(0, 12).join(", ") || "none"}`,
  );
}

/** The pairs within [from, to] and the ones just before and after (for interpolation in time). */
function selectTimes(pairs: Pair[], from?: number, to?: number): Pair[] {
  const n = pairs.length;
  if ((from !== undefined && from > pairs[n - 1].time) || (to !== undefined && to < pairs[0].time)) return [];
  let first = 0;
  let last = n - 1;
  if (from !== undefined) while (first < n - 1 && pairs[first + 1].time <= from) first++;
  if (to !== undefined) while (last > first && pairs[last - 1].time >= to) last--;
  return pairs.slice(first, last + 1);
}

/** Part of the oriented grid to keep: output longitudes, their columns, and the rows from j0. */
interface Window {
  lon: Float64Array;
  lat: Float64Array;
  columns: Int32Array;
  j0: number;
}

function window(lon: Float64Array, lat: Float64Array, area: Grib2WindOptions["area"], name: string): Window {
  const ni = lon.length;
  const everyColumn = Int32Array.from({ length: ni }, (_, i) => i);
  if (!area) return { lon, lat, columns: everyColumn, j0: 0 };
  // Rows: the latitudes inside the area and the ones bracketing it.
  let j0 = 0;
  let j1 = lat.length - 1;
  if (lat[j0] > area.north || lat[j1] < area.south) {
    throw new Error(
      `${name}: area ${area.south}…${area.north}°N is outside the grid's ${lat[0]}…${lat[j1]}°N`,
    );
  }
  while (j0 < j1 && lat[j0 + 1] <= area.south) j0++;
  while (j1 > j0 && lat[j1 - 1] >= area.north) j1--;
  const rows = lat.slice(j0, j1 + 1);

  let west = area.west;
  let east = area.east;
  while (east < west) east += 360;
  const step = ni > 1 ? lon[1] - lon[0] : 360;
  if (ni > 1 && Math.abs(ni * step - 360) < step / 2) {
    // Global: columns wrap; from the grid point at or west of the area to the one at or east of it.
    const l0 = lon[0];
    const w = l0 + ((((west - l0) % 360) + 360) % 360);
    const a = Math.floor((w - l0) / step + 1e-9);
    const b = Math.ceil((w + (east - west) - l0) / step - 1e-9);
    const count = b - a + 1;
    if (count >= ni) return { lon, lat: rows, columns: everyColumn, j0 };
    return {
      lon: Float64Array.from({ length: count }, (_, k) => l0 + (a + k) * step),
      lat: rows,
      columns: Int32Array.from({ length: count }, (_, k) => (a + k) % ni),
      j0,
    };
  }
  // Regional: move the area by whole turns onto the grid's longitudes; keep the points bracketing it.
  while (west > lon[ni - 1]) {
    west -= 360;
    east -= 360;
  }
  while (east < lon[0]) {
    west += 360;
    east += 360;
  }
  if (lon[0] > east || lon[ni - 1] < west) {
    throw new Error(
      `${name}: area ${area.west}…${area.east}°E is outside the grid's ${lon[0]}…${lon[ni - 1]}°E`,
    );
  }
  let i0 = 0;
  let i1 = ni - 1;
  while (i0 < i1 && lon[i0 + 1] <= west) i0++;
  while (i1 > i0 && lon[i1 - 1] >= east) i1--;
  return { lon: lon.slice(i0, i1 + 1), lat: rows, columns: everyColumn.slice(i0, i1 + 1), j0 };
}
