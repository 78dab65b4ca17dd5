// Threads do not change results: the same run on 1, 2 and 3 threads gives the same bytes.
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { constantSource } from "../../src/core/constant-source.js";
import {
  closeIdleThreads,
  idleThreadCount,
  prestartThreads,
  runSimulationThreaded,
  splitRanges,
  threadCount,
} from "../../src/core/parallel/pool.js";
import { runSimulation } from "../../src/core/simulate.js";
import { type ForcingSet, type LandMask, Status } from "../../src/core/types.js";
import { landMaskRecipe } from "../../src/pipeline/run.js";
import { parseSimulationSpec } from "../../src/pipeline/spec.js";
import { prepareLandmaskFor, reachableWindow } from "../../src/pipeline/window.js";
import { scenario } from "../helpers/scenario.js";
import { expectSameBytes } from "../helpers/trajectory-bytes.js";
import { failingInThread, unrevivable } from "./threads/failing-source.js";

describe("threads", () => {
  it("give the same bytes as one thread on real forcing with stranding (arctic20)", async () => {
    const { simulation, category, forcing } = await scenario("arctic20", (s) => {
      s.seed.number = 3000;
      s.seed.radius_m = 8000;
      s.duration_hours = 8;
    });
    const set = await forcing();
    const landmask: LandMask = await prepareLandmaskFor(simulation);
    const single = runSimulation(simulation, category, set, { landmask });
    const threaded = await runSimulationThreaded(simulation, category, set, {
      landmask,
      landmaskRecipe: landMaskRecipe(landmask),
      threads: 3,
      threadThreshold: 0,
    });
    expect(threaded.singleThreadReason).toBeUndefined();
    expect(threaded.threads).toBe(3);
    expect(threaded.particleSteps).toBe(single.particleSteps);
    expectSameBytes(single.trajectory, threaded.trajectory);
    const t = single.trajectory;
    const stranded = t.status.subarray(t.status.length - t.n).filter((s) => s === Status.stranded).length;
    expect(stranded).toBeGreaterThan(0);
  }, 120_000);

  it("keep their threads for the next run, which gives the same bytes", async () => {
    const { simulation, category } = await scenario("const", (s) => {
      s.seed.number = 3000;
      s.duration_hours = 2;
    });
    const set: ForcingSet = { wind: [constantSource(6, 2)], current: [constantSource(0.2, -0.1)] };
    await closeIdleThreads();
    const opts = { threads: 3, threadThreshold: 0, recordForcing: true };
    const first = await runSimulationThreaded(simulation, category, set, opts);
    expect(first.threads).toBe(3);
    const kept = idleThreadCount();
    expect(kept).toBe(Math.min(2, availableParallelism()));
    const second = await runSimulationThreaded(simulation, category, set, opts);
    expect(second.threads).toBe(3);
    expect(idleThreadCount()).toBe(kept);
    expectSameBytes(first.trajectory, second.trajectory);
    expectSameBytes(runSimulation(simulation, category, set).trajectory, second.trajectory);
    await closeIdleThreads();
    expect(idleThreadCount()).toBe(0);
  }, 120_000);

  it("can be started ahead of a run, which then uses them", async () => {
    const { simulation, category } = await scenario("const", (s) => {
      s.seed.number = 3000;
      s.duration_hours = 1;
    });
    const set: ForcingSet = { wind: [constantSource(6, 2)], current: [constantSource(0.2, -0.1)] };
    await closeIdleThreads();
    prestartThreads(1);
    expect(idleThreadCount()).toBe(1);
    prestartThreads(1); // already there: no second one
    expect(idleThreadCount()).toBe(1);
    const run = await runSimulationThreaded(simulation, category, set, { threads: 2, threadThreshold: 0 });
    expect(run.threads).toBe(2);
    expect(idleThreadCount()).toBe(1);
    await closeIdleThreads();
  }, 120_000);

  it("fall back to one thread when threads cannot set up, and end a run a thread fails; neither keeps its threads", async () => {
    const { simulation, category } = await scenario("const", (s) => {
      s.seed.number = 3000;
      s.duration_hours = 2;
    });
    const current = [constantSource(0.2, -0.1)];
    await closeIdleThreads();
    const opts = { threads: 2, threadThreshold: 0 };
    const fallback = await runSimulationThreaded(
      simulation,
      category,
      { wind: [unrevivable()], current },
      opts,
    );
    expect(fallback.threads).toBe(1);
    expect(fallback.singleThreadReason).toMatch(/threads did not start: .*cannot rebuild this source/);
    expect(idleThreadCount()).toBe(0);
    const failAt = simulation.startTime + 3600;
    await expect(
      runSimulationThreaded(simulation, category, { wind: [failingInThread(failAt)], current }, opts),
    ).rejects.toThrow(/step thread 1: sampling failed at/);
    expect(idleThreadCount()).toBe(0);
    // The next run starts fresh threads and completes.
    const ok = await runSimulationThreaded(
      simulation,
      category,
      { wind: [constantSource(5, 0)], current },
      opts,
    );
    expect(ok.threads).toBe(2);
    await closeIdleThreads();
  }, 120_000);

  it("draw capsizing and jibing uniforms in particle order across threads, with a release window", async () => {
    const { simulation, category, forcing } = await scenario("const", (s) => {
      s.seed.number = 4000;
      s.seed.radius_m = 2000;
      s.seed.time = [s.start_time, "2016-02-01T16:00:00Z"];
      s.duration_hours = 12;
      s.coastline = "none";
      s.capsizing = { enabled: true, wind_threshold: 9, wind_threshold_sigma: 2 };
    });
    const set = await forcing();
    const single = runSimulation(simulation, category, set, {});
    for (const threads of [2, 3]) {
      const threaded = await runSimulationThreaded(simulation, category, set, {
        threads,
        threadThreshold: 0,
      });
      expect(threaded.threads).toBe(threads);
      expect(threaded.particleSteps).toBe(single.particleSteps);
      expectSameBytes(single.trajectory, threaded.trajectory);
    }
    const last = single.trajectory.capsized.subarray(single.trajectory.capsized.length - 4000);
    expect(last.some((c) => c === 1)).toBe(true);
  }, 60_000);

  it("give the same bytes as one thread when backtracking with capsized objects righting", async () => {
    const { simulation, category } = parseSimulationSpec({
      start_time: "2016-02-01T12:00:00Z",
      duration_hours: -6,
      time_step_seconds: -600,
      seed: { lon: 3, lat: 60, radius_m: 500, number: 3000 },
      forcing: { wind: { constant: { x: -4, y: 10 } }, current: { constant: { x: -0.2, y: -0.05 } } },
      capsizing: { enabled: true, wind_threshold: 10, wind_threshold_sigma: 2 },
      coastline: "none",
    });
    const set: ForcingSet = { wind: [constantSource(-4, 10)], current: [constantSource(-0.2, -0.05)] };
    const single = runSimulation(simulation, category, set, {});
    const threaded = await runSimulationThreaded(simulation, category, set, {
      threads: 2,
      threadThreshold: 0,
    });
    expect(threaded.threads).toBe(2);
    expectSameBytes(single.trajectory, threaded.trajectory);
  }, 60_000);

  it("load the whole grid through the main thread when particles leave the loaded part", async () => {
    const { simulation, category, forcing } = await scenario("arctic20", (s) => {
      s.seed.number = 2000;
      s.seed.radius_m = 5000;
      s.duration_hours = 12;
      s.coastline = "none";
    });
    // Prepared for a tiny area: the particles leave it and the sources must read the whole grid.
    const prepareTiny = async () => {
      const set = await forcing();
      const w = reachableWindow(simulation);
      const tiny = { ...w, west: 13.99, east: 14.01, south: 68.89, north: 68.91 };
      for (const s of [...set.wind, ...set.current]) await s.prepare?.(tiny);
      return set;
    };
    const single = runSimulation(simulation, category, await prepareTiny(), {});
    const threaded = await runSimulationThreaded(simulation, category, await prepareTiny(), {
      threads: 2,
      threadThreshold: 0,
    });
    expect(threaded.threads).toBe(2);
    expectSameBytes(single.trajectory, threaded.trajectory);
  }, 120_000);

  it("stay on one thread below the threshold or when a source cannot be shared", async () => {
    const { simulation, category, forcing } = await scenario("const", (s) => {
      s.seed.number = 2000;
      s.duration_hours = 1;
      s.coastline = "none";
    });
    const set = await forcing();
    const small = await runSimulationThreaded(simulation, category, set, { threads: 2 });
    expect(small.threads).toBe(1);
    const opaque = { ...set, wind: [{ ...set.wind[0], threadRecipe: undefined }] };
    const unshared = await runSimulationThreaded(simulation, category, opaque, {
      threads: 2,
      threadThreshold: 0,
    });
    expect(unshared.threads).toBe(1);
    expect(unshared.singleThreadReason).toMatch(/cannot be shared/);
  });

  it("split particles into contiguous ranges and read the thread count", () => {
    expect(splitRanges(10, 3)).toEqual([
      [0, 3],
      [3, 6],
      [6, 10],
    ]);
    // A lighter first range (the main thread also makes the draws).
    expect(splitRanges(1000, 2, 0.9)).toEqual([
      [0, 473],
      [473, 1000],
    ]);
    expect(threadCount(4)).toBe(4);
    expect(threadCount(undefined, "3")).toBe(3);
    expect(threadCount(undefined, undefined)).toBe(availableParallelism());
    expect(threadCount(undefined, "auto")).toBeGreaterThanOrEqual(1);
    expect(() => threadCount(undefined, "many")).toThrow(/threads/);
  });
});
