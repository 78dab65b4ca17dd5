// The area and time a run can reach: forcing and coastline are read for this window only.

import { prepareLandMask } from "../coastline/index.js";
import { NodeLandMask } from "../coastline/node-landmask.js";
import type { ForcingWindow, LandMask, Simulation } from "../core/types.js";

/** A conservative upper bound of drift speed (leeway + current), m/s. */
const MAX_DRIFT_SPEED = 2.5;
const METRES_PER_DEGREE = 111_320;

export function reachableWindow(sim: Simulation): ForcingWindow {
  const { release } = sim;
  const reach =
    (MAX_DRIFT_SPEED * Math.abs(sim.durationSeconds) + Math.max(...release.radiusM) * 4) / METRES_PER_DEGREE;
  const south = Math.max(-90, Math.min(...release.lat) - reach);
  const north = Math.min(90, Math.max(...release.lat) + reach);
  const cosLat = Math.max(0.05, Math.cos((Math.max(Math.abs(south), Math.abs(north)) * Math.PI) / 180));
  const lonReach = Math.min(180, reach / cosLat);
  const start = Math.min(sim.startTime, sim.startTime + sim.durationSeconds);
  const end = Math.max(sim.startTime, sim.startTime + sim.durationSeconds);
  return {
    start,
    end,
    west: Math.min(...release.lon) - lonReach,
    east: Math.max(...release.lon) + lonReach,
    south,
    north,
  };
}

/**
 * The land mask for a run. Only the release area is rasterised up front: the mask builds the 1° bins the
 * particles actually reach on first use (tens of milliseconds each), which for most runs is a small part of
 * the reachable window.
 */
export async function prepareLandmaskFor(sim: Simulation): Promise<LandMask> {
  const { lon, lat } = sim.release;
  const margin = 0.25;
  const mask = await prepareLandMask({
    west: Math.min(...lon) - margin,
    east: Math.max(...lon) + margin,
    south: Math.max(-90, Math.min(...lat) - margin),
    north: Math.min(90, Math.max(...lat) + margin),
  });
  // The reference runs' mask samples the shoreline at 0.0005° nodes: compatibility "opendrift" does too.
  return sim.compatibility === "opendrift" ? new NodeLandMask(mask) : mask;
}
