// Weighted scenarios: a mission of several releases ("the raft at the last known position, or the person
// who left it an hour later 5 km east"), each with its own object type and a weight. Validated here into
// one core Simulation per scenario: the mission's settings, the scenario's release, object type, particle
// count and random seed. Each runs as its own simulation (scenario-run.ts), so its particles are exactly
// those of a one-scenario run of it.
import { z } from "zod";
import { geodesicInverse } from "../core/geodesy.js";
import { findObjectCategory, type ObjectCategory, UnknownObjectTypeError } from "../core/objects.js";
import { ringAreaM2 } from "../core/rings.js";
import type { Release, Simulation } from "../core/types.js";
import {
  finite,
  latitude,
  longitude,
  pair,
  radiusM,
  radiusType,
  releaseTimes,
  rfc3339,
  type SpecIssue,
  toPair,
} from "./spec-fields.js";

export const MAX_SCENARIOS = 20;
const MAX_POLYGON_VERTICES = 1000;

const releaseSchema = z.strictObject({
  lon: pair(longitude).optional(),
  lat: pair(latitude).optional(),
  polygon: z
    .array(z.tuple([longitude, latitude], { error: "each vertex must be [lon, lat]" }))
    .min(3, "must have at least 3 vertices [lon, lat]")
    .max(MAX_POLYGON_VERTICES, `must have at most ${MAX_POLYGON_VERTICES} vertices`)
    .optional(),
  time: pair(rfc3339).optional(),
  radius_m: radiusM.optional(),
  radius_type: radiusType,
});

export const scenarioSchema = z.strictObject({
  name: z.string().min(1, "must not be empty").max(100, "must be at most 100 characters").optional(),
  weight: finite("relative probability").positive("must be positive").default(1),
  object_type: z.union([z.number().int(), z.string().min(1)]).optional(),
  release: releaseSchema,
});
export const scenariosSchema = z
  .array(scenarioSchema)
  .min(1, "must hold at least one scenario")
  .max(MAX_SCENARIOS, `must hold at most ${MAX_SCENARIOS} scenarios`);
export type ScenarioSpec = z.infer<typeof scenarioSchema>;

/** One scenario, validated: its share of the probability and its own run. */
export interface ScenarioPlan {
  name: string;
  /** Share of the probability: the weights normalised to sum 1. */
  weight: number;
  category: ObjectCategory;
  /** The scenario's own run: the mission's settings with its release, object type, particles and seed. */
  simulation: Simulation;
  /**
   * Weight of each of its particles, weight × all particles ÷ its particles (about 1): its particles weigh
   * exactly its share of the probability whatever the rounding of its particle count.
   */
  particleWeight: number;
}

/**
 * Particles per scenario: in proportion to the weights (largest remainders), at least one each. The caller
 * checks total ≥ number of weights.
 */
export function splitParticles(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, k) => [x - Math.floor(x), k]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let r = total - counts.reduce((s, c) => s + c, 0), j = 0; r > 0; r--, j++) counts[order[j][1]]++;
  for (let k = 0; k < counts.length; k++) {
    if (counts[k] > 0) continue;
    const largest = counts.indexOf(Math.max(...counts));
    counts[largest]--;
    counts[k]++;
  }
  return counts;
}

/**
 * The scenarios of a mission as runs: `mission` holds the mission's settings (its release is replaced),
 * `objectType` is the default object type and `total` the number of particles of the whole mission.
 * Problems go to `issues` (paths from "scenarios"); returns null when there are any.
 */
export function planScenarios(
  scenarios: readonly ScenarioSpec[],
  mission: Simulation,
  startTimeText: string,
  objectType: number | string,
  total: number,
  issues: SpecIssue[],
): ScenarioPlan[] | null {
  const before = issues.length;
  if (total < scenarios.length) {
    issues.push({
      path: "seed.number",
      message: `must be at least the number of scenarios (${scenarios.length})`,
    });
  }
  const names = new Set<string>();
  const parts = scenarios.map((s, k) => {
    const at = `scenarios.${k}`;
    const name = s.name ?? `scenario ${k + 1}`;
    if (names.has(name))
      issues.push({ path: `${at}.name`, message: `"${name}" is the name of an earlier scenario` });
    names.add(name);
    let category: ObjectCategory | undefined;
    try {
      category = findObjectCategory(s.object_type ?? objectType);
    } catch (error) {
      if (!(error instanceof UnknownObjectTypeError)) throw error;
      issues.push({ path: `${at}.object_type`, message: error.message });
    }
    const time = releaseTimes(
      s.release.time,
      startTimeText,
      mission.durationSeconds,
      `${at}.release.time`,
      issues,
    );
    const release = releaseOf(s.release, time, `${at}.release`, issues);
    return { name, category, release };
  });
  if (issues.length > before) return null;

  const counts = splitParticles(
    total,
    scenarios.map((s) => s.weight),
  );
  const sum = scenarios.reduce((s, x) => s + x.weight, 0);
  return parts.map(({ name, category, release }, k) => {
    const weight = scenarios[k].weight / sum;
    const c = category as ObjectCategory;
    return {
      name,
      weight,
      category: c,
      particleWeight: (weight * total) / counts[k],
      simulation: {
        ...mission,
        objectTypeId: c.id,
        release: { ...(release as Omit<Release, "number">), number: counts[k] },
        // Scenario k draws from its own stream: a one-scenario run of it with random_seed + k has its particles.
        randomSeed: (mission.randomSeed + k) >>> 0,
      },
    };
  });
}

/** A scenario's release (without its particle count): a point or line with a radius, or a polygon. */
function releaseOf(
  r: ScenarioSpec["release"],
  time: [number, number],
  at: string,
  issues: SpecIssue[],
): Omit<Release, "number"> | null {
  if (r.polygon) {
    for (const key of ["lon", "lat", "radius_m"] as const) {
      if (r[key] !== undefined)
        issues.push({ path: `${at}.${key}`, message: "not used with a polygon: give one or the other" });
    }
    const ring = r.polygon.map(([lon, lat]) => [lon, lat] as [number, number]);
    const lons = ring.map((v) => v[0]);
    const lats = ring.map((v) => v[1]);
    if (Math.max(...lons) - Math.min(...lons) >= 180) {
      issues.push({ path: `${at}.polygon`, message: "must span less than 180° of longitude" });
      return null;
    }
    if (ringAreaM2(ring) < 1) {
      issues.push({ path: `${at}.polygon`, message: "must enclose an area (its vertices lie on a line)" });
      return null;
    }
    const lon = (Math.min(...lons) + Math.max(...lons)) / 2;
    const lat = (Math.min(...lats) + Math.max(...lats)) / 2;
    const reach = Math.max(...ring.map(([x, y]) => geodesicInverse(lat, lon, y, x).distM));
    return {
      lon: [lon, lon],
      lat: [lat, lat],
      time,
      radiusM: [reach, reach],
      radiusType: "uniform",
      polygon: ring,
    };
  }
  if (r.lon === undefined || r.lat === undefined) {
    for (const key of ["lon", "lat"] as const) {
      if (r[key] === undefined)
        issues.push({ path: `${at}.${key}`, message: "required (or give a polygon)" });
    }
    return null;
  }
  return {
    lon: toPair(r.lon),
    lat: toPair(r.lat),
    time,
    radiusM: toPair(r.radius_m ?? 0),
    radiusType: r.radius_type,
  };
}
