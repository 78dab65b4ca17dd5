// Search areas and position estimate per output time: the smallest sets of sea cells holding 50, 90 and 95 %
// of the afloat particles (by weight), traced into GeoJSON polygons, plus centroid, most probable cell and counts by status.
import type { ProductContext } from "./context.js";
import type { MultiPolygon, Polygon } from "./geojson-types.js";
import { cellsToGeometry, projectionOf } from "./polygons.js";
import { afloatStatistics, statusCounts } from "./summary.js";
import { isoUtc } from "./time-format.js";
import type { DensityGrids, SearchArea, SearchAreaSnapshot } from "./types.js";

export const SEARCH_PERCENTS = [50, 90, 95] as const;
const KM2_PER_NM2 = 1.852 * 1.852;

/**
 * The smallest sets of cells of layer `k` whose afloat weight reaches each of `percents` % of the afloat
 * particles' weight: cells by weight, highest first (the greedy choice is optimal for "fewest cells reaching a
 * sum"); among cells of the threshold weight, those nearest to `centre` (grid cell i, j) first, which keeps
 * areas compact. Land cells never enter. Returns, per percent, the cell indices and the weight they hold
 * (with every particle weighing 1: the particles they hold).
 */
export function smallestCellSets(
  grids: DensityGrids,
  k: number,
  percents: readonly number[],
  centre?: { i: number; j: number },
): { cells: number[]; weight: number }[] {
  const cells = grids.nx * grids.ny;
  const base = k * cells;
  const total = grids.afloatWeight[k];
  if (!(total > 0)) return percents.map(() => ({ cells: [], weight: 0 }));
  // The sea cells' weights, ascending: read from the end, equal weights form one group of the threshold search.
  let held = 0;
  for (let c = 0; c < cells; c++) if (grids.weight[base + c] > 0 && !grids.land[c]) held++;
  const sorted = new Float64Array(held);
  held = 0;
  for (let c = 0; c < cells; c++) {
    const v = grids.weight[base + c];
    if (v > 0 && !grids.land[c]) sorted[held++] = v;
  }
  sorted.sort();
  const plans = percents.map((percent) => {
    // With whole-number weights, reaching target is reaching ceil(target): the same cells as a count.
    const target = (percent / 100) * total - 1e-9;
    let cum = 0;
    for (let end = sorted.length; end > 0; ) {
      const v = sorted[end - 1];
      let start = end - 1;
      while (start > 0 && sorted[start - 1] === v) start--;
      const count = end - start;
      if (cum + count * v >= target) {
        // The fewest cells of weight v that reach the target.
        let need = Math.max(1, Math.ceil((target - cum) / v));
        while (need > 1 && cum + (need - 1) * v >= target) need--;
        while (need < count && cum + need * v < target) need++;
        return { threshold: v, need, cum };
      }
      cum += count * v;
      end = start;
    }
    // Cannot happen: cells holding afloat particles are never land.
    throw new Error(
      `search area ${percent} % at time index ${k}: sea cells hold only ${cum} of ${total} (afloat weight)`,
    );
  });
  const nx = grids.nx;
  return plans.map((p) => {
    // Every cell above the threshold weight, then the `need` cells at it nearest to the centre.
    const chosen: number[] = [];
    const ties: number[] = [];
    for (let c = 0; c < cells; c++) {
      const v = grids.weight[base + c];
      if (v < p.threshold || grids.land[c]) continue;
      if (v > p.threshold) chosen.push(c);
      else ties.push(c);
    }
    if (ties.length > p.need && centre) {
      // Sort keys distance² · cells + index: exact integers, native numeric sort.
      const keys = new Float64Array(ties.length);
      for (let m = 0; m < ties.length; m++) {
        const c = ties[m];
        const di = (c % nx) - centre.i;
        const dj = (c - (c % nx)) / nx - centre.j;
        keys[m] = (di * di + dj * dj) * cells + c;
      }
      keys.sort();
      for (let m = 0; m < p.need; m++) chosen.push(keys[m] % cells);
    } else {
      for (let m = 0; m < p.need; m++) chosen.push(ties[m]);
    }
    return { cells: chosen, weight: p.cum + p.need * p.threshold };
  });
}

/** One percent of smallestCellSets. */
export function smallestCellSet(
  grids: DensityGrids,
  k: number,
  percent: number,
  centre?: { i: number; j: number },
): { cells: number[]; weight: number } {
  return smallestCellSets(grids, k, [percent], centre)[0];
}

/** Grid cell (i, j) containing a lon/lat position (clamped to the grid). */
function cellOf(grids: DensityGrids, lon: number, lat: number): { i: number; j: number } {
  const p = { x: 0, y: 0 };
  projectionOf(grids).forward(lon, lat, p);
  const i = Math.floor((p.x - (grids.x[0] - grids.cellM / 2)) / grids.cellM);
  const j = Math.floor((p.y - (grids.y[0] - grids.cellM / 2)) / grids.cellM);
  return { i: Math.max(0, Math.min(grids.nx - 1, i)), j: Math.max(0, Math.min(grids.ny - 1, j)) };
}

/** Search areas, centroid, most probable cell and counts for every output time. */
export function computeSearchAreas(ctx: ProductContext, grids: DensityGrids): SearchAreaSnapshot[] {
  const t = ctx.trajectory;
  const nt = t.times.length;
  const cells = grids.nx * grids.ny;
  if (grids.afloat.length !== nt) {
    throw new Error(`search areas: density grids have ${grids.afloat.length} times, the trajectory ${nt}`);
  }
  const cellKm2 = (grids.cellM * grids.cellM) / 1e6;
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
    const base = k * cells;
    let best = -1;
    for (let c = 0; c < cells; c++) {
      if (grids.weight[base + c] > 0 && (best < 0 || grids.weight[base + c] > grids.weight[base + best]))
        best = c;
    }
    const afloat = grids.afloatWeight[k];
    const centre =
      centroidLon !== null && centroidLat !== null && afloat > 0
        ? cellOf(grids, centroidLon, centroidLat)
        : undefined;
    const areas: SearchAreaSnapshot["areas"] = { "50": null, "90": null, "95": null };
    if (afloat > 0) {
      const sets = smallestCellSets(grids, k, SEARCH_PERCENTS, centre);
      for (let m = 0; m < SEARCH_PERCENTS.length; m++) {
        const percent = SEARCH_PERCENTS[m];
        const set = sets[m];
        const geometry = cellsToGeometry(set.cells, grids);
        if (!geometry) continue;
        const areaKm2 = set.cells.length * cellKm2;
        const area: SearchArea = {
          percent,
          geometry,
          areaKm2,
          areaNm2: areaKm2 / KM2_PER_NM2,
          containedFraction: set.weight / afloat,
        };
        areas[String(percent) as "50" | "90" | "95"] = area;
      }
    }
    out.push({
      timeIndex: k,
      time: t.times[k],
      hoursElapsed: (t.times[k] - ctx.simulation.startTime) / 3600,
      centroidLon,
      centroidLat,
      mostLikelyLon: best >= 0 ? grids.lon[best] : null,
      mostLikelyLat: best >= 0 ? grids.lat[best] : null,
      counts: statusCounts(t, k),
      areas,
    });
  }
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
