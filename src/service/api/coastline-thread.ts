// Worker-thread entry: computes land polygons (GSHHG full resolution is CPU-heavy) off the API's event loop,
// and answers whether a point is on land by the land mask a run uses (and how far the run would move it).
import { parentPort } from "node:worker_threads";
import type { GeoArea } from "../../coastline/index.js";
import { coastlinePolygons, GshhgMissingError } from "../../coastline/index.js";
import { prepareLandMask } from "../../coastline/landmask.js";

/** How far a run looks for sea around a release on land (core/simulate.ts), metres. */
export const NEAREST_SEA_SEARCH_M = 20_000;

export type CoastlineRequest =
  | { id: number; kind: "polygons"; area: GeoArea; simplifyM: number; gshhgFile?: string }
  | { id: number; kind: "land"; lat: number; lon: number; gshhgFile?: string }
  | { id: number; kind: "onLand"; points: [number, number][]; gshhgFile?: string };

/** Whether a point is on land, and where a run would move a particle released there. */
export interface LandAnswer {
  land: boolean;
  /** The nearest sea point within 20 km (the point itself at sea); null when there is none. */
  nearestSea: { lat: number; lon: number; distanceM: number } | null;
}

export type CoastlineReply =
  | { id: number; polygons: [number, number][][][] }
  | { id: number; answer: LandAnswer }
  | { id: number; onLand: boolean[] }
  | { id: number; error: string; missing: boolean };

async function landAnswer(lat: number, lon: number, gshhgFile?: string): Promise<LandAnswer> {
  const dLat = 0.25;
  const dLon = Math.min(180, dLat / Math.max(0.05, Math.cos((lat * Math.PI) / 180)));
  const mask = await prepareLandMask(
    {
      west: lon - dLon,
      east: lon + dLon,
      south: Math.max(-90, lat - dLat),
      north: Math.min(90, lat + dLat),
    },
    { gshhgFile },
  );
  const sea = mask.nearestSea(lon, lat, NEAREST_SEA_SEARCH_M);
  return { land: mask.isLand(lon, lat), nearestSea: sea };
}

/** Which of a few [lon, lat] points (a release sample, admission.ts) are on land, by one mask around them all. */
async function onLand(points: [number, number][], gshhgFile?: string): Promise<boolean[]> {
  if (points.length === 0) return [];
  const pad = 0.05;
  const lons = points.map((q) => q[0]);
  const lats = points.map((q) => q[1]);
  const mask = await prepareLandMask(
    {
      west: Math.min(...lons) - pad,
      east: Math.max(...lons) + pad,
      south: Math.max(-90, Math.min(...lats) - pad),
      north: Math.min(90, Math.max(...lats) + pad),
    },
    { gshhgFile },
  );
  return points.map(([lon, lat]) => mask.isLand(lon, lat));
}

parentPort?.on("message", async (request: CoastlineRequest) => {
  try {
    if (request.kind === "land") {
      const answer = await landAnswer(request.lat, request.lon, request.gshhgFile);
      parentPort?.postMessage({ id: request.id, answer } satisfies CoastlineReply);
      return;
    }
    if (request.kind === "onLand") {
      const flags = await onLand(request.points, request.gshhgFile);
      parentPort?.postMessage({ id: request.id, onLand: flags } satisfies CoastlineReply);
      return;
    }
    const polygons = await coastlinePolygons(request.area, {
      simplifyM: request.simplifyM,
      gshhgFile: request.gshhgFile,
    });
    parentPort?.postMessage({ id: request.id, polygons } satisfies CoastlineReply);
  } catch (error) {
    parentPort?.postMessage({
      id: request.id,
      error: (error as Error).message,
      missing: error instanceof GshhgMissingError,
    } satisfies CoastlineReply);
  }
});
