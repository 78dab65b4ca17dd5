// Runs the scenarios of a mission one after the other, each as its own simulation (so that its particles are
// exactly those of a one-scenario run of it, whatever the other scenarios and the thread count), and joins
// them into one trajectory whose particles carry their scenario's index and weight.
import {
  DEFAULT_THREAD_THRESHOLD,
  runSimulationThreaded,
  type ThreadedSimulationOptions,
  type ThreadedSimulationResult,
} from "../core/parallel/pool.js";
import { concatTrajectories } from "../core/trajectory-merge.js";
import type { ForcingSet, Simulation } from "../core/types.js";
import { checkCoverage } from "../forcing/index.js";
import type { ScenarioInfo } from "../products/types.js";
import type { ScenarioPlan } from "./scenarios.js";

export async function runScenarioSimulations(
  scenarios: readonly ScenarioPlan[],
  forcing: ForcingSet,
  options: ThreadedSimulationOptions,
): Promise<ThreadedSimulationResult> {
  const total = scenarios.reduce((s, x) => s + x.simulation.release.number, 0);
  const results: ThreadedSimulationResult[] = [];
  let done = 0;
  for (const [k, s] of scenarios.entries()) {
    const n = s.simulation.release.number;
    const result = await runSimulationThreaded(s.simulation, s.category, forcing, {
      // A mission large enough for step threads uses them in every scenario (the threads are kept between
      // the runs), not only in scenarios that would be on their own.
      ...(total >= DEFAULT_THREAD_THRESHOLD ? { threadThreshold: 0 } : {}),
      ...options,
      onProgress: (f) => options.onProgress?.((done + f * n) / total),
    });
    result.trajectory.weight.fill(s.particleWeight);
    result.trajectory.scenario.fill(k);
    results.push(result);
    done += n;
  }
  const moved = results.map((r) => r.releaseOnLand);
  const reason = results.find((r) => r.singleThreadReason)?.singleThreadReason;
  return {
    trajectory: concatTrajectories(results.map((r) => r.trajectory)),
    releaseOnLand: {
      moved: moved.reduce((s, m) => s + m.moved, 0),
      maxDistanceM: Math.max(...moved.map((m) => m.maxDistanceM)),
      unresolved: moved.reduce((s, m) => s + m.unresolved, 0),
    },
    particleSteps: results.reduce((s, r) => s + r.particleSteps, 0),
    threads: Math.max(...results.map((r) => r.threads)),
    ...(reason ? { singleThreadReason: reason } : {}),
  };
}

/**
 * Throws ForcingCoverageError, as for a single release, when the forcing does not cover where and when a
 * later scenario starts (the first is checked with the forcing itself), rather than a run whose scenario
 * stops at once for want of data.
 */
export function checkScenariosCovered(scenarios: readonly ScenarioPlan[], set: ForcingSet): void {
  for (const s of scenarios.slice(1)) {
    const r = s.simulation.release;
    checkCoverage(set, r.lon[0], r.lat[0], r.time[0]);
  }
}

/**
 * A simulation whose release spans every scenario's (box of their positions, largest radius): the area the
 * forcing window and the land mask are prepared for.
 */
export function coveringSimulation(scenarios: readonly ScenarioPlan[]): Simulation {
  const releases = scenarios.map((s) => s.simulation.release);
  const lons = releases.flatMap((r) => r.lon);
  const lats = releases.flatMap((r) => r.lat);
  const radius = Math.max(...releases.flatMap((r) => r.radiusM));
  const first = scenarios[0].simulation;
  return {
    ...first,
    release: {
      ...first.release,
      lon: [Math.min(...lons), Math.max(...lons)],
      lat: [Math.min(...lats), Math.max(...lats)],
      radiusM: [radius, radius],
      polygon: undefined,
    },
  };
}

/** A scenario as the products know it. */
export function scenarioInfo(s: ScenarioPlan): ScenarioInfo {
  const { number, ...release } = s.simulation.release;
  return { name: s.name, weight: s.weight, category: s.category, particles: number, release };
}
