// What the main thread and the step threads share: the setup each thread receives, and the slots of the
// control array they synchronise on (Atomics.wait/notify).
import type { MessagePort } from "node:worker_threads";
import type { Particles } from "../particles.js";
import type { Trajectory } from "../trajectory.js";
import type { Simulation } from "../types.js";
import type { ThreadRecipe } from "./recipe.js";

/** Slots of the shared Int32Array `control`. */
export const Slot = {
  /** 1 + the last step whose first draw is published (`firsts`) and whose draws are made. */
  ready: 0,
  /** 1 once every thread is set up and the run starts. */
  start: 1,
  /** 1: stop at once (the run failed or was abandoned). */
  stop: 2,
  /** 1: a thread failed (its error follows as a message). */
  failed: 3,
  /** From here one slot per range: 1 + the last step whose counts the range has published. */
  begun: 4,
} as const;

/**
 * True once control[slot] ≥ target within a few thousand checks (microseconds). The other side usually
 * arrives that soon; a sleep on the slot would cost a wake-up.
 */
export function spinUntil(control: Int32Array, slot: number, target: number): boolean {
  for (let spin = 0; spin < 4000; spin++) if (Atomics.load(control, slot) >= target) return true;
  return false;
}

/** Length of the control array for `ranges` ranges. */
export function controlSlots(ranges: number): number {
  return Slot.begun + ranges;
}

/**
 * Steps whose counts and first draws are kept, in turn. Ranges run apart by at most two steps: the main
 * thread needs every range's counts of the step before to place a step's draws, and a thread needs them
 * placed to take its draws.
 */
export const STEP_SLOTS = 4;

/** Index in `counts` of range r's [capsize candidates, active particles] at `step`. */
export function countSlot(step: number, ranges: number, r: number): number {
  return 2 * ((step % STEP_SLOTS) * ranges + r);
}

/** Draws a step took: every range's capsize candidates and active particles. */
export function drawsOfStep(counts: Int32Array, step: number, ranges: number): number {
  let total = 0;
  for (let q = 0; q < ranges; q++)
    total += counts[countSlot(step, ranges, q)] + counts[countSlot(step, ranges, q) + 1];
  return total;
}

/**
 * Where range r takes its draws at `step`, in particle order over the ranges: the capsize draws of every
 * range first, then the jibe draws (out[0], out[1]; indices in the ring of `capacity` draws). Needs the
 * counts of ranges before r (and, when capsizing, of all ranges) at this step.
 */
export function drawOffsets(
  counts: Int32Array,
  firsts: Int32Array,
  ranges: number,
  r: number,
  step: number,
  capacity: number,
  out: Int32Array,
): void {
  let candidatesBefore = 0;
  let candidates = 0;
  let activeBefore = 0;
  for (let q = 0; q < ranges; q++) {
    const k = countSlot(step, ranges, q);
    // Without capsizing every range counts 0 candidates, so ranges after r need not have counted yet.
    candidates += counts[k];
    if (q < r) {
      candidatesBefore += counts[k];
      activeBefore += counts[k + 1];
    }
  }
  const first = firsts[step % STEP_SLOTS];
  out[0] = (first + candidatesBefore) % capacity;
  out[1] = (first + candidates + activeBefore) % capacity;
}

/** What a step thread receives for each run. */
export interface ThreadSetup {
  sim: Simulation;
  steps: number;
  stepsPerOutput: number;
  /** Shared particle arrays and output arrays (the thread writes its range's part). */
  particles: Particles;
  /** The WebAssembly memory the particle arrays live in (particles.kernels is not sent), or null. */
  kernelMemory: WebAssembly.Memory | null;
  trajectory: Omit<Trajectory, "releaseTime" | "weight" | "member" | "scenario">;
  /** Recipes (without their main-thread side) of the forcing sources and the land mask. */
  forcing: { wind: SentRecipe[]; current: SentRecipe[] };
  landmask: SentRecipe | null;
  /** Requests of rebuilt objects to the main thread: posted here, answered on `port` (see MainThreadCall). */
  port: MessagePort;
  /** Set to 1 by the main thread when the answer to a request is on the port. */
  answered: Int32Array;
  /** This thread's range index and particles [from, to). */
  range: number;
  from: number;
  to: number;
  control: Int32Array;
  /** Per step slot and range: [capsize candidates, active particles] after its first half (beforeDraws) (countSlot). */
  counts: Int32Array;
  /** Per step slot: index in `draws` of the step's first draw. */
  firsts: Int32Array;
  /** The ring of uniforms, per step all capsize draws then all jibe draws (see draw-stream.ts). */
  draws: Float64Array;
}

/** A recipe as sent to a thread: `id` names its serve() on the main thread (−1: it has none). */
export type SentRecipe = Omit<ThreadRecipe, "serve"> & { id: number };

/** A request of a rebuilt object to the main thread. */
export interface MainThreadRequest {
  id: number;
  request: unknown;
}

/** workerData of a step thread: the .ts entry, for the tsx bootstrap when running from sources. */
export interface ThreadData {
  tsEntry: string;
}

/** Messages to a step thread: one run at a time. */
export type CrewMessage = { type: "run"; setup: ThreadSetup };

/** Messages of a step thread: set up; then the run completed, or it was stopped; or an error. */
export type ThreadReport =
  | { type: "ready" }
  | { type: "finished" }
  | { type: "stopped" }
  | { type: "error"; message: string; stack?: string };
