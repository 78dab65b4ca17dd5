// The simulation loop: release → forcing → coastline → record → capsize → drift → jibe, step after step.
// Pure computation: forcing sources and the land mask arrive as objects already prepared by adapters.
import { applyCoastline, capsize, drift, jibe, releaseDue, sampleForcing } from "./leeway.js";
import type { ObjectCategory } from "./objects.js";
import { allocateParticles, type Particles, syncLatitudeTrig } from "./particles.js";
import { LegacyRandom } from "./rng.js";
import { seedParticles } from "./seeding.js";
import type { Trajectory } from "./trajectory.js";
import { type ForcingSet, type LandMask, type Simulation, Status } from "./types.js";

export interface SimulationOptions {
  landmask?: LandMask | null;
  /** Keep the wind and current used at each output time (default true; costs 16 bytes per particle-output). */
  recordForcing?: boolean;
  /** Called after each output time with the fraction done. */
  onProgress?: (fraction: number) => void;
}

export interface SimulationResult {
  trajectory: Trajectory;
  /** Particles released on land and moved to the nearest sea point. */
  releaseOnLand: { moved: number; maxDistanceM: number; unresolved: number };
  particleSteps: number;
}

/** Steps, output stride and snapshot count of a simulation. */
export function simulationClock(sim: Simulation): { steps: number; stepsPerOutput: number; outputs: number } {
  const dt = Math.abs(sim.timeStepSeconds);
  const steps = Math.round(Math.abs(sim.durationSeconds) / dt);
  const stepsPerOutput = Math.round(sim.outputStepSeconds / dt);
  return { steps, stepsPerOutput, outputs: Math.floor(steps / stepsPerOutput) + 1 };
}

export function runSimulation(
  sim: Simulation,
  category: ObjectCategory,
  forcing: ForcingSet,
  options: SimulationOptions = {},
): SimulationResult {
  const n = sim.release.number;
  const rng = new LegacyRandom(sim.randomSeed);
  const p = allocateParticles(n);
  seedParticles(p, sim.release, category, rng);
  const landmask = sim.coastline === "none" ? null : (options.landmask ?? null);
  const releaseOnLand = landmask ? moveReleaseOffLand(p, landmask) : { moved: 0, maxDistanceM: 0, unresolved: 0 };
  for (let i = 0; i < n; i++) syncLatitudeTrig(p, i);

  const { steps, stepsPerOutput, outputs } = simulationClock(sim);
  const dt = sim.timeStepSeconds;
  const recorder = createRecorder(p, outputs, options.recordForcing ?? true);
  const need = new Uint8Array(n);
  const draws = new Float64Array(n);
  let particleSteps = 0;

  for (let step = 0; ; step++) {
    const t = sim.startTime + step * dt;
    const last = step === steps;
    releaseDue(p, t, dt);
    sampleForcing(forcing.wind, p, t, need, p.windU, p.windV);
    sampleForcing(forcing.current, p, t, need, p.currentU, p.currentV);
    if (landmask) applyCoastline(p, landmask, sim.coastline);
    if (step % stepsPerOutput === 0) {
      recorder.record(step / stepsPerOutput, t);
      options.onProgress?.(step / steps);
    }
    if (last) break;
    if (sim.capsizing.enabled) capsize(p, rng, dt, sim.capsizing, draws);
    particleSteps += countActive(p);
    drift(p, dt, sim.capsizing.leewayFraction);
    jibe(p, rng, dt, sim.jibeProbability, draws);
  }
  return { trajectory: recorder.trajectory, releaseOnLand, particleSteps };
}

function countActive(p: Particles): number {
  let k = 0;
  for (let i = 0; i < p.n; i++) if (p.status[i] === Status.active) k++;
  return k;
}

/** Particles seeded on land go to the nearest sea point (within 20 km), as the reference's ocean_only. */
function moveReleaseOffLand(p: Particles, mask: LandMask): { moved: number; maxDistanceM: number; unresolved: number } {
  let moved = 0;
  let unresolved = 0;
  let maxDistanceM = 0;
  for (let i = 0; i < p.n; i++) {
    if (!mask.isLand(p.lon[i], p.lat[i])) continue;
    const sea = mask.nearestSea(p.lon[i], p.lat[i], 20_000);
    if (!sea) {
      unresolved++;
      continue;
    }
    p.lon[i] = p.prevLon[i] = sea.lon;
    p.lat[i] = p.prevLat[i] = sea.lat;
    moved++;
    if (sea.distanceM > maxDistanceM) maxDistanceM = sea.distanceM;
  }
  return { moved, maxDistanceM, unresolved };
}

function createRecorder(p: Particles, outputs: number, withForcing: boolean) {
  const n = p.n;
  const size = n * outputs;
  const trajectory: Trajectory = {
    n,
    times: new Float64Array(outputs),
    lon: new Float32Array(size),
    lat: new Float32Array(size),
    status: new Uint8Array(size),
    orientation: new Uint8Array(size),
    capsized: new Uint8Array(size),
    releaseTime: Float64Array.from(p.releaseTime),
    ...(withForcing
      ? {
          windU: new Float32Array(size),
          windV: new Float32Array(size),
          currentU: new Float32Array(size),
          currentV: new Float32Array(size),
        }
      : {}),
  };
  return {
    trajectory,
    record(k: number, t: number): void {
      trajectory.times[k] = t;
      const o = k * n;
      for (let i = 0; i < n; i++) {
        const released = p.status[i] !== Status.unreleased;
        trajectory.lon[o + i] = released ? p.lon[i] : Number.NaN;
        trajectory.lat[o + i] = released ? p.lat[i] : Number.NaN;
      }
      trajectory.status.set(p.status, o);
      trajectory.orientation.set(p.orientation, o);
      trajectory.capsized.set(p.capsized, o);
      if (trajectory.windU) {
        for (let i = 0; i < n; i++) {
          trajectory.windU[o + i] = p.windU[i];
          trajectory.windV![o + i] = p.windV[i];
          trajectory.currentU![o + i] = p.currentU[i];
          trajectory.currentV![o + i] = p.currentV[i];
        }
      }
    },
  };
}
