// particles.nc: the particle trajectories as a CF-1.11 trajectory file (dimensions trajectory × time) with
// ACDD discovery metadata. Transposes the run's time-major arrays block by block while writing.
import type { Trajectory } from "../core/trajectory.js";
import { STATUS_FLAGS, Status } from "../core/types.js";
import type { NcArray, NcAttributes, NcFileDef, NcVariableDef } from "../io/netcdf/types.js";
import { ncValues, writeNetcdf3 } from "../io/netcdf/write-classic.js";
import { ncDataBytes, writeNetcdf4 } from "../io/netcdf/write-hdf5.js";
import type { ProductContext } from "./context.js";
import { isoDuration, isoUtc } from "./time-format.js";

export const TIME_UNITS = "seconds since 1970-01-01 00:00:00";
/** Fill of the byte variables (NetCDF default byte fill). */
const BYTE_FILL = -127;
/** Above this much uncompressed data, "auto" writes NetCDF-4 with deflate instead of classic. */
export const NETCDF4_THRESHOLD_BYTES = 512 * 1024 * 1024;

export interface ParticlesNetcdfOptions {
  /**
   * "classic": NetCDF classic or 64-bit offset (fast, uncompressed); "netcdf4": HDF5 with deflate;
   * "auto" (default): NetCDF-4 when the data exceed NETCDF4_THRESHOLD_BYTES, else classic.
   */
  format?: "auto" | "classic" | "netcdf4";
  /** zlib level for NetCDF-4 (default 1). */
  deflateLevel?: number;
}

/**
 * Rows producer for a trajectory × time variable from a time-major array. A particle shows from its release
 * to the snapshot where it is deactivated (first stranded, out of forcing …); before and after it is `fill`.
 */
function trajectoryRows(t: Trajectory, src: ArrayLike<number>, fill: number) {
  const n = t.n;
  const nt = t.times.length;
  const status = t.status;
  const active = Status.active;
  const unreleased = Status.unreleased;
  return (row0: number, rows: number, out: NcArray): void => {
    // Particle by particle, its times in turn: the output is written in order and the reads of one time
    // stay in the cache lines the neighbouring particles read too (time by time, every write missed it).
    for (let i = row0, o = 0; i < row0 + rows; i++) {
      let prev: number = unreleased;
      for (let k = 0, at = i; k < nt; k++, at += n, o++) {
        const s = status[at];
        const show = s !== unreleased && (s === active || k === 0 || prev === active || prev === unreleased);
        out[o] = show ? src[at] : fill;
        prev = s;
      }
    }
  };
}

function describeForcing(ctx: ProductContext, variable: "wind" | "current"): string {
  const parts = ctx.forcing
    .filter((f) => f.variable === variable)
    .map((f) => {
      const extra = Object.entries(f)
        .filter(([k]) => k !== "variable" && k !== "name")
        .map(([k, v]) => `${k}=${v}`);
      return extra.length ? `${f.name} (${extra.join(", ")})` : f.name;
    });
  return parts.length ? parts.join("; ") : "none recorded";
}

/** Extent of the released positions (NaN-free) and the first/last time, for ACDD coverage attributes. */
function coverage(t: Trajectory): { west: number; east: number; south: number; north: number } {
  let west = Infinity;
  let east = -Infinity;
  let south = Infinity;
  let north = -Infinity;
  for (let j = 0; j < t.lon.length; j++) {
    const x = t.lon[j];
    const y = t.lat[j];
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    if (x < west) west = x;
    if (x > east) east = x;
    if (y < south) south = y;
    if (y > north) north = y;
  }
  return { west, east, south, north };
}

/** The scenario variable's attributes: CF flags (names as words) and the names and weights as given. */
function scenarioAttributes(ctx: ProductContext): NcAttributes {
  const list = ctx.scenarios ?? [{ name: ctx.simulation.name, weight: 1 }];
  return {
    long_name: "scenario of the mission the particle belongs to (0-based)",
    flag_values: ncValues(
      "short",
      list.map((_, k) => k),
    ),
    flag_meanings: list.map((s, k) => s.name.replace(/[^A-Za-z0-9_.+-]+/g, "_") || `scenario_${k}`).join(" "),
    scenario_names: list.map((s) => s.name).join("; "),
    scenario_weights: ncValues(
      "double",
      list.map((s) => s.weight),
    ),
  };
}

/** Global attributes: CF, ACDD-1.3 discovery metadata, the object, release, forcing, settings and the spec. */
export function particlesGlobalAttributes(ctx: ProductContext, now = new Date()): NcAttributes {
  const sim = ctx.simulation;
  const cat = ctx.category;
  const t = ctx.trajectory;
  const r = sim.release;
  const times = Array.from(t.times);
  const tMin = Math.min(...times);
  const tMax = Math.max(...times);
  const box = coverage(t);
  const created = isoUtc(now.getTime() / 1000);
  const hours = sim.durationSeconds / 3600;
  const backward = sim.durationSeconds < 0;
  const line = r.lon[0] !== r.lon[1] || r.lat[0] !== r.lat[1];
  const releaseText =
    `${r.number} particles ${line ? "along a line " : ""}at ${r.lat[0]}N ${r.lon[0]}E` +
    (line ? ` to ${r.lat[1]}N ${r.lon[1]}E` : "") +
    `, radius ${r.radiusM[0]}${r.radiusM[1] !== r.radiusM[0] ? `–${r.radiusM[1]}` : ""} m (${r.radiusType}), ` +
    `${isoUtc(r.time[0])}${r.time[1] !== r.time[0] ? ` to ${isoUtc(r.time[1])}` : ""}`;
  const atts: NcAttributes = {
    Conventions: "CF-1.11, ACDD-1.3",
    featureType: "trajectory",
    title: `Leeway drift forecast "${sim.name}": ${cat.key} (${cat.description})`,
    summary:
      `Monte Carlo Leeway ${backward ? "backtracking " : ""}drift simulation of ${r.number} particles of object ` +
      `category ${cat.id} ${cat.key} (${cat.description}), released ${releaseText}, ` +
      `${Math.abs(hours)} h ${backward ? "backward" : "forward"}. ` +
      `Wind: ${describeForcing(ctx, "wind")}. Current: ${describeForcing(ctx, "current")}.`,
    keywords: "search and rescue, SAR, leeway, drift, trajectory, Monte Carlo, ocean currents, wind",
    standard_name_vocabulary: "CF Standard Name Table v84",
    comment:
      "Positions are written from each particle's release to the output time at which it is deactivated " +
      "(stranded, out of forcing, outside the domain); fill values before and after.",
    source: `Driftline ${ctx.softwareVersion}: Leeway model (Allen and Plourde 1999; Breivik and Allen 2008)`,
    history: `${created} created by Driftline ${ctx.softwareVersion}`,
    processing_level: "model forecast of drift (ensemble of particles)",
    date_created: created,
    creator_name: "Driftline",
    creator_type: "institution",
    product_version: ctx.softwareVersion,
    software_name: "Driftline",
    software_version: ctx.softwareVersion,
    references:
      "https://doi.org/10.5194/gmd-11-1405-2018 (OpenDrift Leeway); USCG report CG-D-08-99 (Leeway)",
    object_type: cat.key,
    object_type_id: ncValues("int", cat.id),
    object_type_description: cat.description,
    object_type_group: cat.group,
    leeway_coefficients:
      `downwind slope ${cat.dwSlope} %, offset ${cat.dwOffset} cm/s, std ${cat.dwStd} cm/s; ` +
      `crosswind right slope ${cat.cwrSlope} %, offset ${cat.cwrOffset} cm/s, std ${cat.cwrStd} cm/s; ` +
      `crosswind left slope ${cat.cwlSlope} %, offset ${cat.cwlOffset} cm/s, std ${cat.cwlStd} cm/s`,
    release: releaseText,
    release_lon: ncValues("double", r.lon),
    release_lat: ncValues("double", r.lat),
    release_time_start: isoUtc(r.time[0]),
    release_time_end: isoUtc(r.time[1]),
    release_radius_m: ncValues("double", r.radiusM),
    release_radius_type: r.radiusType,
    release_particles: ncValues("int", r.number),
    forcing_wind: describeForcing(ctx, "wind"),
    forcing_current: describeForcing(ctx, "current"),
    coastline: sim.coastline === "none" ? "none" : `${ctx.landmask?.name ?? "none"} (${sim.coastline})`,
    simulation_name: sim.name,
    simulation_start_time: isoUtc(sim.startTime),
    simulation_duration_hours: hours,
    time_step_seconds: sim.timeStepSeconds,
    output_step_seconds: sim.outputStepSeconds,
    random_seed: ncValues("int", sim.randomSeed),
    jibe_probability_per_hour: sim.jibeProbability,
    capsizing: sim.capsizing.enabled
      ? `enabled: wind threshold ${sim.capsizing.windThreshold} ± ${sim.capsizing.windThresholdSigma} m/s, ` +
        `leeway fraction ${sim.capsizing.leewayFraction}`
      : "disabled",
    time_coverage_start: isoUtc(tMin),
    time_coverage_end: isoUtc(tMax),
    time_coverage_duration: isoDuration(tMax - tMin),
    time_coverage_resolution: isoDuration(sim.outputStepSeconds),
  };
  if (Number.isFinite(box.west)) {
    Object.assign(atts, {
      geospatial_lat_min: box.south,
      geospatial_lat_max: box.north,
      geospatial_lat_units: "degrees_north",
      geospatial_lon_min: box.west,
      geospatial_lon_max: box.east,
      geospatial_lon_units: "degrees_east",
      geospatial_bounds_crs: "EPSG:4326",
    });
  }
  if (ctx.releaseOnLand && ctx.releaseOnLand.moved > 0) {
    atts.release_moved_off_land =
      `${ctx.releaseOnLand.moved} particles released on land were moved to the nearest sea point ` +
      `(up to ${Math.round(ctx.releaseOnLand.maxDistanceM)} m)`;
  }
  atts.simulation_spec = ctx.specJson;
  return atts;
}

/** The file description of particles.nc (shared by the classic and NetCDF-4 writers). */
export function particlesNcFile(ctx: ProductContext, now = new Date()): NcFileDef {
  const t = ctx.trajectory;
  const n = t.n;
  const dims2 = ["trajectory", "time"] as const;
  const coords = "time lat lon";
  const floatVar = (name: string, src: Float32Array, attributes: NcAttributes): NcVariableDef => ({
    name,
    type: "float",
    dims: dims2,
    attributes: { _FillValue: ncValues("float", Number.NaN), ...attributes },
    rows: trajectoryRows(t, src, Number.NaN),
  });
  const byteVar = (name: string, src: Uint8Array, attributes: NcAttributes): NcVariableDef => ({
    name,
    type: "byte",
    dims: dims2,
    attributes: { _FillValue: ncValues("byte", BYTE_FILL), ...attributes },
    rows: trajectoryRows(t, src, BYTE_FILL),
  });

  const variables: NcVariableDef[] = [
    {
      name: "trajectory",
      type: "int",
      dims: ["trajectory"],
      attributes: { cf_role: "trajectory_id", long_name: "particle number (1-based)" },
      rows: (row0, rows, out) => {
        for (let i = 0; i < rows; i++) out[i] = row0 + i + 1;
      },
    },
    {
      name: "time",
      type: "double",
      dims: ["time"],
      attributes: {
        standard_name: "time",
        long_name: "time of the output",
        units: TIME_UNITS,
        calendar: "standard",
        axis: "T",
      },
      data: t.times,
    },
    {
      name: "release_time",
      type: "double",
      dims: ["trajectory"],
      attributes: { long_name: "release time of the particle", units: TIME_UNITS, calendar: "standard" },
      data: t.releaseTime,
    },
    {
      name: "object_type",
      type: "short",
      dims: ["trajectory"],
      attributes: {
        long_name: "Leeway object category id",
        object_type: ctx.scenarios ? ctx.scenarios.map((s) => s.category.key).join(" ") : ctx.category.key,
        description: ctx.scenarios
          ? ctx.scenarios.map((s) => s.category.description).join("; ")
          : ctx.category.description,
      },
      rows: ctx.scenarios
        ? (row0, rows, out) => {
            const ids = (ctx.scenarios ?? []).map((s) => s.category.id);
            for (let i = 0; i < rows; i++) out[i] = ids[t.scenario[row0 + i]];
          }
        : (_row0, rows, out) => out.fill(ctx.category.id, 0, rows),
    },
    {
      // Products weigh particles by it (scenarios, ensembles, searches that found nothing): a reader of this
      // file needs it to rebuild the same probabilities.
      name: "weight",
      type: "double",
      dims: ["trajectory"],
      attributes: { long_name: "relative probability weight of the particle" },
      data: t.weight,
    },
    {
      name: "member",
      type: "short",
      dims: ["trajectory"],
      attributes: { long_name: "scenario or forcing-ensemble member of the particle (0-based)" },
      rows: (row0, rows, out) => {
        for (let i = 0; i < rows; i++) out[i] = t.member[row0 + i];
      },
    },
    {
      // Which scenario of the mission the particle belongs to (names and weights in the attributes).
      name: "scenario",
      type: "short",
      dims: ["trajectory"],
      attributes: scenarioAttributes(ctx),
      rows: (row0, rows, out) => {
        for (let i = 0; i < rows; i++) out[i] = t.scenario[row0 + i];
      },
    },
    floatVar("lon", t.lon, {
      standard_name: "longitude",
      long_name: "longitude",
      units: "degrees_east",
      axis: "X",
    }),
    floatVar("lat", t.lat, {
      standard_name: "latitude",
      long_name: "latitude",
      units: "degrees_north",
      axis: "Y",
    }),
    byteVar("status", t.status, {
      long_name: "particle status",
      flag_values: ncValues(
        "byte",
        STATUS_FLAGS.map((f) => f.value),
      ),
      flag_meanings: STATUS_FLAGS.map((f) => f.meaning).join(" "),
      coordinates: coords,
      comment:
        "written at release and while active; the snapshot of deactivation keeps its status, later ones are fill",
    }),
    byteVar("orientation", t.orientation, {
      long_name: "side of downwind the object drifts to",
      flag_values: ncValues("byte", [0, 1]),
      flag_meanings: "left_of_downwind right_of_downwind",
      coordinates: coords,
    }),
    byteVar("capsized", t.capsized, {
      long_name: "capsized",
      flag_values: ncValues("byte", [0, 1]),
      flag_meanings: "upright capsized",
      coordinates: coords,
    }),
  ];
  const forcing: [string, Float32Array | undefined, string, string][] = [
    ["x_wind", t.windU, "eastward_wind", "eastward 10 m wind used for the coming step"],
    ["y_wind", t.windV, "northward_wind", "northward 10 m wind used for the coming step"],
    [
      "x_sea_water_velocity",
      t.currentU,
      "eastward_sea_water_velocity",
      "eastward surface current used for the coming step",
    ],
    [
      "y_sea_water_velocity",
      t.currentV,
      "northward_sea_water_velocity",
      "northward surface current used for the coming step",
    ],
  ];
  for (const [name, src, standardName, longName] of forcing) {
    if (!src) continue;
    variables.push(
      floatVar(name, src, {
        standard_name: standardName,
        long_name: longName,
        units: "m s-1",
        coordinates: coords,
      }),
    );
  }
  return {
    dimensions: { trajectory: n, time: t.times.length },
    attributes: particlesGlobalAttributes(ctx, now),
    variables,
  };
}

/** Writes particles.nc. Returns the format written. */
export async function writeParticlesNetcdf(
  ctx: ProductContext,
  path: string,
  opts: ParticlesNetcdfOptions = {},
): Promise<"classic" | "64bit-offset" | "netcdf4"> {
  const t = ctx.trajectory;
  if (t.n < 1 || t.times.length < 1)
    throw new Error("particles.nc: the trajectory has no particles or no times");
  const file = particlesNcFile(ctx);
  const format = opts.format ?? "auto";
  if (format === "netcdf4" || (format === "auto" && ncDataBytes(file) > NETCDF4_THRESHOLD_BYTES)) {
    await writeNetcdf4(path, file, { deflateLevel: opts.deflateLevel ?? 1 });
    return "netcdf4";
  }
  const { version } = await writeNetcdf3(path, file);
  return version === 1 ? "classic" : "64bit-offset";
}
