// Each scenario of a mission on its own: its particles (Trajectory.scenario; with an ensemble, in every member) analysed like a
// run of their own (density, search areas, most likely position), and its share of the mission's probability
// afloat and stranded. summary.json's `scenarios` table, the per-scenario layers of search_areas.geojson and
// the KML, the report's table and the page read these.
import { selectParticles } from "../core/trajectory-merge.js";
import { Status } from "../core/types.js";
import type { ProductContext } from "./context.js";
import { computeDensity } from "./density.js";
import { computeSearchAreas } from "./search-areas.js";
import { buildSnapshotSummaries } from "./summary.js";
import type { ScenarioResult } from "./types.js";

/**
 * Each scenario analysed on its own (one scenario: the mission's own analysis, not repeated); without
 * `withAreas` only its shares (no search areas).
 */
export function analyseScenarios(ctx: ProductContext, withAreas = true): ScenarioResult[] {
  const scenarios = ctx.scenarios ?? [];
  const t = ctx.trajectory;
  const o = (t.times.length - 1) * t.n;
  const members: number[][] = scenarios.map(() => []);
  const afloat = new Float64Array(scenarios.length);
  const stranded = new Float64Array(scenarios.length);
  let total = 0;
  for (let i = 0; i < t.n; i++) {
    const k = t.scenario[i];
    members[k]?.push(i);
    total += t.weight[i];
    if (t.status[o + i] === Status.active) afloat[k] += t.weight[i];
    else if (t.status[o + i] === Status.stranded) stranded[k] += t.weight[i];
  }
  return scenarios.map((info, index) => {
    let searchAreas = withAreas ? (ctx.searchAreas ?? []) : [];
    if (withAreas && scenarios.length > 1 && members[index].length > 0) {
      const own = selectParticles(t, Uint32Array.from(members[index]));
      const sub: ProductContext = {
        ...ctx,
        category: info.category,
        trajectory: own,
        summaries: buildSnapshotSummaries(own),
        searchAreas: undefined,
        scenarios: undefined,
      };
      searchAreas = computeSearchAreas(sub, computeDensity(sub));
    }
    return {
      index,
      info,
      afloatWeight: total > 0 ? afloat[index] / total : 0,
      strandedWeight: total > 0 ? stranded[index] / total : 0,
      searchAreas,
    };
  });
}

/** A row of summary.json's `scenarios` (at the last output time; areas null when not computed). */
export interface ScenarioRow {
  index: number;
  name: string;
  weight: number;
  objectType: { id: number; key: string; description: string };
  particleCount: number;
  afloatWeight: number;
  strandedWeight: number;
  searchAreaKm2: Record<"50" | "90" | "95", number | null>;
  mostLikely: { lon: number; lat: number } | null;
}

/** summary.json's `scenarios`: one row per scenario, its areas and most likely position at the last time. */
export function scenarioTable(results: readonly ScenarioResult[]): ScenarioRow[] {
  const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
  return results.map((r) => {
    const end = r.searchAreas[r.searchAreas.length - 1];
    const area = (key: "50" | "90" | "95") => {
      const a = end?.areas[key];
      return a ? round(a.areaKm2, 3) : null;
    };
    return {
      index: r.index,
      name: r.info.name,
      weight: round(r.info.weight, 6),
      objectType: {
        id: r.info.category.id,
        key: r.info.category.key,
        description: r.info.category.description,
      },
      particleCount: r.info.particles,
      afloatWeight: round(r.afloatWeight, 6),
      strandedWeight: round(r.strandedWeight, 6),
      searchAreaKm2: { "50": area("50"), "90": area("90"), "95": area("95") },
      mostLikely:
        end?.mostLikelyLon != null && end.mostLikelyLat != null
          ? { lon: round(end.mostLikelyLon, 6), lat: round(end.mostLikelyLat, 6) }
          : null,
    };
  });
}
