// The simulation loop: release → forcing → coastline → record → capsize → drift → jibe, step after step.
// Pure computation: forcing sources and the land mask arrive as objects already prepared by adapters.
// The step itself is in step.ts, in two halves over a range of particles; this file runs all particles
// as one range on this thread. core/parallel runs ranges on worker threads with the same result.
import type { ObjectCategory } from "./objects.js";
import { allocateParticles, type Particles, syncTrig } from "./particles.js";
import { LegacyRandom } from "./rng.js";
import { seedParticles } from "./seeding.js";
import { allocateTrajectory, ParticleRange, simulationClock } from "./step.js";
import type { Trajectory } from "./trajectory.js";
import type { ForcingSet, LandMask, Simulation } from "./types.js";

export { simulationClock } from "./step.js";

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

/** A seeded run before its first step: particles, the random stream after seeding, release corrections. */
export interface SeededRun {
  particles: Particles;
  rng: LegacyRandom;
  releaseOnLand: SimulationResult["releaseOnLand"];
  landmask: LandMask | null;
}

/**
 * Seeds the particles (positions, release times, Leeway coefficients), moves those released on land to
 * the sea and sets their carried trigonometry. `allocate` may put the particle arrays in shared memory.
 */
export function seedRun(
  sim: Simulation,
  category: ObjectCategory,
  landmaskOption: LandMask | null | undefined,
  allocate: (n: number) => Particles = allocateParticles,
): SeededRun {
  const n = sim.release.number;
  const rng = new LegacyRandom(sim.randomSeed);
  const p = allocate(n);
  seedParticles(p, sim.release, category, rng, sim.compatibility === "opendrift");
  const landmask = sim.coastline === "none" ? null : (landmaskOption ?? null);
  const releaseOnLand = landmask
    ? moveReleaseOffLand(p, landmask)
    : { moved: 0, maxDistanceM: 0, unresolved: 0 };
  for (let i = 0; i < n; i++) syncTrig(p, i);
  return { particles: p, rng, releaseOnLand, landmask };
}

/**
 * Room for `length` uniforms (a step takes its capsize candidates' first, then its active particles': at
 * most two per particle); with WebAssembly kernels in their memory, where they are drawn.
 */
export function allocateDraws(
  p: Particles,
  rng: LegacyRandom,
  length: number,
  shared: boolean,
): Float64Array {
  if (p.kernels !== null) {
    const draws = p.kernels.float64(length);
    rng.useKernels(p.kernels, draws);
    return draws;
  }
  return shared ? new Float64Array(new SharedArrayBuffer(8 * length)) : new Float64Array(length);
}

/** Runs a simulation on this thread. */
export function runSimulation(
  sim: Simulation,
  category: ObjectCategory,
  forcing: ForcingSet,
  options: SimulationOptions = {},
): SimulationResult {
  const { particles: p, rng, releaseOnLand, landmask } = seedRun(sim, category, options.landmask);
  const n = p.n;
  const { steps, stepsPerOutput, outputs } = simulationClock(sim);
  const trajectory = allocateTrajectory(n, outputs, p, options.recordForcing ?? true, false);
  const range = new ParticleRange({ sim, forcing, landmask, trajectory, stepsPerOutput }, p, 0, n);
  const draws = allocateDraws(p, rng, 2 * n, false);
  let particleSteps = 0;

  for (let step = 0; ; step++) {
    range.beforeDraws(step);
    if (step % stepsPerOutput === 0) options.onProgress?.(step / steps);
    if (step === steps) break;
    const candidates = range.capsizeCandidates;
    if (candidates > 0) rng.fillRandom(draws, candidates, 0);
    rng.fillRandom(draws, range.active, candidates);
    range.withDraws(draws, 0, candidates);
    particleSteps += range.active;
  }
  return { trajectory, releaseOnLand, particleSteps };
}

/** Particles seeded on land go to the nearest sea point (within 20 km), as the reference's ocean_only. */
export function moveReleaseOffLand(
  p: Particles,
  mask: LandMask,
): { moved: number; maxDistanceM: number; unresolved: number } {
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
