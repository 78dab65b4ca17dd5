// What the main thread and the step threads share: the setup each thread receives, and the slots of the
// control array they synchronise on (Atomics.wait/notify).
import type { MessagePort } from "node:worker_threads";
import type { Particles } from "../particles.js";
import type { Trajectory } from "../trajectory.js";
import type { Simulation } from "../types.js";
import type { ThreadRecipe } from "./recipe.js";

/** Slots of the shared Int32Array `control`. */
export const Slot = {
  /** Begin-halves finished by the threads, cumulative over steps (a thread adds 1 per step). */
  done: 0,
  /** 1 + the last step whose draws and offsets are ready. */
  ready: 1,
  /** 1 once every thread is set up and the run starts. */
  start: 2,
  /** 1: stop at once (the run failed or was abandoned). */
  stop: 3,
  /** 1: a thread failed (its error follows as a message). */
  failed: 4,
} as const;
export const CONTROL_SLOTS = 8;

/** What a step thread receives for each run. */
export interface ThreadSetup {
  sim: Simulation;
  steps: number;
  stepsPerOutput: number;
  /** Shared particle arrays and output arrays (the thread writes its range's part). */
  particles: Particles;
  /** The WebAssembly memory the particle arrays live in (particles.kernels is not sent), or null. */
  kernelMemory: WebAssembly.Memory | null;
  trajectory: Omit<Trajectory, "releaseTime">;
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
  /** Per range: [capsize candidates, active particles] after its begin-half. */
  counts: Int32Array;
  /** Per range: [capsize draw offset, jibe draw offset] for the end-half. */
  offsets: Int32Array;
  /** The step's uniforms: all capsize draws, then all jibe draws. */
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
