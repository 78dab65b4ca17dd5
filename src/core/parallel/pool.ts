// Runs a simulation on several threads: the particles are split into contiguous ranges, the main thread
// steps the first and one worker thread each of the others, all over shared memory. The result is the
// same, byte for byte, whatever the number of threads:
//   - every process but the random draws is particle by particle (step.ts), so a range steps alone;
//   - the draws stay one sequence in particle order: after its first half (beforeDraws) each range publishes how many
//     draws it takes, the main thread makes each step's draws into a ring in shared memory
//     (draw-stream.ts), and each range finds its own from the step's first draw and the counts of the
//     ranges before it (protocol.ts drawOffsets);
//   - forcing values do not depend on which part of a grid a thread has loaded (gridded-source.ts).
// No range waits for the others' step to end: the main thread needs the threads' counts of the step before
// (where this step's draws start), a thread needs this step's draws made; so ranges may run a step apart.
// With capsizing every range's capsize draws come first, so the main thread waits for this step's counts.
import { availableParallelism } from "node:os";
import { MessageChannel, type MessagePort, type Worker } from "node:worker_threads";
import type { ObjectCategory } from "../objects.js";
import { allocateParticles, type Particles } from "../particles.js";
import type { LegacyRandom } from "../rng.js";
import {
  allocateDraws,
  runSimulation,
  type SimulationOptions,
  type SimulationResult,
  seedRun,
} from "../simulate.js";
import { allocateTrajectory, ParticleRange, simulationClock } from "../step.js";
import type { Trajectory } from "../trajectory.js";
import type { ForcingSet, ForcingSource, LandMask, Simulation } from "../types.js";
import { DrawStream } from "./draw-stream.js";
import { KeptThreads } from "./kept-threads.js";
import {
  type CrewMessage,
  controlSlots,
  countSlot,
  drawOffsets,
  drawsOfStep,
  type MainThreadRequest,
  type SentRecipe,
  Slot,
  STEP_SLOTS,
  spinUntil,
  type ThreadReport,
  type ThreadSetup,
} from "./protocol.js";
import { isThreadShareable, type ThreadRecipe } from "./recipe.js";

/** Below this many particles a run stays on one thread (starting threads costs more than it saves). */
export const DEFAULT_THREAD_THRESHOLD = 20_000;
/** Fewest particles per thread. */
const MIN_PARTICLES_PER_THREAD = 1000;

export interface ThreadedSimulationOptions extends SimulationOptions {
  /** Threads stepping particles, this one included (default 1). */
  threads?: number;
  /** Fewest particles for which threads are used (default DEFAULT_THREAD_THRESHOLD). */
  threadThreshold?: number;
  /** How threads rebuild the land mask, when the mask is not ThreadShareable itself. */
  landmaskRecipe?: ThreadRecipe;
}

export interface ThreadedSimulationResult extends SimulationResult {
  /** Threads that stepped the particles (1 when the run stayed on this thread). */
  threads: number;
  /** Why a run that could use threads stayed on one, if it did. */
  singleThreadReason?: string;
}

/**
 * Thread count from an option, else env SIM_THREADS, else one per CPU; 0 or "auto" also mean one per CPU.
 * (Threads are only started for runs of DEFAULT_THREAD_THRESHOLD particles or more.)
 */
export function threadCount(option: number | undefined, env = process.env.SIM_THREADS): number {
  const raw = option ?? (env !== undefined && env !== "" ? (env === "auto" ? 0 : Number(env)) : 0);
  if (!Number.isInteger(raw) || raw < 0 || raw > 256) {
    throw new Error(
      `threads: ${option ?? env} is not allowed; use an integer 1..256, or 0/"auto" for one per CPU`,
    );
  }
  return raw === 0 ? availableParallelism() : raw;
}

/**
 * Contiguous ranges covering [0, n): the first (the main thread's) of `firstWeight` times the others' size,
 * the others of about equal size.
 */
export function splitRanges(n: number, parts: number, firstWeight = 1): [number, number][] {
  const total = firstWeight + parts - 1;
  const ranges: [number, number][] = [];
  let from = 0;
  for (let r = 0; r < parts; r++) {
    const to = r === parts - 1 ? n : Math.floor((n * (firstWeight + r)) / total);
    ranges.push([from, to]);
    from = to;
  }
  return ranges;
}

/**
 * The main thread also makes every step's random draws for all particles and runs the event loop: a smaller
 * range evens the load (0.8–1.0 measured alike within the noise of this machine).
 */
const MAIN_RANGE_WEIGHT = 0.9;

/**
 * Runs a simulation on `options.threads` threads when the run is large enough and its forcing sources and
 * land mask can be rebuilt in threads; otherwise on this thread (runSimulation). Same result either way.
 */
export async function runSimulationThreaded(
  sim: Simulation,
  category: ObjectCategory,
  forcing: ForcingSet,
  options: ThreadedSimulationOptions = {},
): Promise<ThreadedSimulationResult> {
  const n = sim.release.number;
  const threads = Math.min(options.threads ?? 1, Math.max(1, Math.floor(n / MIN_PARTICLES_PER_THREAD)));
  const single = (reason?: string): ThreadedSimulationResult => ({
    ...runSimulation(sim, category, forcing, options),
    threads: 1,
    ...(reason ? { singleThreadReason: reason } : {}),
  });
  if (threads <= 1 || n < (options.threadThreshold ?? DEFAULT_THREAD_THRESHOLD)) return single();
  const recipes = shareRecipes(forcing, sim, options);
  if (typeof recipes === "string") return single(recipes);

  const run = sharedRun(sim, category, options, threads);
  const crew = startCrew(run, recipes);
  try {
    await crew.ready;
  } catch (e) {
    // Threads that cannot start (a missing loader, no memory) must not fail the run: it is the same on one.
    await crew.stop(false);
    return single(`threads did not start: ${(e as Error).message}`);
  }
  let completed = false;
  try {
    const result = await stepInLockstep(run, crew, forcing, options);
    completed = true;
    return { ...result, threads };
  } finally {
    await crew.stop(completed);
  }
}

/** Recipes of every source and the mask, or why threads cannot rebuild them. */
function shareRecipes(
  forcing: ForcingSet,
  sim: Simulation,
  options: ThreadedSimulationOptions,
): { wind: ThreadRecipe[]; current: ThreadRecipe[]; landmask: ThreadRecipe | null } | string {
  const list = (sources: ForcingSource[]): ThreadRecipe[] | string => {
    const out: ThreadRecipe[] = [];
    for (const s of sources) {
      if (!isThreadShareable(s)) return `forcing source ${s.name} cannot be shared with threads`;
      out.push(s.threadRecipe());
    }
    return out;
  };
  const wind = list(forcing.wind);
  if (typeof wind === "string") return wind;
  const current = list(forcing.current);
  if (typeof current === "string") return current;
  const mask = sim.coastline === "none" ? null : (options.landmask ?? null);
  let landmask: ThreadRecipe | null = null;
  if (mask) {
    if (isThreadShareable(mask)) landmask = mask.threadRecipe();
    else if (options.landmaskRecipe) landmask = options.landmaskRecipe;
    else return `land mask ${mask.name} cannot be shared with threads`;
  }
  return { wind, current, landmask };
}

/** A seeded run in shared memory, with the arrays the threads synchronise on. */
interface SharedRun {
  sim: Simulation;
  particles: Particles;
  rng: LegacyRandom;
  releaseOnLand: SimulationResult["releaseOnLand"];
  landmask: LandMask | null;
  trajectory: Trajectory;
  steps: number;
  stepsPerOutput: number;
  ranges: [number, number][];
  control: Int32Array;
  counts: Int32Array;
  firsts: Int32Array;
  draws: DrawStream;
}

function sharedRun(
  sim: Simulation,
  category: ObjectCategory,
  options: ThreadedSimulationOptions,
  threads: number,
): SharedRun {
  const seeded = seedRun(sim, category, options.landmask, (n) => allocateParticles(n, true));
  const n = seeded.particles.n;
  const { steps, stepsPerOutput, outputs } = simulationClock(sim);
  // A step takes one draw per active particle, and one per capsize candidate when capsizing.
  const drawsPerStep = sim.capsizing.enabled ? 2 * n : n;
  const i32 = (length: number) => new Int32Array(new SharedArrayBuffer(4 * length));
  return {
    sim,
    ...seeded,
    trajectory: allocateTrajectory(n, outputs, seeded.particles, options.recordForcing ?? true, true),
    steps,
    stepsPerOutput,
    ranges: splitRanges(n, threads, MAIN_RANGE_WEIGHT),
    control: i32(controlSlots(threads)),
    counts: i32(STEP_SLOTS * 2 * threads),
    firsts: i32(STEP_SLOTS),
    draws: new DrawStream(
      seeded.rng,
      allocateDraws(seeded.particles, seeded.rng, 3 * drawsPerStep, true),
      drawsPerStep,
    ),
  };
}

/** The worker threads of a run (ranges 1 …). */
interface Crew {
  /** Resolves when every thread has rebuilt its sources and mask. */
  ready: Promise<void>;
  /** The first failure of a thread, if any. */
  failure(): Error | null;
  /** Ends the run: threads of a completed run go back to the idle pool, the others are terminated. */
  stop(completed: boolean): Promise<void>;
}

/**
 * Step threads between runs. Starting a thread costs about a third of a second, as much as a 20,000-particle
 * day on one thread: kept threads start the next run at once.
 */
const stepThreads = new KeptThreads("step-thread");

/**
 * Starts step threads ahead of a run (up to `count` idle ones), so that they load while the caller reads
 * forcing and coastline: a run that then uses threads finds them ready.
 */
export function prestartThreads(count: number): void {
  stepThreads.prestart(count);
}

/** Step threads waiting for the next run. */
export function idleThreadCount(): number {
  return stepThreads.idleCount;
}

/** Ends the idle step threads (tests, shutdown); new runs start new ones. */
export async function closeIdleThreads(): Promise<void> {
  await stepThreads.closeIdle();
}

function startCrew(run: SharedRun, recipes: Exclude<ReturnType<typeof shareRecipes>, string>): Crew {
  const { control } = run;
  // Recipes go without their serve(), which stays on this thread under an id.
  const serves: ((request: unknown) => unknown)[] = [];
  const send = ({ serve, ...recipe }: ThreadRecipe): SentRecipe => {
    if (!serve) return { ...recipe, id: -1 };
    serves.push(serve);
    return { ...recipe, id: serves.length - 1 };
  };
  const forcing = { wind: recipes.wind.map(send), current: recipes.current.map(send) };
  const landmask = recipes.landmask ? send(recipes.landmask) : null;
  const { releaseTime: _r, weight: _w, member: _m, scenario: _s, ...trajectory } = run.trajectory;

  let failure: Error | null = null;
  const fail = (e: Error) => {
    failure ??= e;
    Atomics.store(control, Slot.failed, 1);
    for (let slot = 0; slot < control.length; slot++) Atomics.notify(control, slot);
  };
  const members: { worker: Worker; finished: Promise<boolean>; detach: () => void }[] = [];
  const ports: MessagePort[] = [];
  const readiness: Promise<void>[] = [];
  for (let r = 1; r < run.ranges.length; r++) {
    const { port1, port2 } = new MessageChannel();
    const answered = new Int32Array(new SharedArrayBuffer(4));
    const setup: ThreadSetup = {
      sim: run.sim,
      steps: run.steps,
      stepsPerOutput: run.stepsPerOutput,
      particles: { ...run.particles, kernels: null },
      kernelMemory: run.particles.kernels?.memory ?? null,
      trajectory,
      forcing,
      landmask,
      port: port2,
      answered,
      range: r,
      from: run.ranges[r][0],
      to: run.ranges[r][1],
      control,
      counts: run.counts,
      firsts: run.firsts,
      draws: run.draws.buffer,
    };
    const worker = stepThreads.acquire();
    ports.push(port1);
    // The thread's sources ask for more forcing: answered whenever this thread awaits.
    port1.on("message", ({ id, request }: MainThreadRequest) => {
      let answer: unknown;
      try {
        answer = serves[id](request);
      } catch (e) {
        fail(e as Error);
        Atomics.store(control, Slot.stop, 1);
      }
      port1.postMessage(answer);
      Atomics.store(answered, 0, 1);
      Atomics.notify(answered, 0);
    });
    port1.unref();
    let resolveReady!: () => void;
    let rejectReady!: (e: Error) => void;
    let resolveFinished!: (completed: boolean) => void;
    readiness.push(
      new Promise<void>((resolve, reject) => {
        resolveReady = resolve;
        rejectReady = reject;
      }),
    );
    const finished = new Promise<boolean>((resolve) => {
      resolveFinished = resolve;
    });
    const failed = (e: Error) => {
      fail(e);
      rejectReady(e);
      resolveFinished(false);
    };
    const onMessage = (m: ThreadReport) => {
      if (m.type === "ready") resolveReady();
      else if (m.type === "finished") resolveFinished(true);
      else if (m.type === "stopped") resolveFinished(false);
      else failed(Object.assign(new Error(`step thread ${r}: ${m.message}`), { stack: m.stack }));
    };
    const onError = (e: Error) => failed(e);
    const onExit = (code: number) => failed(new Error(`step thread ${r} exited (code ${code})`));
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    const detach = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    members.push({ worker, finished, detach });
    worker.postMessage({ type: "run", setup } satisfies CrewMessage, [port2]);
  }
  return {
    ready: Promise.all(readiness).then(() => undefined),
    failure: () => failure,
    async stop(completed: boolean) {
      if (!completed) {
        Atomics.store(control, Slot.stop, 1);
        for (let slot = 0; slot < control.length; slot++) Atomics.notify(control, slot);
      }
      await Promise.all(
        members.map(async ({ worker, finished, detach }) => {
          // A completed run's threads report "finished" right after their last step.
          // The timer is cleared as soon as the thread answers: a pending one would keep the process alive 5 s.
          let timer: NodeJS.Timeout | undefined;
          const reusable =
            completed &&
            (await Promise.race([
              finished,
              new Promise<boolean>((r) => {
                timer = setTimeout(r, 5000, false);
              }),
            ]));
          clearTimeout(timer);
          detach();
          if (reusable) stepThreads.release(worker);
          else await worker.terminate();
        }),
      );
      for (const port of ports) port.close();
    },
  };
}

/**
 * The step loop of the main thread: its own range, and each step's draws. It waits for the threads' counts
 * of the step before (where this step's draws start), and when capsizing of this step too (capsize draws
 * of every range come before the jibe draws); the threads wait for the draws to be made.
 */
async function stepInLockstep(
  run: SharedRun,
  crew: Crew,
  forcing: ForcingSet,
  options: ThreadedSimulationOptions,
): Promise<SimulationResult> {
  const {
    sim,
    particles,
    landmask,
    trajectory,
    steps,
    stepsPerOutput,
    ranges,
    control,
    counts,
    firsts,
    draws,
  } = run;
  const plan = { sim, forcing, landmask, trajectory, stepsPerOutput };
  const main = new ParticleRange(plan, particles, ranges[0][0], ranges[0][1]);
  const rangeCount = ranges.length;
  const capsizing = sim.capsizing.enabled;
  const offsets = new Int32Array(2);
  let particleSteps = 0;
  Atomics.store(control, Slot.start, 1);
  Atomics.notify(control, Slot.start);
  for (let step = 0; ; step++) {
    main.beforeDraws(step);
    const c = countSlot(step, rangeCount, 0);
    counts[c] = main.capsizeCandidates;
    counts[c + 1] = main.active;
    if (step % stepsPerOutput === 0) options.onProgress?.(step / steps);
    const counted = capsizing || step === steps ? step + 1 : step;
    for (let r = 1; r < rangeCount; r++) await waitForCount(control, Slot.begun + r, counted, crew.failure);
    if (step > 0) {
      draws.advance(drawsOfStep(counts, step - 1, rangeCount));
      for (let r = 0; r < rangeCount; r++) particleSteps += counts[countSlot(step - 1, rangeCount, r) + 1];
    }
    if (step === steps) break;
    draws.makeStep();
    firsts[step % STEP_SLOTS] = draws.firstIndex;
    Atomics.store(control, Slot.ready, step + 1);
    Atomics.notify(control, Slot.ready);
    drawOffsets(counts, firsts, rangeCount, 0, step, draws.buffer.length, offsets);
    main.withDraws(draws.buffer, offsets[0], offsets[1]);
  }
  return { trajectory, releaseOnLand: run.releaseOnLand, particleSteps };
}

interface WaitAsync {
  waitAsync(
    a: Int32Array,
    index: number,
    value: number,
    timeout?: number,
  ): { async: boolean; value: Promise<string> | string };
}

/**
 * Waits until control[slot] ≥ target without blocking the event loop (which answers the threads'
 * requests meanwhile); throws a thread's failure.
 */
async function waitForCount(
  control: Int32Array,
  slot: number,
  target: number,
  failure: () => Error | null,
): Promise<void> {
  const atomics = Atomics as unknown as WaitAsync;
  if (spinUntil(control, slot, target)) return;
  for (;;) {
    const value = Atomics.load(control, slot);
    if (value >= target) return;
    if (Atomics.load(control, Slot.failed) !== 0) {
      // The thread's error message may still be on its way.
      for (let i = 0; i < 50 && !failure(); i++) await new Promise((r) => setTimeout(r, 10));
      throw failure() ?? new Error("a step thread failed");
    }
    const w = atomics.waitAsync(control, slot, value, 500);
    if (w.async) await w.value;
  }
}
