// Entry of a step thread. The thread lives on between runs (pool.ts keeps idle ones): for each run it
// receives a setup, rebuilds the forcing sources and the land mask from their recipes, then steps its range
// of particles in lock step with the main thread (see pool.ts for the protocol) and reports "finished".
import { parentPort, receiveMessageOnPort } from "node:worker_threads";
import { ParticleRange } from "../step.js";
import type { ForcingSource, LandMask } from "../types.js";
import { WasmKernels } from "../wasm/kernels.js";
import { cancelIdleCollection, collectGarbageAfterRun } from "./collect-garbage.js";
import {
  type CrewMessage,
  countSlot,
  drawOffsets,
  type MainThreadRequest,
  type SentRecipe,
  Slot,
  spinUntil,
  type ThreadReport,
  type ThreadSetup,
} from "./protocol.js";
import { revive } from "./recipe.js";

const report = (m: ThreadReport) => parentPort?.postMessage(m);

/** Waits until control[slot] ≥ target; false when the run was stopped meanwhile. */
function waitFor(control: Int32Array, slot: number, target: number): boolean {
  if (spinUntil(control, slot, target)) return true;
  for (;;) {
    const value = Atomics.load(control, slot);
    if (value >= target) return true;
    if (Atomics.load(control, Slot.stop) !== 0) return false;
    Atomics.wait(control, slot, value, 1000);
  }
}

/** A synchronous request to the main thread (which answers between its own pieces of work). */
function callMain(setup: ThreadSetup, id: number, request: unknown): unknown {
  Atomics.store(setup.answered, 0, 0);
  setup.port.postMessage({ id, request } satisfies MainThreadRequest);
  for (;;) {
    if (Atomics.load(setup.control, Slot.stop) !== 0) throw new Error("run stopped");
    if (Atomics.load(setup.answered, 0) === 1) {
      const answer = receiveMessageOnPort(setup.port);
      if (answer) return answer.message;
    }
    Atomics.wait(setup.answered, 0, 0, 100);
  }
}

async function prepare(setup: ThreadSetup): Promise<ParticleRange> {
  const rebuild = <T>(recipe: SentRecipe) =>
    revive<T>(recipe, recipe.id >= 0 ? (request) => callMain(setup, recipe.id, request) : undefined);
  const sources = (list: SentRecipe[]) => Promise.all(list.map((recipe) => rebuild<ForcingSource>(recipe)));
  const [wind, current, landmask] = await Promise.all([
    sources(setup.forcing.wind),
    sources(setup.forcing.current),
    setup.landmask ? rebuild<LandMask>(setup.landmask) : null,
  ]);
  const plan = {
    sim: setup.sim,
    forcing: { wind, current },
    landmask,
    trajectory: {
      ...setup.trajectory,
      releaseTime: new Float64Array(0),
      weight: new Float64Array(0),
      member: new Uint16Array(0),
      scenario: new Uint16Array(0),
    },
    stepsPerOutput: setup.stepsPerOutput,
  };
  const particles = setup.kernelMemory
    ? { ...setup.particles, kernels: WasmKernels.attach(setup.kernelMemory) }
    : setup.particles;
  return new ParticleRange(plan, particles, setup.from, setup.to);
}

/**
 * Steps the range to the end of the run; false when the run was stopped. After its first half (beforeDraws) a range
 * publishes its counts; it takes its draws once the main thread has made them and the ranges before it
 * have counted (drawOffsets).
 */
function run(setup: ThreadSetup, range: ParticleRange): boolean {
  const { control, counts, firsts, draws, steps } = setup;
  const r = setup.range;
  const ranges = control.length - Slot.begun;
  const capsizing = setup.sim.capsizing.enabled;
  const offsets = new Int32Array(2);
  if (!waitFor(control, Slot.start, 1)) return false;
  for (let step = 0; ; step++) {
    range.beforeDraws(step);
    const c = countSlot(step, ranges, r);
    counts[c] = range.capsizeCandidates;
    counts[c + 1] = range.active;
    Atomics.store(control, Slot.begun + r, step + 1);
    Atomics.notify(control, Slot.begun + r);
    if (step === steps) return true;
    // Without capsizing the drift needs no draws: move while the main thread makes them.
    if (!capsizing) range.driftOnly();
    if (!waitFor(control, Slot.ready, step + 1)) return false;
    // The main thread's range has counted (it makes the draws after); the other ranges before this one too?
    for (let q = 1; q < r; q++) if (!waitFor(control, Slot.begun + q, step + 1)) return false;
    drawOffsets(counts, firsts, ranges, r, step, draws.length, offsets);
    if (capsizing) range.withDraws(draws, offsets[0], offsets[1]);
    else range.jibeOnly(draws, offsets[1]);
  }
}

/** Bytes of the run's shared arrays a thread holds until it collects its garbage. */
function sharedBytes(setup: ThreadSetup): number {
  let bytes = setup.kernelMemory?.buffer.byteLength ?? 0;
  for (const a of Object.values(setup.trajectory)) if (ArrayBuffer.isView(a)) bytes += a.byteLength;
  return bytes;
}

/**
 * From this many bytes of shared arrays held since its last collection (one large run, or small runs back
 * to back) a thread collects its garbage as soon as a run ends.
 */
const HELD_BYTES_LIMIT = 128 * 2 ** 20;

parentPort?.on("message", async (m: CrewMessage) => {
  if (m.type !== "run") return;
  const setup = m.setup;
  cancelIdleCollection();
  try {
    const range = await prepare(setup);
    report({ type: "ready" });
    const completed = run(setup, range);
    report({ type: completed ? "finished" : "stopped" });
  } catch (err) {
    const e = err as Error;
    report({ type: "error", message: e?.message ?? String(err), stack: e?.stack });
    Atomics.store(setup.control, Slot.failed, 1);
    for (let slot = 0; slot < setup.control.length; slot++) Atomics.notify(setup.control, slot);
  } finally {
    setup.port.close();
    // Once this handler (which holds the setup) has returned.
    const bytes = sharedBytes(setup);
    setImmediate(() => collectGarbageAfterRun(bytes, HELD_BYTES_LIMIT));
  }
});
