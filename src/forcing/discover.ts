// Finds, in one NetCDF file, the wind or current vector and the grid it lives on: which variables (by
// CF standard_name, then by the usual variable names), which dimension is time / level / y / x, which
// level is the surface (or 10 m), and the grid: regular lon/lat, projected x/y with a projection, or
// curvilinear 2-D lon/lat (ROMS native with staggered u/v, angle and mask_rho).

import { type NcVariable, type NetcdfFile, strAttr } from "../io/netcdf/types.js";
import { readDecoded, readTimes } from "./cf.js";
import { ForcingFileError } from "./errors.js";
import { LONLAT, projectionFromCF, projectionFromProj4 } from "./grid-mapping.js";
import { makeProjector, ProjectionError, type ProjectionSpec } from "./projection.js";

export type VectorKind = "wind" | "current";

interface PairRule {
  u: string;
  v: string;
  /** Components along the grid axes (CF x_/y_ names); eastward/northward ones are true east/north. */
  gridRelative: boolean;
}

const WIND_STANDARD: PairRule[] = [
  { u: "x_wind", v: "y_wind", gridRelative: true },
  { u: "eastward_wind", v: "northward_wind", gridRelative: false },
  { u: "x_wind_10m", v: "y_wind_10m", gridRelative: true },
];
/** Variable names (no usable standard_name). Grid-relative on projected grids, as OpenDrift reads them. */
const WIND_NAMES: [string, string][] = [
  ["x_wind_10m", "y_wind_10m"],
  ["u10", "v10"],
  ["U10", "V10"],
  ["10u", "10v"],
  ["u10m", "v10m"],
  ["uwnd", "vwnd"],
  ["UGRD_10maboveground", "VGRD_10maboveground"],
  ["wind_u", "wind_v"],
  ["x_wind", "y_wind"],
];
const CURRENT_STANDARD: PairRule[] = [
  { u: "x_sea_water_velocity", v: "y_sea_water_velocity", gridRelative: true },
  { u: "sea_water_x_velocity", v: "sea_water_y_velocity", gridRelative: true },
  { u: "eastward_sea_water_velocity", v: "northward_sea_water_velocity", gridRelative: false },
  {
    u: "surface_eastward_sea_water_velocity",
    v: "surface_northward_sea_water_velocity",
    gridRelative: false,
  },
  { u: "sea_water_x_velocity_at_u_location", v: "sea_water_y_velocity_at_v_location", gridRelative: true },
  {
    u: "baroclinic_eastward_sea_water_velocity",
    v: "baroclinic_northward_sea_water_velocity",
    gridRelative: false,
  },
  {
    u: "surface_geostrophic_eastward_sea_water_velocity",
    v: "surface_geostrophic_northward_sea_water_velocity",
    gridRelative: false,
  },
];
const CURRENT_NAMES: [string, string][] = [
  ["uo", "vo"],
  ["utotal", "vtotal"],
  ["u", "v"],
  ["water_u", "water_v"],
  ["ucur", "vcur"],
  ["u_eastward", "v_northward"],
];

/** Names tried, for "has no … variables (looked for …)" messages. */
export function lookedFor(kind: VectorKind): string {
  const std = (kind === "wind" ? WIND_STANDARD : CURRENT_STANDARD).map((p) => p.u);
  const names = (kind === "wind" ? WIND_NAMES : CURRENT_NAMES).map((p) => p[0]);
  return `standard_name ${std.join(", ")}; names ${names.join(", ")}`;
}

export interface LonLatGrid {
  kind: "lonlat";
  nx: number;
  ny: number;
  /** Axis values in degrees (longitudes as in the file; may be 0..360 or descending latitudes). */
  x: Float64Array;
  y: Float64Array;
  projection: ProjectionSpec;
  /** 360 when the longitudes go round the globe (interpolate across the seam), else 0. */
  lonPeriod: number;
}
export interface ProjectedGrid {
  kind: "projected";
  nx: number;
  ny: number;
  /** Axis values in metres (degrees for a rotated pole grid). */
  x: Float64Array;
  y: Float64Array;
  projection: ProjectionSpec;
  lonPeriod: number;
}
export interface CurvilinearGrid {
  kind: "curvilinear";
  nx: number;
  ny: number;
  /** Node longitudes/latitudes, row-major [ny][nx]. */
  lon: Float64Array;
  lat: Float64Array;
  /** Angle (radians, counter-clockwise) from east to the grid's x axis at each node, when vectors need it. */
  angle: Float64Array | null;
  /** 1 = water, 0 = land (ROMS mask_rho), or null. */
  mask: Uint8Array | null;
  /** Names of the lon/lat variables (for messages). */
  coordinates: string;
}
export type GridInfo = LonLatGrid | ProjectedGrid | CurvilinearGrid;

export interface LevelChoice {
  dim: string;
  index: number;
  /** Coordinate value of the chosen level (NaN without a coordinate variable). */
  value: number;
  units: string;
}

export interface MemberChoice {
  dim: string;
  /** Members in the file. */
  size: number;
  /** The member read, 0-based. */
  index: number;
}

export interface VectorLayout {
  kind: VectorKind;
  u: string;
  v: string;
  standardNames: [string, string];
  /** Components along the grid axes: rotated to east/north with the grid geometry. */
  gridRelative: boolean;
  /** ROMS C-grid: u on u-points, v on v-points (read by roms-cgrid.ts, or roms-opendrift.ts). */
  stagger: "none" | "roms";
  /** Dimension names of the u variable and, per position, its role. */
  dims: string[];
  roles: ("time" | "level" | "y" | "x" | "single" | "member")[];
  level: LevelChoice | null;
  /**
   * An ensemble-member dimension (MEPS `ensemble_member`, CF `realization`) of more than one member, and the
   * member read (0 unless a forcing ensemble asks for another, pipeline/ensemble.ts); null without one.
   */
  member: MemberChoice | null;
  timeVar: string;
  /** Unix seconds of each time index. */
  times: Float64Array;
  grid: GridInfo;
}

// ---------------------------------------------------------------------------------------------------

function standardName(v: NcVariable): string {
  return (strAttr(v, "standard_name") ?? "").trim();
}

function findPair(
  file: NetcdfFile,
  kind: VectorKind,
): { u: NcVariable; v: NcVariable; gridRelative: boolean | null } | null {
  const vars = [...file.variables.values()].filter((v) => v.shape.length >= 2);
  const preferredNames = kind === "wind" ? WIND_NAMES : CURRENT_NAMES;
  const rank = (name: string): number => {
    const i = preferredNames.findIndex((p) => p[0] === name || p[1] === name);
    return i < 0 ? preferredNames.length : i;
  };
  for (const rule of kind === "wind" ? WIND_STANDARD : CURRENT_STANDARD) {
    const us = vars.filter((v) => standardName(v) === rule.u).sort((a, b) => rank(a.name) - rank(b.name));
    const vs = vars.filter((v) => standardName(v) === rule.v);
    if (us.length === 0 || vs.length === 0) continue;
    const u = us[0];
    // The v partner: the same-named counterpart if there is one (uo → vo), else the first.
    const partner = preferredNames.find((p) => p[0] === u.name)?.[1];
    const v = vs.find((x) => x.name === partner) ?? vs[0];
    return { u, v, gridRelative: rule.gridRelative };
  }
  for (const [un, vn] of preferredNames) {
    const u = file.variables.get(un);
    const v = file.variables.get(vn);
    if (!u || !v || u.shape.length < 2) continue;
    const sn = standardName(u);
    // A u/v pair whose standard name says something else (ice, barotropic, the other kind) is not ours.
    if (sn && (kind === "wind" ? !sn.includes("wind") : !/sea_water|current/.test(sn))) continue;
    if (sn.includes("barotropic") || sn.includes("ice")) continue;
    return { u, v, gridRelative: null };
  }
  return null;
}

function isTimeVar(v: NcVariable | undefined): boolean {
  if (!v) return false;
  const units = strAttr(v, "units") ?? "";
  return /\bsince\b/i.test(units) && v.shape.length <= 1;
}

const VERTICAL_STD =
  /^(depth|height|altitude|air_pressure|model_level_number|ocean_s_coordinate.*|ocean_sigma.*|atmosphere_.*coordinate)$/;

function isVerticalVar(v: NcVariable | undefined, dim: string): boolean {
  if (!v)
    return /^(depth|z|lev|level|levels|height|s_rho|s_w|sigma|deptht|depthu|depthv|height\d*)$/i.test(dim);
  const sn = standardName(v);
  const axis = strAttr(v, "axis");
  return (
    VERTICAL_STD.test(sn) ||
    axis === "Z" ||
    v.attrs.has("positive") ||
    /^(depth|z|lev|level|s_rho|height)/i.test(dim)
  );
}

function chooseLevel(file: NetcdfFile, dim: string, size: number, kind: VectorKind): LevelChoice {
  const cv = file.variables.get(dim);
  if (cv?.shape.length !== 1 || cv.shape[0] !== size) {
    // No coordinate: ROMS s_rho is bottom-up, others are top-down.
    return { dim, index: dim.startsWith("s_") ? size - 1 : 0, value: Number.NaN, units: "" };
  }
  const values = readDecoded(file, dim);
  const units = (strAttr(cv, "units") ?? "").toLowerCase();
  if (kind === "wind" && /pa$|bar$|mbar|millibar/.test(units)) {
    throw new ForcingFileError(file.path, `wind is on pressure levels (${dim} in ${units}), not at 10 m`);
  }
  const target =
    kind === "wind" && (units === "m" || units.startsWith("meter") || units.startsWith("metre")) ? 10 : 0;
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    if (Math.abs(Math.abs(values[i]) - target) < Math.abs(Math.abs(values[best]) - target)) best = i;
  }
  return { dim, index: best, value: values[best], units };
}

function lengthFactor(units: string | undefined, fallback: number): number {
  const u = (units ?? "").trim().toLowerCase();
  if (u === "") return fallback;
  if (u === "m" || u.startsWith("meter") || u.startsWith("metre")) return 1;
  if (u === "km" || u.startsWith("kilomet")) return 1000;
  if (/^100\s+km$/.test(u)) return 100000;
  if (u.startsWith("degree") || u === "deg" || u === "rad" || u === "radians") return 1;
  return Number.NaN;
}

function checkMonotonic(file: NetcdfFile, name: string, a: Float64Array): void {
  if (a.length < 2)
    throw new ForcingFileError(file.path, `coordinate ${name} has ${a.length} value(s); need at least 2`);
  const up = a[1] > a[0];
  for (let i = 1; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(a[i - 1]) || a[i] > a[i - 1] !== up || a[i] === a[i - 1]) {
      throw new ForcingFileError(file.path, `coordinate ${name} is not strictly monotonic at index ${i}`);
    }
  }
}

const LON_UNITS = /^degrees?_?e(ast)?$/i;
const LAT_UNITS = /^degrees?_?n(orth)?$/i;
function looksLon(v: NcVariable): boolean {
  const sn = standardName(v);
  return (
    sn === "longitude" ||
    LON_UNITS.test(strAttr(v, "units") ?? "") ||
    /^(lon|longitude|nav_lon)$/i.test(v.name)
  );
}
function looksLat(v: NcVariable): boolean {
  const sn = standardName(v);
  return (
    sn === "latitude" || LAT_UNITS.test(strAttr(v, "units") ?? "") || /^(lat|latitude|nav_lat)$/i.test(v.name)
  );
}

/** The projection of a data variable: its CF grid_mapping, else a proj4 attribute somewhere. */
function findProjection(file: NetcdfFile, data: NcVariable): ProjectionSpec | null {
  const problems: string[] = [];
  const gmName = strAttr(data, "grid_mapping")?.split(/[\s:]+/)[0];
  const gm = gmName ? file.variables.get(gmName) : undefined;
  if (gmName && !gm) problems.push(`grid_mapping variable ${gmName} is missing`);
  const holders = [gm, ...file.variables.values()].filter((v): v is NcVariable => !!v);
  for (const h of gm ? [gm] : holders.filter((v) => v.attrs.has("grid_mapping_name"))) {
    try {
      return projectionFromCF(h.attrs);
    } catch (e) {
      if (!(e instanceof ProjectionError)) throw e;
      problems.push((e as Error).message);
    }
  }
  for (const h of [...holders, { attrs: file.attrs }]) {
    for (const key of ["proj4", "proj4_string", "proj4text", "proj4_params", "crs_wkt", "spatial_ref"]) {
      const text = strAttr(h, key);
      if (!text) continue;
      try {
        return projectionFromProj4(text, `${key} attribute`);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
  }
  if (problems.length) throw new ForcingFileError(file.path, `unknown projection: ${problems.join("; ")}`);
  return null;
}

function coordinateList(v: NcVariable): string[] {
  return (strAttr(v, "coordinates") ?? "").split(/\s+/).filter(Boolean);
}

/** 2-D longitude/latitude variables on dims [yDim, xDim]. */
function find2dLonLat(
  file: NetcdfFile,
  data: NcVariable,
  yDim: string,
  xDim: string,
): [NcVariable, NcVariable] | null {
  const candidates = [
    ...coordinateList(data).map((n) => file.variables.get(n)),
    ...file.variables.values(),
  ].filter((v): v is NcVariable => !!v && v.shape.length === 2 && v.dims[0] === yDim && v.dims[1] === xDim);
  const lon = candidates.find(looksLon);
  const lat = candidates.find(looksLat);
  return lon && lat ? [lon, lat] : null;
}

function decode2d(file: NetcdfFile, name: string): Float64Array {
  return readDecoded(file, name);
}

function gridAngleFromLonLat(nx: number, ny: number, lon: Float64Array, lat: Float64Array): Float64Array {
  // Angle from east to the grid x axis, from centred differences of the node positions.
  const angle = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const a = j * nx + Math.max(0, i - 1);
      const b = j * nx + Math.min(nx - 1, i + 1);
      let dLon = lon[b] - lon[a];
      if (dLon > 180) dLon -= 360;
      if (dLon < -180) dLon += 360;
      const dx = dLon * Math.cos(((lat[a] + lat[b]) / 2) * (Math.PI / 180));
      angle[j * nx + i] = Math.atan2(lat[b] - lat[a], dx);
    }
  }
  return angle;
}

/**
 * Finds the wind or current vector in a file. Returns null when the file has none of that kind;
 * throws ForcingFileError when it has one but something about it is unusable.
 */
export function discoverVector(file: NetcdfFile, kind: VectorKind): VectorLayout | null {
  const pair = findPair(file, kind);
  if (!pair) return null;
  const { u, v } = pair;
  const p = file.path;
  const rank = u.shape.length;
  const roms = u.dims.includes("xi_u") || u.dims.includes("eta_u");
  if (
    !roms &&
    (u.shape.join("x") !== v.shape.join("x") || u.dims.slice(0, -2).join() !== v.dims.slice(0, -2).join())
  ) {
    throw new ForcingFileError(
      p,
      `inconsistent dimensions: ${u.name}(${u.dims.join(",")}) ${u.shape.join("×")} vs ${v.name}(${v.dims.join(",")}) ${v.shape.join("×")}`,
    );
  }
  if (roms && v.shape.length !== rank) {
    throw new ForcingFileError(
      p,
      `inconsistent dimensions: ${u.name} has ${rank} dims, ${v.name} ${v.shape.length}`,
    );
  }
  const dims = [...u.dims];
  const roles: VectorLayout["roles"] = new Array(rank).fill("single");
  roles[rank - 1] = "x";
  roles[rank - 2] = "y";
  let timeVar = "";
  let level: LevelChoice | null = null;
  let member: MemberChoice | null = null;
  for (let d = 0; d < rank - 2; d++) {
    const dim = dims[d];
    const cv = file.variables.get(dim);
    const timeLike =
      cv &&
      cv.shape.length === 1 &&
      (standardName(cv) === "time" ||
        strAttr(cv, "axis") === "T" ||
        /^(time|ocean_time|t|valid_time)$/i.test(dim));
    if (isTimeVar(cv) || timeLike || (!cv && /time/i.test(dim))) {
      if (timeVar) throw new ForcingFileError(p, `${u.name} has two time dimensions`);
      roles[d] = "time";
      timeVar = cv ? dim : "";
      if (!cv) {
        const alt = [...file.variables.values()].find(
          (x) => x.dims.length === 1 && x.dims[0] === dim && isTimeVar(x),
        );
        if (!alt) throw new ForcingFileError(p, `time dimension ${dim} has no time coordinate variable`);
        timeVar = alt.name;
      }
    } else if (u.shape[d] === 1) {
      roles[d] = "single";
    } else if (isVerticalVar(cv, dim)) {
      if (level) throw new ForcingFileError(p, `${u.name} has two vertical dimensions`);
      roles[d] = "level";
      level = chooseLevel(file, dim, u.shape[d], kind);
    } else if (/realization|ensemble|member/i.test(dim) || /realization/.test(cv ? standardName(cv) : "")) {
      if (member) throw new ForcingFileError(p, `${u.name} has two ensemble-member dimensions`);
      roles[d] = "member";
      member = { dim, size: u.shape[d], index: 0 };
    } else {
      throw new ForcingFileError(
        p,
        `${u.name} has a dimension ${dim} (${u.shape[d]}) that is neither time nor level`,
      );
    }
  }
  let times: Float64Array;
  if (timeVar) {
    times = readTimes(file, timeVar);
    const tdim = roles.indexOf("time");
    if (times.length !== u.shape[tdim]) {
      throw new ForcingFileError(
        p,
        `inconsistent dimensions: ${timeVar} has ${times.length} values, ${u.name} ${u.shape[tdim]} times`,
      );
    }
  } else {
    // A single field: a scalar time coordinate.
    const scalar = [...coordinateList(u), "time", "valid_time"]
      .map((n) => file.variables.get(n))
      .find((x) => x && x.shape.length === 0 && isTimeVar(x));
    if (!scalar) throw new ForcingFileError(p, `${u.name} has no time coordinate`);
    timeVar = scalar.name;
    times = readTimes(file, scalar.name);
  }
  if (times.length === 0) throw new ForcingFileError(p, `${u.name} has no time steps`);

  const grid = roms ? romsGrid(file, u, v) : findGrid(file, u);
  const gridRelative = pair.gridRelative ?? grid.kind !== "lonlat";
  if (grid.kind === "curvilinear" && gridRelative && !grid.angle) {
    grid.angle = gridAngleFromLonLat(grid.nx, grid.ny, grid.lon, grid.lat);
  }
  return {
    kind,
    u: u.name,
    v: v.name,
    standardNames: [standardName(u) || u.name, standardName(v) || v.name],
    gridRelative: gridRelative && grid.kind !== "lonlat",
    stagger: roms ? "roms" : "none",
    dims,
    roles,
    level,
    member,
    timeVar,
    times,
    grid,
  };
}

function findGrid(file: NetcdfFile, data: NcVariable): GridInfo {
  const p = file.path;
  const rank = data.shape.length;
  const yDim = data.dims[rank - 2];
  const xDim = data.dims[rank - 1];
  const ny = data.shape[rank - 2];
  const nx = data.shape[rank - 1];
  if (nx < 2 || ny < 2)
    throw new ForcingFileError(p, `grid of ${data.name} is ${nx}×${ny}; need at least 2×2`);
  const xv = file.variables.get(xDim);
  const yv = file.variables.get(yDim);
  const has1d = xv?.shape.length === 1 && yv?.shape.length === 1;
  if (has1d) {
    if (xv.shape[0] !== nx || yv.shape[0] !== ny) {
      throw new ForcingFileError(p, `inconsistent dimensions: coordinates ${xDim}/${yDim} vs ${data.name}`);
    }
  }
  let projection: ProjectionSpec | null = null;
  if (has1d && !(looksLon(xv) && looksLat(yv))) projection = findProjection(file, data);
  else if (data.attrs.has("grid_mapping")) {
    projection = findProjection(file, data);
    if (projection?.kind === "lonlat") projection = null;
  }
  if (has1d && !projection && looksLon(xv) && looksLat(yv)) {
    const x = readDecoded(file, xDim);
    const y = readDecoded(file, yDim);
    checkMonotonic(file, xDim, x);
    checkMonotonic(file, yDim, y);
    const span = Math.abs(x[nx - 1] - x[0]);
    const step = span / (nx - 1);
    const lonPeriod = Math.abs(span + step - 360) < step * 0.5 ? 360 : 0;
    return { kind: "lonlat", nx, ny, x, y, projection: LONLAT, lonPeriod };
  }
  if (has1d && projection) {
    const factorX = lengthFactor(strAttr(xv, "units"), projection.unitMetres);
    const factorY = lengthFactor(strAttr(yv, "units"), projection.unitMetres);
    if (Number.isNaN(factorX) || Number.isNaN(factorY)) {
      throw new ForcingFileError(
        p,
        `x/y units "${strAttr(xv, "units")}"/"${strAttr(yv, "units")}" not understood (allowed: m, km)`,
      );
    }
    const x = readDecoded(file, xDim);
    const y = readDecoded(file, yDim);
    const deg = makeProjector(projection).degrees;
    for (let i = 0; i < x.length; i++) x[i] *= deg ? 1 : factorX;
    for (let i = 0; i < y.length; i++) y[i] *= deg ? 1 : factorY;
    checkMonotonic(file, xDim, x);
    checkMonotonic(file, yDim, y);
    return { kind: "projected", nx, ny, x, y, projection, lonPeriod: 0 };
  }
  const ll = find2dLonLat(file, data, yDim, xDim);
  if (ll) {
    const lon = decode2d(file, ll[0].name);
    const lat = decode2d(file, ll[1].name);
    return {
      kind: "curvilinear",
      nx,
      ny,
      lon,
      lat,
      angle: null,
      mask: null,
      coordinates: `${ll[0].name}/${ll[1].name}`,
    };
  }
  if (has1d)
    throw new ForcingFileError(
      p,
      `unknown projection: x/y coordinates ${xDim}/${yDim} without grid_mapping or proj4`,
    );
  throw new ForcingFileError(p, `no coordinates found for the grid of ${data.name} (${yDim}, ${xDim})`);
}

function romsGrid(file: NetcdfFile, u: NcVariable, v: NcVariable): CurvilinearGrid {
  const p = file.path;
  const lonV = file.variables.get("lon_rho");
  const latV = file.variables.get("lat_rho");
  if (!lonV || !latV) throw new ForcingFileError(p, "ROMS file without lon_rho/lat_rho");
  if (lonV.shape.length !== 2 || lonV.shape.join() !== latV.shape.join()) {
    throw new ForcingFileError(p, "inconsistent dimensions: lon_rho and lat_rho");
  }
  const [ny, nx] = lonV.shape;
  const uy = u.shape[u.shape.length - 2];
  const ux = u.shape[u.shape.length - 1];
  const vy = v.shape[v.shape.length - 2];
  const vx = v.shape[v.shape.length - 1];
  // u has nx-1 (or, in a subset cut on every dimension alike, nx) points along xi; v likewise along eta.
  if (uy !== ny || (ux !== nx && ux !== nx - 1) || vx !== nx || (vy !== ny && vy !== ny - 1)) {
    throw new ForcingFileError(
      p,
      `inconsistent dimensions: rho grid ${ny}×${nx}, ${u.name} ${uy}×${ux}, ${v.name} ${vy}×${vx}`,
    );
  }
  const lon = readDecoded(file, "lon_rho");
  const lat = readDecoded(file, "lat_rho");
  let angle: Float64Array | null = null;
  const angleV = file.variables.get("angle");
  if (angleV && angleV.shape.join() === lonV.shape.join()) {
    angle = readDecoded(file, "angle");
    const units = (strAttr(angleV, "units") ?? "radians").toLowerCase();
    if (units.startsWith("deg")) for (let i = 0; i < angle.length; i++) angle[i] *= Math.PI / 180;
  }
  let mask: Uint8Array | null = null;
  const maskV = file.variables.get("mask_rho");
  if (maskV && maskV.shape.join() === lonV.shape.join()) {
    const m = readDecoded(file, "mask_rho");
    mask = new Uint8Array(m.length);
    for (let i = 0; i < m.length; i++) mask[i] = m[i] > 0.5 ? 1 : 0;
  }
  return { kind: "curvilinear", nx, ny, lon, lat, angle, mask, coordinates: "lon_rho/lat_rho" };
}
