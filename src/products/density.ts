// The probability grid: particle counts per cell and output time on a regular grid in metres, in a local
// Lambert azimuthal equal-area projection around the whole cloud (all times), so that every cell has the same
// area. One pass over all snapshots to find the extent, one to count. Afloat (active) and stranded particles
// are counted separately; the probability of a cell is the weight of its afloat particles over the afloat
// particles' total weight (every particle weighs 1 unless a scenario or ensemble weighs them).
import { Status } from "../core/types.js";
import type { NcFileDef } from "../io/netcdf/types.js";
import { ncValues, writeNetcdf3 } from "../io/netcdf/write-classic.js";
import { ncDataBytes, writeNetcdf4 } from "../io/netcdf/write-hdf5.js";
import { agreementVariables } from "./agreement.js";
import type { ProductContext } from "./context.js";
import { Laea } from "./laea.js";
import { TIME_UNITS } from "./particles-nc.js";
import { isoDuration, isoUtc } from "./time-format.js";
import type { DensityGrids } from "./types.js";

/** Upper bound on cells per time layer. */
export const MAX_CELLS = 1 << 20;
/** Upper bound on cells × times (each count array is 4 bytes per entry). */
export const MAX_CELL_TIMES = 16_000_000;

export interface DensityOptions {
  /** Cell size in metres (default ctx.densityCellM, else 1000). */
  cellM?: number;
  /**
   * Coarsen the cells when there are too few particles for them: aim at about this many particles per cell in
   * the core of the cloud (default 8; 0 keeps the requested size). Few particles on a fine grid give speckled,
   * holed search areas that no crew can search.
   */
  minParticlesPerCell?: number;
}

/**
 * Cell size at which the core of the cloud (the 2σ ellipse, ~86 % of the particles) holds about `perCell`
 * particles per cell, from the widest spread of the run; 0 when the summaries do not tell.
 */
function cellForParticleCount(ctx: ProductContext, perCell: number): number {
  let worst = 0;
  for (const s of ctx.summaries ?? []) {
    const afloat = s.counts.active ?? 0;
    if (afloat < 2 || s.stdEastKm === null || s.stdNorthKm === null) continue;
    const coreAreaM2 = 4 * Math.PI * Math.max(s.stdEastKm, 0.01) * Math.max(s.stdNorthKm, 0.01) * 1e6;
    worst = Math.max(worst, Math.sqrt((coreAreaM2 * perCell) / (0.86 * afloat)));
  }
  return worst;
}

/** DensityGrids plus how the grid was chosen (density.nc metadata). */
export interface DensityResult extends DensityGrids {
  /** The cell size asked for; cellM is larger when the cloud needed more cells than the cap allows. */
  requestedCellM: number;
  /** Why the cells were enlarged, or "" when they were not. */
  note: string;
  /** Lower-left corner of the grid (cell edges), projected metres. */
  x0: number;
  y0: number;
  /** Corner lon/lat of every cell vertex, (ny+1)*(nx+1) row-major; used to trace polygons. */
  cornerLon: Float64Array;
  cornerLat: Float64Array;
  /** The projection (for tracing polygons and drawing). */
  projection: Laea;
  /** The kernel density estimate summed per cell (kde.ts), times × ny × nx; set once search areas are computed. */
  smoothedProbability?: Float32Array;
}

/** Smallest "nice" size (1, 2, 2.5, 5 × 10^k metres) ≥ v. */
function niceCellSize(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v - 1e-9) return m * p;
  return 10 * p;
}

/** Where the positions that go into the grids lie: longitudes as differences to `ref`, unwrapped. */
interface CloudExtent {
  ref: number;
  dMin: number;
  dMax: number;
  latMin: number;
  latMax: number;
}

/** The regular grid in projected metres: nx × ny cells of cellM, lower-left cell edge (x0, y0). */
interface GridLayout {
  cellM: number;
  nx: number;
  ny: number;
  x0: number;
  y0: number;
}

/**
 * Counts particles per cell and time. The grid covers every afloat or stranded position of the run, with one
 * empty cell of margin; cells grow (1-2-2.5-5 steps) when the cloud would need more than MAX_CELLS cells per
 * layer or MAX_CELL_TIMES cells over all times. Land cells are flagged from ctx.landmask: a cell is land when
 * its centre and its four corners are land and no afloat particle is ever in it (so that the probabilities of
 * sea cells always sum to 1). In passes: the cloud's extent, the projection around it, its projected extent,
 * the cell size, the counts, the cell centres and corners, the land cells.
 */
export function computeDensity(ctx: ProductContext, opts: DensityOptions = {}): DensityResult {
  const nt = ctx.trajectory.times.length;
  const requested = opts.cellM ?? ctx.densityCellM ?? 1000;
  if (!(requested > 0) || !Number.isFinite(requested)) {
    throw new Error(`density cell size: must be a positive number of metres, got ${requested}`);
  }
  const cloud = cloudExtent(ctx);
  const { ref, dMin, dMax, latMin, latMax } = cloud;
  const lon0 = Math.round((ref + (dMin + dMax) / 2) * 1e4) / 1e4;
  const lat0 = Math.round(((latMin + latMax) / 2) * 1e4) / 1e4;
  const proj = new Laea(lon0, lat0);
  // Longitude differences to the projection centre: d (relative to ref, unwrapped) + shift.
  const shift = proj.dLon(ref);
  proj.prepareTables(latMin, latMax, dMin + shift, dMax + shift);
  const box = projectedExtent(proj, cloud, shift);
  const { cellM, note } = chooseCellSize(ctx, requested, box, nt, opts.minParticlesPerCell ?? 8);
  // Cell edges on multiples of the cell size, one empty cell of margin on every side.
  const ix0 = Math.floor(box.xMin / cellM) - 1;
  const iy0 = Math.floor(box.yMin / cellM) - 1;
  const grid: GridLayout = {
    cellM,
    nx: Math.floor(box.xMax / cellM) - ix0 + 2,
    ny: Math.floor(box.yMax / cellM) - iy0 + 2,
    x0: ix0 * cellM,
    y0: iy0 * cellM,
  };
  const tally = countParticles(ctx, proj, grid, ref, shift);
  const geometry = cellGeometry(proj, grid);
  const land = landCells(ctx, grid, geometry, tally.counts);
  return {
    proj4: proj.proj4,
    cellM,
    nx: grid.nx,
    ny: grid.ny,
    x: geometry.x,
    y: geometry.y,
    lon: geometry.lon,
    lat: geometry.lat,
    land,
    ...tally,
    requestedCellM: requested,
    note,
    x0: grid.x0,
    y0: grid.y0,
    cornerLon: geometry.cornerLon,
    cornerLat: geometry.cornerLat,
    projection: proj,
  };
}

/** Pass 1: lon/lat extent of the afloat and stranded positions (the release point when there are none). */
function cloudExtent(ctx: ProductContext): CloudExtent {
  const { lon, lat, status } = ctx.trajectory;
  const total = ctx.trajectory.n * ctx.trajectory.times.length;
  let lonMin = Infinity;
  let lonMax = -Infinity;
  let latMin = Infinity;
  let latMax = -Infinity;
  for (let j = 0; j < total; j++) {
    const s = status[j];
    if (s !== Status.active && s !== Status.stranded) continue;
    const x = lon[j];
    const y = lat[j];
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    if (x < lonMin) lonMin = x;
    if (x > lonMax) lonMax = x;
    if (y < latMin) latMin = y;
    if (y > latMax) latMax = y;
  }
  // Longitudes as differences to a reference (the westernmost), unwrapped so that a cloud across the
  // antimeridian stays in one piece (then a second, rarer pass finds their extent).
  let ref = lonMin === Infinity ? Number.NaN : lonMin;
  let dMin = 0;
  let dMax = lonMax - lonMin;
  if (dMax > 180 || lonMin < -180 || lonMax >= 180) {
    ref = lonMin;
    dMin = Infinity;
    dMax = -Infinity;
    for (let j = 0; j < total; j++) {
      const s = status[j];
      if (s !== Status.active && s !== Status.stranded) continue;
      const x = lon[j];
      if (Number.isNaN(x) || Number.isNaN(lat[j])) continue;
      const d = ((((x - ref + 180) % 360) + 360) % 360) - 180;
      if (d < dMin) dMin = d;
      if (d > dMax) dMax = d;
    }
  }
  if (Number.isNaN(ref)) {
    // Nothing afloat or stranded at any time: a one-cell grid at the release point.
    ref = ctx.simulation.release.lon[0];
    dMin = dMax = 0;
    latMin = latMax = ctx.simulation.release.lat[0];
  }
  return { ref, dMin, dMax, latMin, latMax };
}

/**
 * The projected extent: the image of the lon/lat box, sampled densely along its edges (extremes of a smooth map
 * over a box lie on its boundary; between samples the edges bend by millimetres, far inside the margin cell).
 */
function projectedExtent(
  proj: Laea,
  cloud: CloudExtent,
  shift: number,
): { xMin: number; xMax: number; yMin: number; yMax: number } {
  const { dMin, dMax, latMin, latMax } = cloud;
  const p = { x: 0, y: 0 };
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  const SAMPLES = 1024;
  for (let s = 0; s <= SAMPLES; s++) {
    const f = s / SAMPLES;
    const dl = dMin + f * (dMax - dMin) + shift;
    const la = latMin + f * (latMax - latMin);
    for (const [a, b] of [
      [dl, latMin],
      [dl, latMax],
      [dMin + shift, la],
      [dMax + shift, la],
    ]) {
      proj.forward(proj.lon0 + a, b, p);
      if (p.x < xMin) xMin = p.x;
      if (p.x > xMax) xMax = p.x;
      if (p.y < yMin) yMin = p.y;
      if (p.y > yMax) yMax = p.y;
    }
  }
  return { xMin, xMax, yMin, yMax };
}

/** The requested cell size, unless there are too few particles for it or the cloud needs too many cells. */
function chooseCellSize(
  ctx: ProductContext,
  requested: number,
  box: { xMin: number; xMax: number; yMin: number; yMax: number },
  nt: number,
  perCell: number,
): { cellM: number; note: string } {
  const { xMin, xMax, yMin, yMax } = box;
  const maxCells = Math.max(1, Math.min(MAX_CELLS, Math.floor(MAX_CELL_TIMES / nt)));
  let cellM = requested;
  let note = "";
  const statistical = cellForParticleCount(ctx, perCell);
  if (statistical > requested) {
    cellM = niceCellSize(statistical);
    note = `cells enlarged from ${requested} m to ${cellM} m so that about ${perCell} particles fall in each cell of the cloud's core (more particles allow finer cells)`;
  }
  const cellsFor = (c: number) =>
    (Math.floor(xMax / c) - Math.floor(xMin / c) + 3) * (Math.floor(yMax / c) - Math.floor(yMin / c) + 3);
  if (cellsFor(cellM) > maxCells) {
    const before = cellM;
    cellM = niceCellSize(
      Math.sqrt(((xMax - xMin + 2 * requested) * (yMax - yMin + 2 * requested)) / maxCells),
    );
    while (cellsFor(cellM) > maxCells) cellM = niceCellSize(cellM * 1.01);
    note =
      `cells enlarged from ${before} m to ${cellM} m: the cloud spans ${((xMax - xMin) / 1000).toFixed(1)} × ` +
      `${((yMax - yMin) / 1000).toFixed(1)} km and a grid is limited to ${maxCells} cells per time`;
  }
  return { cellM, note };
}

/**
 * Pass 2: afloat and stranded counts and the afloat weight per cell and time. The projection
 * (Laea.forwardFast) is inlined: this loop runs for every particle and time.
 */
function countParticles(
  ctx: ProductContext,
  proj: Laea,
  grid: GridLayout,
  ref: number,
  shift: number,
): Pick<DensityGrids, "counts" | "stranded" | "afloat" | "weight" | "afloatWeight"> {
  const { lon, lat, status, weight: w, n } = ctx.trajectory;
  const nt = ctx.trajectory.times.length;
  const { nx, ny, x0, y0 } = grid;
  const cells = nx * ny;
  const counts = new Uint32Array(nt * cells);
  const stranded = new Uint32Array(nt * cells);
  const afloat = new Uint32Array(nt);
  const weight = new Float64Array(nt * cells);
  const afloatWeight = new Float64Array(nt);
  const inv = 1 / grid.cellM;
  const fp = proj.fastParts();
  const { sinB: sbT, cosB: cbT, sinL: slT, cosL: clT, latStart, lonStart, sinB1, cosB1, d: dd, rq } = fp;
  const invStep = 1 / fp.step;
  const bx = rq * dd;
  const by = rq / dd;
  for (let k = 0; k < nt; k++) {
    const base = k * cells;
    const o = k * n;
    let a = 0;
    let aw = 0;
    for (let i = 0; i < n; i++) {
      const s = status[o + i];
      if (s !== Status.active && s !== Status.stranded) continue;
      const lx = lon[o + i];
      const ly = lat[o + i];
      if (Number.isNaN(lx) || Number.isNaN(ly)) continue;
      let dl = lx - ref;
      if (dl > 180 || dl < -180) dl = ((((dl + 180) % 360) + 360) % 360) - 180;
      const u = (ly - latStart) * invStep;
      const iu = u | 0;
      const fu = u - iu;
      const sinB = sbT[iu] + fu * (sbT[iu + 1] - sbT[iu]);
      const cosB = cbT[iu] + fu * (cbT[iu + 1] - cbT[iu]);
      const v = (dl + shift - lonStart) * invStep;
      const iv = v | 0;
      const fv = v - iv;
      const sinL = slT[iv] + fv * (slT[iv + 1] - slT[iv]);
      const cosL = clT[iv] + fv * (clT[iv + 1] - clT[iv]);
      const q = Math.sqrt(2 / (1 + sinB1 * sinB + cosB1 * cosB * cosL));
      const px = bx * q * cosB * sinL;
      const py = by * q * (cosB1 * sinB - sinB1 * cosB * cosL);
      // (px - x0) ≥ 0 thanks to the margin cell, so truncation is floor; clamp against rounding at the edges.
      let cx = ((px - x0) * inv) | 0;
      let cy = ((py - y0) * inv) | 0;
      if (cx >= nx) cx = nx - 1;
      else if (cx < 0) cx = 0;
      if (cy >= ny) cy = ny - 1;
      else if (cy < 0) cy = 0;
      const c = base + cy * nx + cx;
      if (s === Status.active) {
        counts[c]++;
        weight[c] += w[i];
        a++;
        aw += w[i];
      } else stranded[c]++;
    }
    afloat[k] = a;
    afloatWeight[k] = aw;
  }
  return { counts, stranded, afloat, weight, afloatWeight };
}

/** Cell centres (projected and lon/lat) and corners in lon/lat (longitudes continuous around the centre). */
function cellGeometry(
  proj: Laea,
  grid: GridLayout,
): {
  x: Float64Array;
  y: Float64Array;
  lon: Float64Array;
  lat: Float64Array;
  cornerLon: Float64Array;
  cornerLat: Float64Array;
} {
  const { nx, ny, x0, y0, cellM } = grid;
  const cells = nx * ny;
  const xs = new Float64Array(nx);
  const ys = new Float64Array(ny);
  for (let i = 0; i < nx; i++) xs[i] = x0 + (i + 0.5) * cellM;
  for (let j = 0; j < ny; j++) ys[j] = y0 + (j + 0.5) * cellM;
  const cLon = new Float64Array(cells);
  const cLat = new Float64Array(cells);
  const g = { lon: 0, lat: 0 };
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      proj.inverse(xs[i], ys[j], g);
      cLon[j * nx + i] = g.lon;
      cLat[j * nx + i] = g.lat;
    }
  }
  const cornerLon = new Float64Array((nx + 1) * (ny + 1));
  const cornerLat = new Float64Array((nx + 1) * (ny + 1));
  for (let j = 0; j <= ny; j++) {
    for (let i = 0; i <= nx; i++) {
      proj.inverse(x0 + i * cellM, y0 + j * cellM, g);
      cornerLon[j * (nx + 1) + i] = g.lon;
      cornerLat[j * (nx + 1) + i] = g.lat;
    }
  }
  return { x: xs, y: ys, lon: cLon, lat: cLat, cornerLon, cornerLat };
}

/** 1 for cells whose centre and four corners are land and that never hold an afloat particle. */
function landCells(
  ctx: ProductContext,
  grid: GridLayout,
  geometry: { lon: Float64Array; lat: Float64Array; cornerLon: Float64Array; cornerLat: Float64Array },
  counts: Uint32Array,
): Uint8Array {
  const { nx, ny } = grid;
  const cells = nx * ny;
  const nt = ctx.trajectory.times.length;
  const land = new Uint8Array(cells);
  const mask = ctx.landmask;
  if (!mask) return land;
  const { lon: cLon, lat: cLat, cornerLon, cornerLat } = geometry;
  const wet = new Uint8Array(cells);
  for (let k = 0; k < nt; k++) {
    const base = k * cells;
    for (let c = 0; c < cells; c++) if (counts[base + c] > 0) wet[c] = 1;
  }
  const w = nx + 1;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      if (wet[c]) continue;
      const v = j * w + i;
      land[c] =
        mask.isLand(cLon[c], cLat[c]) &&
        mask.isLand(cornerLon[v], cornerLat[v]) &&
        mask.isLand(cornerLon[v + 1], cornerLat[v + 1]) &&
        mask.isLand(cornerLon[v + w], cornerLat[v + w]) &&
        mask.isLand(cornerLon[v + w + 1], cornerLat[v + w + 1])
          ? 1
          : 0;
    }
  }
  return land;
}

function extent(a: Float64Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < min) min = a[i];
    if (a[i] > max) max = a[i];
  }
  return { min, max };
}

/** Parameters of a "+proj=laea …" string (for the CF grid mapping). */
function laeaParams(proj4: string): { lat0: number; lon0: number } {
  const lat0 = /\+lat_0=([-\d.e+]+)/.exec(proj4);
  const lon0 = /\+lon_0=([-\d.e+]+)/.exec(proj4);
  if (!lat0 || !lon0) throw new Error(`density grid proj4 "${proj4}": expected +lat_0 and +lon_0`);
  return { lat0: Number(lat0[1]), lon0: Number(lon0[1]) };
}

/**
 * density.nc: probability (afloat share) per cell and time, stranded counts, afloat totals, the grid's
 * projected coordinates, 2-D lon/lat, the land flag and the CRS as a CF grid mapping. Written as NetCDF
 * classic, or NetCDF-4 with deflate when larger than 64 MiB.
 */
export async function writeDensityNetcdf(
  ctx: ProductContext,
  grids: DensityGrids,
  path: string,
): Promise<void> {
  const { nx, ny } = grids;
  const cells = nx * ny;
  const nt = ctx.trajectory.times.length;
  if (grids.afloat.length !== nt || grids.counts.length !== nt * cells) {
    throw new Error(`density.nc: grids have ${grids.afloat.length} times, the trajectory ${nt}`);
  }
  const { lat0, lon0 } = laeaParams(grids.proj4);
  const extra = grids as Partial<DensityResult>;
  const cellKm2 = (grids.cellM * grids.cellM) / 1e6;
  const landAttr = ctx.landmask ? ctx.landmask.name : "none";
  const times = ctx.trajectory.times;
  const file: NcFileDef = {
    dimensions: { time: nt, y: ny, x: nx },
    attributes: {
      Conventions: "CF-1.11, ACDD-1.3",
      title: `Leeway drift probability grid: ${ctx.category.key} (${ctx.simulation.name})`,
      summary:
        `Share of the afloat particles (by weight) of a Leeway Monte Carlo drift simulation per ${grids.cellM} m cell of a ` +
        `Lambert azimuthal equal-area grid, for every output time; stranded particles counted apart.`,
      source: `Driftline ${ctx.softwareVersion}`,
      history: `${isoUtc(Date.now() / 1000)} created by Driftline ${ctx.softwareVersion}`,
      date_created: isoUtc(Date.now() / 1000),
      software_version: ctx.softwareVersion,
      object_type: ctx.category.key,
      object_type_id: ncValues("int", ctx.category.id),
      object_type_description: ctx.category.description,
      cell_size_m: grids.cellM,
      cell_area_km2: cellKm2,
      requested_cell_size_m: extra.requestedCellM ?? grids.cellM,
      grid_note: extra.note || "cells of the requested size",
      land_mask: landAttr,
      time_coverage_start: isoUtc(Math.min(times[0], times[nt - 1])),
      time_coverage_end: isoUtc(Math.max(times[0], times[nt - 1])),
      time_coverage_duration: isoDuration(times[nt - 1] - times[0]),
      geospatial_lat_min: extent(grids.lat).min,
      geospatial_lat_max: extent(grids.lat).max,
      geospatial_lon_min: extent(grids.lon).min,
      geospatial_lon_max: extent(grids.lon).max,
      proj4: grids.proj4,
    },
    variables: [
      {
        name: "time",
        type: "double",
        dims: ["time"],
        attributes: { standard_name: "time", units: TIME_UNITS, calendar: "standard", axis: "T" },
        data: times,
      },
      {
        name: "y",
        type: "double",
        dims: ["y"],
        attributes: {
          standard_name: "projection_y_coordinate",
          long_name: "y of the cell centre",
          units: "m",
          axis: "Y",
        },
        data: grids.y,
      },
      {
        name: "x",
        type: "double",
        dims: ["x"],
        attributes: {
          standard_name: "projection_x_coordinate",
          long_name: "x of the cell centre",
          units: "m",
          axis: "X",
        },
        data: grids.x,
      },
      {
        name: "crs",
        type: "int",
        dims: [],
        attributes: {
          grid_mapping_name: "lambert_azimuthal_equal_area",
          longitude_of_projection_origin: lon0,
          latitude_of_projection_origin: lat0,
          false_easting: 0,
          false_northing: 0,
          semi_major_axis: 6378137,
          inverse_flattening: 298.257223563,
          proj4: grids.proj4,
          crs_wkt:
            `PROJCS["LAEA ${lat0} ${lon0}",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],` +
            `PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Lambert_Azimuthal_Equal_Area"],` +
            `PARAMETER["latitude_of_center",${lat0}],PARAMETER["longitude_of_center",${lon0}],` +
            `PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1]]`,
        },
        data: [0],
      },
      {
        name: "lat",
        type: "double",
        dims: ["y", "x"],
        attributes: {
          standard_name: "latitude",
          long_name: "latitude of the cell centre",
          units: "degrees_north",
        },
        data: grids.lat,
      },
      {
        name: "lon",
        type: "double",
        dims: ["y", "x"],
        attributes: {
          standard_name: "longitude",
          long_name: "longitude of the cell centre",
          units: "degrees_east",
        },
        data: grids.lon,
      },
      {
        name: "land",
        type: "byte",
        dims: ["y", "x"],
        attributes: {
          long_name: "land cell (excluded from search areas)",
          flag_values: ncValues("byte", [0, 1]),
          flag_meanings: "sea land",
          coordinates: "lat lon",
          grid_mapping: "crs",
          comment: ctx.landmask ? `from ${landAttr}` : "no land mask: every cell is sea",
        },
        data: grids.land,
      },
      {
        name: "probability",
        type: "float",
        dims: ["time", "y", "x"],
        attributes: {
          long_name: "share of the afloat particles in the cell, by weight",
          units: "1",
          coordinates: "lat lon",
          grid_mapping: "crs",
          cell_methods: "area: sum",
          comment:
            "sums to 1 over the sea cells at every time with afloat particles (0 everywhere when none)",
        },
        rows: (row0, rows, out) => {
          for (let r = 0; r < rows; r++) {
            const k = row0 + r;
            const a = grids.afloatWeight[k];
            const f = a > 0 ? 1 / a : 0;
            const base = k * cells;
            const o = r * cells;
            for (let c = 0; c < cells; c++) out[o + c] = grids.weight[base + c] * f;
          }
        },
      },
      ...(extra.smoothedProbability
        ? [
            {
              name: "smoothed_probability",
              type: "float" as const,
              dims: ["time", "y", "x"],
              attributes: {
                long_name: "probability of the afloat object in the cell: Gaussian kernel density estimate",
                units: "1",
                coordinates: "lat lon",
                grid_mapping: "crs",
                cell_methods: "area: sum",
                comment:
                  "the search areas are its highest-density regions; bandwidth by Silverman's rule (see README), " +
                  "land cells excluded and their share given back to the sea; mass beyond the grid's edge is left out",
              },
              data: extra.smoothedProbability,
            },
          ]
        : []),
      ...agreementVariables(ctx, grids),
      {
        name: "afloat_count",
        type: "int",
        dims: ["time", "y", "x"],
        attributes: {
          long_name: "number of afloat (active) particles in the cell",
          units: "1",
          coordinates: "lat lon",
          grid_mapping: "crs",
        },
        data: grids.counts,
      },
      {
        name: "stranded_count",
        type: "int",
        dims: ["time", "y", "x"],
        attributes: {
          long_name: "number of stranded particles in the cell",
          units: "1",
          coordinates: "lat lon",
          grid_mapping: "crs",
        },
        data: grids.stranded,
      },
      {
        name: "afloat_total",
        type: "int",
        dims: ["time"],
        attributes: { long_name: "number of afloat (active) particles", units: "1" },
        data: grids.afloat,
      },
    ],
  };
  if (ncDataBytes(file) > 64 * 1024 * 1024) await writeNetcdf4(path, file);
  else await writeNetcdf3(path, file);
}
