// Search areas and position estimate per output time: the highest-density regions of the smoothed density
// (kde.ts) holding 50, 90 and 95 % of the afloat particles' probability, traced into GeoJSON polygons (hdr.ts),
// the most likely position (the density's mode) and the centroid, and counts by status.
import type { ProductContext } from "./context.js";
import type { MultiPolygon, Polygon, Position } from "./geojson-types.js";
import { hdrLevels, highestDensityRegion, inRing, type Ring } from "./hdr.js";
import {
  type CellBox,
  CellLand,
  type KdeFrame,
  releaseKdeScratch,
  type SmoothedLayer,
  smoothLayer,
} from "./kde.js";
import type { Laea } from "./laea.js";
import { closedLonLatRing, projectionOf } from "./polygons.js";
import { afloatStatistics, statusCounts } from "./summary.js";
import { isoUtc } from "./time-format.js";
import type { DensityGrids, SearchAreaSnapshot } from "./types.js";

export const SEARCH_PERCENTS = [50, 90, 95] as const;
const KM2_PER_NM2 = 1.852 * 1.852;

/** Pieces and holes smaller than this many kernel footprints (π·hx·hy) are dropped, and never below 4 cells. */
export const MIN_PIECE_FOOTPRINTS = 1;
const MIN_PIECE_CELLS = 4;

/** Frame rings (cells from the lower-left cell centre) → closed lon/lat rings. */
function ringToLonLat(ring: Ring, frame: KdeFrame, proj: Laea): Position[] {
  return closedLonLatRing(ring.length / 2, (m, out) =>
    proj.inverse(
      frame.x0 + (ring[2 * m] + 0.5) * frame.cellM,
      frame.y0 + (ring[2 * m + 1] + 0.5) * frame.cellM,
      out,
    ),
  );
}

/**
 * The most likely position: the highest cell of the smoothed density (sea only), refined within the cell by a
 * parabola through it and its neighbours on each axis. Frame units.
 */
function modeOf(density: Float64Array, nx: number, box: CellBox): { x: number; y: number; cell: number } {
  // The first highest cell in row-major order; zero outside the box (cell 0 when all are zero).
  let best = 0;
  for (let j = box.j0; j <= box.j1; j++)
    for (let c = j * nx + box.i0, end = j * nx + box.i1; c <= end; c++)
      if (density[c] > density[best]) best = c;
  const i = best % nx;
  const j = (best - i) / nx;
  const vertex = (a: number, b: number, c: number) => {
    const d = a - 2 * b + c;
    return d < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / d)) : 0;
  };
  return {
    x: i + vertex(density[best - 1], density[best], density[best + 1]),
    y: j + vertex(density[best - nx], density[best], density[best + nx]),
    cell: best,
  };
}

/** Search areas, centroid, most likely position and counts for every output time. */
export function computeSearchAreas(
  ctx: ProductContext,
  grids: DensityGrids,
  onLayer?: (k: number, layer: SmoothedLayer) => void,
): SearchAreaSnapshot[] {
  const t = ctx.trajectory;
  const nt = t.times.length;
  if (grids.afloat.length !== nt) {
    throw new Error(`search areas: density grids have ${grids.afloat.length} times, the trajectory ${nt}`);
  }
  const proj = projectionOf(grids);
  const land = new CellLand(grids, ctx.landmask);
  const out: SearchAreaSnapshot[] = [];
  for (let k = 0; k < nt; k++) {
    const summary = ctx.summaries[k];
    let centroidLon: number | null;
    let centroidLat: number | null;
    if (summary && summary.time === t.times[k]) {
      centroidLon = summary.centroidLon;
      centroidLat = summary.centroidLat;
    } else {
      const s = afloatStatistics(t, k);
      centroidLon = s ? s.lon : null;
      centroidLat = s ? s.lat : null;
    }
    const layer = grids.afloatWeight[k] > 0 ? smoothLayer(ctx, grids, k, land) : null;
    const areas: SearchAreaSnapshot["areas"] = { "50": null, "90": null, "95": null };
    let mode: SearchAreaSnapshot["mostLikely"] = null;
    if (layer) {
      onLayer?.(k, layer);
      const { frame } = layer;
      const cellKm2 = (frame.cellM * frame.cellM) / 1e6;
      const hx = layer.bandwidthXM / frame.cellM;
      const hy = layer.bandwidthYM / frame.cellM;
      const minAreaCells = Math.max(MIN_PIECE_CELLS, MIN_PIECE_FOOTPRINTS * Math.PI * hx * hy);
      const levels = hdrLevels(
        layer.density,
        SEARCH_PERCENTS.map((p) => p / 100),
        { nx: frame.nx, box: layer.box },
      );
      const m = modeOf(layer.modeDensity, frame.nx, layer.modeBox);
      const g = { lon: 0, lat: 0 };
      proj.inverse(frame.x0 + (m.x + 0.5) * frame.cellM, frame.y0 + (m.y + 0.5) * frame.cellM, g);
      let radiusKm = 0;
      for (let q = 0; q < SEARCH_PERCENTS.length; q++) {
        const percent = SEARCH_PERCENTS[q];
        const region = highestDensityRegion(
          layer.density,
          frame.nx,
          frame.ny,
          levels[q],
          minAreaCells,
          layer.box,
        );
        if (region.pieces.length === 0) continue;
        const pieces = region.pieces.map((p) => ({
          geometry: {
            type: "Polygon" as const,
            coordinates: [p.exterior, ...p.holes].map((r) => ringToLonLat(r, frame, proj)),
          },
          areaKm2: p.areaCells * cellKm2,
          areaNm2: (p.areaCells * cellKm2) / KM2_PER_NM2,
          probability: p.probability,
        }));
        const geometry: Polygon | MultiPolygon =
          pieces.length === 1
            ? pieces[0].geometry
            : { type: "MultiPolygon", coordinates: pieces.map((p) => p.geometry.coordinates) };
        const areaKm2 = pieces.reduce((a, p) => a + p.areaKm2, 0);
        if (percent === 50) {
          // The piece around the mode, as a circle of equal area.
          const around = region.pieces.findIndex((p) => inRing(m.x, m.y, p.exterior));
          if (around >= 0) radiusKm = Math.sqrt(pieces[around].areaKm2 / Math.PI);
        }
        areas[String(percent) as "50" | "90" | "95"] = {
          percent,
          geometry,
          areaKm2,
          areaNm2: areaKm2 / KM2_PER_NM2,
          containedFraction: pieces.reduce((a, p) => a + p.probability, 0),
          droppedFraction: region.droppedProbability,
          droppedPieces: region.droppedPieces,
          pieces: pieces.map(({ areaKm2, areaNm2, probability }) => ({ areaKm2, areaNm2, probability })),
        };
      }
      mode = {
        lon: g.lon,
        lat: g.lat,
        radiusKm,
        bandwidthKm: Math.sqrt(layer.bandwidthXM * layer.bandwidthYM) / 1000,
        modeBandwidthKm: layer.modeBandwidthM / 1000,
        landShare: layer.landShare,
      };
    }
    out.push({
      timeIndex: k,
      time: t.times[k],
      hoursElapsed: (t.times[k] - ctx.simulation.startTime) / 3600,
      centroidLon,
      centroidLat,
      mostLikelyLon: mode ? mode.lon : null,
      mostLikelyLat: mode ? mode.lat : null,
      mostLikely: mode,
      counts: statusCounts(t, k),
      areas,
    });
  }
  releaseKdeScratch();
  return out;
}

type Geom = Polygon | MultiPolygon | null;

/** The values of the contract's mission_results row (snake_case, as stored). */
export interface MissionResultFields {
  centroid_lat: number | null;
  centroid_lon: number | null;
  /** RFC 3339 UTC; the column is TIMESTAMP without time zone, UTC by convention. */
  centroid_time: string | null;
  search_area_50_geom: Geom;
  search_area_90_geom: Geom;
  search_area_95_geom: Geom;
  timestep_contours: {
    time_index: number;
    timestamp: string;
    hours_elapsed: number;
    centroid_lat: number | null;
    centroid_lon: number | null;
    search_area_50_geom: Geom;
    search_area_90_geom: Geom;
  }[];
  particle_count: number;
  stranded_count: number;
}

/**
 * mission_results values from the search-area snapshots. Centroid and search areas are those of the final
 * time, or of the last time with particles afloat when none is afloat at the end; particle_count is the
 * number of particles simulated, stranded_count the number stranded at the final time.
 */
export function toMissionResultFields(snapshots: readonly SearchAreaSnapshot[]): MissionResultFields {
  if (snapshots.length === 0) throw new Error("mission results: no search-area snapshots");
  const last = snapshots[snapshots.length - 1];
  let pick = last;
  for (let k = snapshots.length - 1; k >= 0; k--) {
    if (snapshots[k].centroidLat !== null) {
      pick = snapshots[k];
      break;
    }
  }
  const round = (v: number | null, digits = 6) => (v === null ? null : Number(v.toFixed(digits)));
  return {
    centroid_lat: round(pick.centroidLat),
    centroid_lon: round(pick.centroidLon),
    centroid_time: pick.centroidLat !== null ? isoUtc(pick.time) : null,
    search_area_50_geom: pick.areas["50"]?.geometry ?? null,
    search_area_90_geom: pick.areas["90"]?.geometry ?? null,
    search_area_95_geom: pick.areas["95"]?.geometry ?? null,
    timestep_contours: snapshots.map((s) => ({
      time_index: s.timeIndex,
      timestamp: isoUtc(s.time),
      hours_elapsed: Number(s.hoursElapsed.toFixed(6)),
      centroid_lat: round(s.centroidLat),
      centroid_lon: round(s.centroidLon),
      search_area_50_geom: s.areas["50"]?.geometry ?? null,
      search_area_90_geom: s.areas["90"]?.geometry ?? null,
    })),
    particle_count: Object.values(last.counts).reduce((a, b) => a + b, 0),
    stranded_count: last.counts.stranded ?? 0,
  };
}
