// The plan as the files tell it: one document (plan.json) from which the GPX routes, the KML, the CSV of
// waypoints in degrees-minutes and the tasking page are all written, so every file tells the same story.
import { isoUtc } from "../products/time-format.js";
import type { Cloud } from "./cloud.js";
import { type LocalFrame, METRES_PER_NM, toLat, toLon } from "./frame.js";
import { pathLength, rectCorners } from "./patterns.js";
import type { SearchPlan } from "./plan.js";
import type { UnitSetup } from "./units.js";

const r6 = (v: number) => Math.round(v * 1e6) / 1e6;
const r3 = (v: number) => Math.round(v * 1e3) / 1e3;
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

export interface Waypoint {
  lon: number;
  lat: number;
  time: string;
}

export interface UnitPlanDocument {
  name: string;
  platform: string;
  pattern: string;
  speed_kn: number;
  start: string;
  end: string;
  conditions: UnitSetup["conditions"];
  sweep_width_nm: { uncorrected: number; weather: number; speed: number; fatigue: number; corrected: number };
  track_spacing_nm: number;
  coverage: number;
  area: {
    reference_time: string;
    corners: [number, number][];
    centre: [number, number];
    length_nm: number;
    width_nm: number;
    area_nm2: number;
    /** True bearing of the major axis (legs of a parallel sweep run along it), degrees 0–180. */
    major_axis_deg: number;
  };
  commence_search_point: [number, number];
  track_nm: number;
  waypoints: Waypoint[];
  /** Probability the object is in the area at the reference time. */
  poc: number;
  /** Probability of detecting it if it is in the area. */
  pod: number;
  /** This unit's probability of success alone. */
  pos: number;
}

export interface PlanDocument {
  kind: "driftline-search-plan";
  mission: string;
  run: string;
  created: string;
  software: string;
  window: { from: string; to: string };
  search_object: string;
  lateral_range: string;
  method: SearchPlan["method"];
  /** Probability that the plan finds the object (all units, detection along the moving particles). */
  joint_pos: number;
  /** The same effort split evenly over the cloud's 5–95 % box. */
  even_split_pos: number;
  /** POS of the searches already done (revision.json), 0 before any. */
  cumulative_pos_before: number;
  particles: number;
  units: UnitPlanDocument[];
}

const lonLat = (f: LocalFrame, x: number, y: number): [number, number] => [r6(toLon(f, x)), r6(toLat(f, y))];

export function planDocument(
  plan: SearchPlan,
  setups: UnitSetup[],
  cloud: Cloud,
  meta: {
    mission: string;
    run: string;
    software: string;
    from: number;
    to: number;
    object: string;
    lateralRange: string;
    cumulativePosBefore: number;
    now?: number;
  },
): PlanDocument {
  const f = cloud.frame;
  return {
    kind: "driftline-search-plan",
    mission: meta.mission,
    run: meta.run,
    created: isoUtc(meta.now ?? Date.now() / 1000),
    software: meta.software,
    window: { from: isoUtc(meta.from), to: isoUtc(meta.to) },
    search_object: meta.object,
    lateral_range: meta.lateralRange,
    method: plan.method,
    joint_pos: r4(plan.jointPos),
    even_split_pos: r4(plan.evenSplitPos),
    cumulative_pos_before: r4(meta.cumulativePosBefore),
    particles: cloud.n,
    units: plan.units.map((u, j) => {
      const s = setups[j];
      const t = u.track;
      const corners = rectCorners(u.rect).map(([x, y]) => lonLat(f, x, y));
      const bearing = (((90 - (u.rect.angle * 180) / Math.PI) % 180) + 180) % 180;
      return {
        name: s.unit.name,
        platform: s.unit.platform,
        pattern: u.effort.pattern,
        speed_kn: s.unit.speed_kn,
        start: isoUtc(u.effort.start),
        end: isoUtc(u.effort.end),
        conditions: s.conditions,
        sweep_width_nm: {
          uncorrected: r3(s.sweep.uncorrectedNm),
          weather: s.sweep.weather,
          speed: r3(s.sweep.speed),
          fatigue: s.sweep.fatigue,
          corrected: r3(s.sweep.nm),
        },
        track_spacing_nm: r3(u.spacingM / METRES_PER_NM),
        coverage: r3(u.coverage),
        area: {
          reference_time: isoUtc(u.refTime),
          corners,
          centre: lonLat(f, u.rect.cx, u.rect.cy),
          length_nm: r3(u.rect.length / METRES_PER_NM),
          width_nm: r3(u.rect.width / METRES_PER_NM),
          area_nm2: r3((u.rect.length * u.rect.width) / METRES_PER_NM ** 2),
          major_axis_deg: Math.round(bearing * 10) / 10,
        },
        commence_search_point: lonLat(f, t.x[0], t.y[0]),
        track_nm: r3(pathLength(Array.from(t.x), Array.from(t.y)) / METRES_PER_NM),
        waypoints: Array.from(t.times, (time, k) => {
          const [lon, lat] = lonLat(f, t.x[k], t.y[k]);
          return { lon, lat, time: isoUtc(time) };
        }),
        poc: r4(u.poc),
        pod: r4(u.pod),
        pos: r4(u.pos),
      };
    }),
  };
}
