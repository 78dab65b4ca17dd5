// Shared shapes of the simulation core. Everything here is plain data: the core never does I/O.
import type { WasmKernels } from "./wasm/kernels.js";

/** Particle status codes, stored in a Uint8Array and written to particles.nc as CF flags. */
export const Status = {
  active: 0,
  stranded: 1,
  missing_data: 2,
  outside_domain: 3,
  /** Not yet released at this time (written as fill value in outputs). */
  unreleased: 255,
} as const;
export type StatusCode = (typeof Status)[keyof typeof Status];
/** The statuses that appear in outputs, in flag order. */
export const STATUS_FLAGS: readonly { value: number; meaning: string }[] = [
  { value: Status.active, meaning: "active" },
  { value: Status.stranded, meaning: "stranded" },
  { value: Status.missing_data, meaning: "missing_data" },
  { value: Status.outside_domain, meaning: "outside_domain" },
];

/**
 * A source of one vector variable (10 m wind or surface current), eastward/northward in m/s.
 * Sources are chained by priority: each serves the particles it covers and clears their `need` flag.
 */
export interface ForcingSource {
  /** Human-readable name for messages and provenance, e.g. "constant 0,-10 m/s" or a file name. */
  readonly name: string;
  /** Time coverage in Unix seconds; [-Infinity, Infinity] for constant sources. */
  readonly timeRange: readonly [number, number];
  /** Human-readable area coverage for error messages ("lon 10..20 E, lat 60..70 N"). */
  readonly coverageText: string;
  /**
   * Fill u[i], v[i] (m/s east and north) for every i < count with need[i] === 1 that this source
   * covers at Unix time `time`, and set need[i] = 0 for those. Particles outside the source's area or
   * time range keep need[i] === 1. Must not allocate per call in the hot path.
   */
  sample(
    time: number,
    lon: Float64Array,
    lat: Float64Array,
    count: number,
    need: Uint8Array,
    u: Float64Array,
    v: Float64Array,
  ): void;
  /**
   * Like sample(), reading the positions with the sines and cosines of latitude and longitude that the
   * step loop carries (projected grids then need no trig calls). Optional: without it the loop calls
   * sample(). Must give the same result as sample() up to rounding.
   */
  samplePositions?(
    time: number,
    positions: Positions,
    count: number,
    need: Uint8Array,
    u: Float64Array,
    v: Float64Array,
  ): void;
  /** Optional provenance for products (files, model names, time coverage). */
  readonly provenance?: Record<string, string | number>;
  /**
   * Load what the run will need (time steps and sub-area) before the synchronous step loop starts.
   * Gridded sources read file slices here; constant sources omit it.
   */
  prepare?(window: ForcingWindow): Promise<void>;
}

/** Particle positions in degrees, with the sines and cosines of latitude and longitude. */
export interface Positions {
  lon: Float64Array;
  lat: Float64Array;
  sinLat: Float64Array;
  cosLat: Float64Array;
  sinLon: Float64Array;
  cosLon: Float64Array;
  /**
   * The WebAssembly kernels on the memory these arrays live in (null: plain arrays). When set, the scratch
   * and output arrays handed over with the positions (need, u, v) live in that memory too.
   */
  kernels?: WasmKernels | null;
}

/** The area and time a run can reach, used to read only the needed part of forcing and land data. */
export interface ForcingWindow {
  /** Unix seconds, start <= end whatever the direction of the run. */
  start: number;
  end: number;
  west: number;
  east: number;
  south: number;
  north: number;
}

/** The forcing a simulation runs on: chains of sources, highest priority first. */
export interface ForcingSet {
  wind: ForcingSource[];
  current: ForcingSource[];
  /** What the catalog holds for a variable it found nothing for in the run's window (for messages). */
  catalogText?: Partial<Record<"wind" | "current", string>>;
}

/** Answers whether points are land; the coastline adapter implements it. */
export interface LandMask {
  /** True where (lon, lat) is land. Called per particle per step: must be a few array reads. */
  isLand(lon: number, lat: number): boolean;
  /** Nearest sea point within maxDistanceM (for particles released on land), or null. */
  nearestSea(
    lon: number,
    lat: number,
    maxDistanceM: number,
  ): { lon: number; lat: number; distanceM: number } | null;
  readonly name: string;
  /** The mask as 1° bins of rasters, for the WebAssembly coastline kernel (raster masks only). */
  readonly raster?: LandRaster;
}

/** A land mask made of 1° bins (row from the north pole × 360 + column east of 0°), coastal ones rasters. */
export interface LandRaster {
  cellsPerDegree: number;
  /** Blocks of 64 × 64 cells per side of a bin. */
  blockSide: number;
  /** Per bin: 0 sea, 1 land, 2 coastal (has a raster). */
  binStates: Uint8Array;
  /**
   * The raster of the coastal bin holding (lon, lat), loaded if needed, or null when that bin is wholly land
   * or sea: per block SEA_BLOCK (−1), LAND_BLOCK (−2) or the byte offset of its 64 × 64 bits (rows of 8
   * bytes) in `bits`.
   */
  tileAt(lon: number, lat: number): { bin: number; blocks: Int32Array; bits: Uint8Array } | null;
}

export type CoastlineRule = "stranding" | "previous" | "none";
export type RadiusType = "gaussian" | "uniform";

/**
 * A release ("seed"): a point, or a line between two points ("cone"), or an area (polygon), over a time
 * window.
 */
export interface Release {
  lon: [number, number];
  lat: [number, number];
  /** Unix seconds; equal for an instantaneous release. */
  time: [number, number];
  radiusM: [number, number];
  radiusType: RadiusType;
  number: number;
  /**
   * Release area: lon/lat vertices; positions uniform inside it (lon/lat are then its centre and radiusM
   * the distance to its farthest vertex, for the forcing window; no further perturbation).
   */
  polygon?: [number, number][];
}

export interface CapsizeSettings {
  enabled: boolean;
  windThreshold: number;
  windThresholdSigma: number;
  leewayFraction: number;
}

/** A validated simulation, with defaults applied and times as Unix seconds. */
export interface Simulation {
  name: string;
  objectTypeId: number;
  startTime: number;
  /** Signed; negative for backtracking. */
  durationSeconds: number;
  /** Signed, same sign as the duration. */
  timeStepSeconds: number;
  /** Positive multiple of |timeStepSeconds|. */
  outputStepSeconds: number;
  release: Release;
  randomSeed: number;
  jibeProbability: number;
  capsizing: CapsizeSettings;
  coastline: CoastlineRule;
  /**
   * "opendrift": reproduce OpenDrift where it deviates from the exact method (float32 seed positions;
   * the forcing adapters read ROMS grids as its reader_ROMS_native does). Default "exact".
   */
  compatibility?: Compatibility;
}

export type Compatibility = "exact" | "opendrift";

/** Per-output-time statistics written to summary.json and used by products. */
export interface SnapshotSummary {
  time: number;
  counts: Record<string, number>;
  /**
   * Share of the particles' total weight by status (the probability the object is afloat, stranded, …), same
   * keys as counts; counts over the particle number when every particle weighs 1.
   */
  shares?: Record<string, number>;
  centroidLon: number | null;
  centroidLat: number | null;
  /** Standard deviation east and north, km. */
  stdEastKm: number | null;
  stdNorthKm: number | null;
}
