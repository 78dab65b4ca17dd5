// Shapes shared by the product writers: what the analysis of a finished run produces.
import type { ObjectCategory } from "../core/objects.js";
import type { Release } from "../core/types.js";
import type { MultiPolygon, Polygon } from "./geojson-types.js";

/** Search areas and position estimate at one output time. */
export interface SearchAreaSnapshot {
  timeIndex: number;
  /** Unix seconds. */
  time: number;
  hoursElapsed: number;
  centroidLon: number | null;
  centroidLat: number | null;
  /** The most likely position (mostLikely's lon/lat), null when nothing is afloat. */
  mostLikelyLon: number | null;
  mostLikelyLat: number | null;
  /** The mode of the smoothed density and what it rests on; null when nothing is afloat. */
  mostLikely: MostLikelyPosition | null;
  counts: Record<string, number>;
  /** Keyed by percentage: 50, 90, 95. Null when no particle is afloat. */
  areas: Record<"50" | "90" | "95", SearchArea | null>;
}

/** The mode of the smoothed probability density (where a crew would search first). */
export interface MostLikelyPosition {
  lon: number;
  lat: number;
  /** Radius of a circle as large as the 50 % area's piece around the mode, km (0 when none holds it). */
  radiusKm: number;
  /** Kernel bandwidth of the density (geometric mean of the two axes), km. */
  bandwidthKm: number;
  /** The wider bandwidth the mode is read with (n^(-1/8) instead of n^(-1/6): a derivative's rate), km. */
  modeBandwidthKm: number;
  /** Share of the kernel mass that fell on land and was given back to the sea cells. */
  landShare: number;
}

export interface SearchArea {
  percent: number;
  geometry: Polygon | MultiPolygon;
  areaKm2: number;
  areaNm2: number;
  /** Probability inside (of the smoothed density): about percent/100, less what small pieces dropped. */
  containedFraction: number;
  /** Probability of the pieces dropped as smaller than the minimum area. */
  droppedFraction: number;
  droppedPieces: number;
  /** Each piece (polygon) of the geometry, in its order: area and the probability it holds. */
  pieces: { areaKm2: number; areaNm2: number; probability: number }[];
}

/**
 * Particle counts and weights on a regular grid in metres around the cloud, one layer per output time. The grid is in
 * a local Lambert azimuthal equal-area projection centred on the cloud (`proj4`), so every cell has the
 * same area. Computed once by src/products/density.ts and used by density.nc, search areas and pictures.
 */
export interface DensityGrids {
  proj4: string;
  cellM: number;
  nx: number;
  ny: number;
  /** Projected coordinates of cell centres, metres. */
  x: Float64Array;
  y: Float64Array;
  /** Cell-centre lon/lat, ny*nx row-major. */
  lon: Float64Array;
  lat: Float64Array;
  /** 1 where the cell centre is land (when a land mask was given), else 0; ny*nx. */
  land: Uint8Array;
  /** Afloat (active) particle counts per time: times*ny*nx, time-major. */
  counts: Uint32Array;
  /** Stranded particle counts per time, same layout. */
  stranded: Uint32Array;
  /** Number of afloat particles per time. */
  afloat: Uint32Array;
  /**
   * Summed weight (Trajectory.weight) of the afloat particles per cell and time, same layout as counts: the
   * probability of a cell is its weight over afloatWeight. Equal to counts when every particle weighs 1.
   */
  weight: Float64Array;
  /** Summed weight of the afloat particles per time (the denominator of the probability). */
  afloatWeight: Float64Array;
}

/** A scenario as the products know it (from the validated spec). */
export interface ScenarioInfo {
  name: string;
  /** Share of the mission's probability (the weights normalised to sum 1). */
  weight: number;
  category: ObjectCategory;
  /** Its particles (Trajectory.scenario = its index). */
  particles: number;
  release: Omit<Release, "number">;
}

/** A scenario on its own. */
export interface ScenarioResult {
  index: number;
  info: ScenarioInfo;
  /** Share of the mission's probability that is this scenario and afloat, stranded, at the last output time. */
  afloatWeight: number;
  strandedWeight: number;
  /** Its own search areas at every output time (its particles only, normalised to its own probability). */
  searchAreas: SearchAreaSnapshot[];
}
