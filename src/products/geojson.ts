// GeoJSON products (RFC 7946: WGS84 lon/lat, exterior rings counter-clockwise, holes clockwise):
// trajectories.geojson (sampled particle tracks, the contract's FeatureCollection of LineStrings with
// `trajectory_id`) and search_areas.geojson (50/90/95 % areas at every output time, centroid, most likely cell).
import { writeFile } from "node:fs/promises";
import type { ProductContext } from "./context.js";
import { wrapLon } from "./coordinates.js";
import type { Feature, FeatureCollection, LineString, Point, Position } from "./geojson-types.js";
import { isoUtc } from "./time-format.js";
import { sampleParticles, shownAt, shownSnapshots, statusName } from "./tracks.js";
import type { SearchAreaSnapshot } from "./types.js";

/** Most tracks in trajectories.geojson. */
export const MAX_TRACKS = 100;

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

function position(lon: number, lat: number): Position {
  return [round6(wrapLon(lon)), round6(lat)];
}

/**
 * Up to `maxTracks` particle tracks, spread evenly over the particles, each a LineString from release to the
 * end of the run or to deactivation. Particles shown at fewer than two times are left out (a LineString
 * needs two positions). Properties: trajectory_id (the particle number of particles.nc, 1-based), status
 * at the end of the track, release/start/end times and the time of every vertex.
 */
export function trajectoriesGeoJson(
  ctx: ProductContext,
  maxTracks = MAX_TRACKS,
): FeatureCollection<LineString> {
  const t = ctx.trajectory;
  const features: Feature<LineString>[] = [];
  // Sample among the particles that make a line, so that short-lived ones do not leave gaps in the sample.
  const candidates: number[] = [];
  for (let i = 0; i < t.n; i++) {
    let shown = 0;
    for (let k = 0; k < t.times.length && shown < 2; k++) if (shownAt(t, k, i)) shown++;
    if (shown >= 2) candidates.push(i);
  }
  for (const m of sampleParticles(candidates.length, maxTracks)) {
    const i = candidates[m];
    const ks = shownSnapshots(t, i);
    if (ks.length < 2) continue;
    const coordinates = ks.map((k) => position(t.lon[k * t.n + i], t.lat[k * t.n + i]));
    const lastK = ks[ks.length - 1];
    features.push({
      type: "Feature",
      geometry: { type: "LineString", coordinates },
      properties: {
        trajectory_id: i + 1,
        status: statusName(t.status[lastK * t.n + i]),
        release_time: isoUtc(t.releaseTime[i]),
        start_time: isoUtc(t.times[ks[0]]),
        end_time: isoUtc(t.times[lastK]),
        times: ks.map((k) => isoUtc(t.times[k])),
      },
    });
  }
  return { type: "FeatureCollection", features };
}

/**
 * Every search area (kind "search_area": time, time_index, hours_elapsed, percent, area_km2, area_nm2,
 * contained_fraction), the centroid and most likely cell of every time (kind "centroid", "most_likely") and
 * the last known position (kind "last_known_position", the start of the release); for a mission of scenarios
 * also a layer per scenario (scenarioFeatures).
 */
export function searchAreasGeoJson(
  ctx: ProductContext,
  snapshots: readonly SearchAreaSnapshot[],
): FeatureCollection {
  const features: Feature[] = [];
  const r = ctx.simulation.release;
  features.push({
    type: "Feature",
    geometry: { type: "Point", coordinates: position(r.lon[0], r.lat[0]) },
    properties: {
      kind: "last_known_position",
      time: isoUtc(r.time[0]),
      radius_m: r.radiusM[0],
      object_type: ctx.category.key,
      object_description: ctx.category.description,
    },
  });
  for (const s of snapshots) {
    const common = {
      time: isoUtc(s.time),
      time_index: s.timeIndex,
      hours_elapsed: round6(s.hoursElapsed),
    };
    features.push(...areaFeatures(s, { kind: "search_area", ...common }));
    if (s.centroidLon !== null && s.centroidLat !== null) {
      features.push(
        pointFeature(s.centroidLon, s.centroidLat, {
          kind: "centroid",
          ...common,
          counts: s.counts,
          meaning:
            "weighted mean of the afloat particles: the cloud's centre, not necessarily where it is most likely",
        }),
      );
    }
    if (s.mostLikelyLon !== null && s.mostLikelyLat !== null) {
      const m = s.mostLikely;
      features.push(
        pointFeature(s.mostLikelyLon, s.mostLikelyLat, {
          kind: "most_likely",
          ...common,
          meaning: "mode of the smoothed probability density: where the object most likely is",
          ...(m
            ? {
                radius_km: Math.round(m.radiusKm * 1000) / 1000,
                bandwidth_km: Math.round(m.bandwidthKm * 1000) / 1000,
                mode_bandwidth_km: Math.round(m.modeBandwidthKm * 1000) / 1000,
                land_share: round6(m.landShare),
              }
            : {}),
        }),
      );
    }
  }
  features.push(...scenarioFeatures(ctx));
  return { type: "FeatureCollection", features };
}

/** The 95, 90 and 50 % areas of a snapshot as features with `properties` and each area's figures. */
function areaFeatures(s: SearchAreaSnapshot, properties: Record<string, unknown>): Feature[] {
  const features: Feature[] = [];
  for (const key of ["95", "90", "50"] as const) {
    const a = s.areas[key];
    if (!a) continue;
    features.push({
      type: "Feature",
      geometry: a.geometry,
      properties: {
        ...properties,
        percent: a.percent,
        area_km2: Math.round(a.areaKm2 * 1000) / 1000,
        area_nm2: Math.round(a.areaNm2 * 1000) / 1000,
        contained_fraction: round6(a.containedFraction),
        dropped_fraction: round6(a.droppedFraction),
        pieces: a.pieces.map((q) => ({
          area_km2: Math.round(q.areaKm2 * 1000) / 1000,
          area_nm2: Math.round(q.areaNm2 * 1000) / 1000,
          probability: round6(q.probability),
        })),
      },
    });
  }
  return features;
}

/**
 * A layer per scenario (missions of two or more): its release (kind "scenario_release": a point, line or
 * polygon) and its own search areas at every time (kind "scenario_search_area"), each with `scenario` (the
 * name), `scenario_index` and `weight`.
 */
function scenarioFeatures(ctx: ProductContext): Feature[] {
  const results = ctx.scenarioResults ?? [];
  if (results.length < 2) return [];
  const features: Feature[] = [];
  for (const r of results) {
    const tag = { scenario: r.info.name, scenario_index: r.index, weight: round6(r.info.weight) };
    const rel = r.info.release;
    const line = rel.lon[0] !== rel.lon[1] || rel.lat[0] !== rel.lat[1];
    features.push({
      type: "Feature",
      geometry: rel.polygon
        ? { type: "Polygon", coordinates: [closedRing(rel.polygon.map(([x, y]) => position(x, y)))] }
        : line
          ? {
              type: "LineString",
              coordinates: [position(rel.lon[0], rel.lat[0]), position(rel.lon[1], rel.lat[1])],
            }
          : { type: "Point", coordinates: position(rel.lon[0], rel.lat[0]) },
      properties: {
        kind: "scenario_release",
        ...tag,
        object_type: r.info.category.key,
        object_description: r.info.category.description,
        particles: r.info.particles,
        time: isoUtc(rel.time[0]),
        end_time: isoUtc(rel.time[1]),
        ...(rel.polygon ? {} : { radius_m: rel.radiusM[0] }),
      },
    });
    for (const s of r.searchAreas) {
      features.push(
        ...areaFeatures(s, {
          kind: "scenario_search_area",
          ...tag,
          time: isoUtc(s.time),
          time_index: s.timeIndex,
          hours_elapsed: round6(s.hoursElapsed),
        }),
      );
    }
  }
  return features;
}

/** RFC 7946: a ring ends where it starts, exterior counter-clockwise. */
function closedRing(ring: Position[]): Position[] {
  const out =
    ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1]
      ? ring
      : [...ring, ring[0]];
  let twice = 0;
  for (let i = 0; i + 1 < out.length; i++) twice += out[i][0] * out[i + 1][1] - out[i + 1][0] * out[i][1];
  return twice < 0 ? out.slice().reverse() : out;
}

function pointFeature(lon: number, lat: number, properties: Record<string, unknown>): Feature<Point> {
  return { type: "Feature", geometry: { type: "Point", coordinates: position(lon, lat) }, properties };
}

export async function writeTrajectoriesGeoJson(ctx: ProductContext, path: string): Promise<void> {
  await writeFile(path, JSON.stringify(trajectoriesGeoJson(ctx)));
}

export async function writeSearchAreasGeoJson(
  ctx: ProductContext,
  snapshots: readonly SearchAreaSnapshot[],
  path: string,
): Promise<void> {
  await writeFile(path, JSON.stringify(searchAreasGeoJson(ctx, snapshots)));
}
