// How many of a mission's particles start on land (issue 24 item 4): the admission charges each of them
// LAND_PARTICLE_STEPS. A sample of at most SAMPLE particles is seeded with the run's own seeding (point,
// line, radius, polygon; per scenario in proportion to its weight) and looked up in the land mask a run uses,
// on the coastline thread, so the API's event loop never builds a mask.
import { findObjectCategory } from "../../core/objects.js";
import { allocateParticles } from "../../core/particles.js";
import { LegacyRandom } from "../../core/rng.js";
import { seedParticles } from "../../core/seeding.js";
import type { ApiContext } from "./context.js";
import type { MissionCreateBody } from "./schemas.js";

/** Particles sampled per mission, all scenarios together. */
export const SAMPLE = 64;

interface Part {
  weight: number;
  lon: [number, number];
  lat: [number, number];
  radiusM: [number, number];
  polygon?: [number, number][];
}

function parts(m: MissionCreateBody): Part[] {
  if (!m.scenarios) {
    const r = m.uncertaintyRadiusM;
    return [
      {
        weight: 1,
        lon: [m.lastKnownLon, m.release?.endLon ?? m.lastKnownLon],
        lat: [m.lastKnownLat, m.release?.endLat ?? m.lastKnownLat],
        radiusM: [r, m.release?.endRadiusM ?? r],
      },
    ];
  }
  return m.scenarios.map((s) => {
    const r = s.uncertaintyRadiusM ?? m.uncertaintyRadiusM;
    const lon = s.lastKnownLon ?? s.polygon![0][0];
    const lat = s.lastKnownLat ?? s.polygon![0][1];
    return {
      weight: s.weight,
      lon: [lon, s.endLon ?? lon],
      lat: [lat, s.endLat ?? lat],
      radiusM: [r, s.endRadiusM ?? r],
      polygon: s.polygon,
    };
  });
}

/** The sample: [lon, lat] points and the share of the mission's particles each stands for. */
export function releaseSample(m: MissionCreateBody): { points: [number, number][]; shares: number[] } {
  const list = parts(m);
  const total = list.reduce((sum, p) => sum + p.weight, 0);
  const category = findObjectCategory(m.objectType);
  const rng = new LegacyRandom(m.randomSeed ?? 1);
  const points: [number, number][] = [];
  const shares: number[] = [];
  for (const part of list) {
    const n = Math.max(1, Math.floor(SAMPLE / list.length));
    const p = allocateParticles(n);
    const release = { ...part, time: [0, 0] as [number, number], radiusType: "gaussian" as const, number: n };
    try {
      seedParticles(p, release, category, rng);
    } catch {
      continue; // a polygon too thin to sample: the run refuses it, nothing to charge here
    }
    for (let i = 0; i < n; i++) {
      points.push([p.lon[i], p.lat[i]]);
      shares.push(part.weight / total / n);
    }
  }
  return { points, shares };
}

/** Particles expected to start on land; 0 without a shoreline or when the land mask cannot answer. */
export async function particlesOnLand(ctx: ApiContext, m: MissionCreateBody): Promise<number> {
  if (!ctx.coastline?.onLand) return 0;
  const { points, shares } = releaseSample(m);
  let flags: boolean[] | null;
  try {
    flags = await ctx.coastline.onLand(points);
  } catch {
    return 0;
  }
  if (!flags) return 0;
  const share = flags.reduce((sum, land, i) => sum + (land ? shares[i] : 0), 0);
  return Math.round(share * m.particleCount);
}
