// Runs a simulation in a worker thread, so that the worker's event loop (leases, progress, health) stays
// responsive however long the step loop computes. The thread can be stopped at once (shutdown, wall-time
// cap) and has its own heap limit (memory cap).
import { parentPort, Worker } from "node:worker_threads";
import {
  cancelIdleCollection,
  collectGarbage,
  collectGarbageWhenIdle,
} from "../../core/parallel/collect-garbage.js";
import type { RunOptions, RunProgress, RunResult } from "../../pipeline/run.js";
import { JobCapError } from "../job.js";

/** What the worker needs from the pipeline: runSimulationSpec's signature. */
export type SimulationRunner = (spec: unknown, opts: RunOptions) => Promise<RunResult>;

/** Messages from the thread entry (sim-thread.ts). */
export type ThreadMessage =
  | { type: "warm" }
  | { type: "progress"; progress: RunProgress }
  | { type: "result"; result: RunResult }
  | { type: "error"; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  transient?: boolean;
}

export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: "Error", message: String(err) };
  const e = err as Error & { code?: unknown; transient?: unknown; cause?: unknown };
  const cause = e.cause as { code?: unknown } | undefined;
  const code = typeof e.code === "string" ? e.code : typeof cause?.code === "string" ? cause.code : undefined;
  return {
    name: e.name,
    message: e.message,
    stack: e.stack,
    code,
    transient: e.transient === true ? true : undefined,
  };
}

function deserializeError(s: SerializedError): Error {
  const err = new Error(s.message) as Error & { code?: string; transient?: boolean };
  err.name = s.name;
  if (s.stack) err.stack = s.stack;
  if (s.code) err.code = s.code;
  if (s.transient) err.transient = true;
  return err;
}

export interface ThreadRunnerOptions {
  /** Heap cap of the thread (old generation), MB. */
  memoryMb?: number;
  /** Thread entry module; default sim-thread (runSimulationSpec). Tests point it at a stand-in. */
  entry?: URL;
  /** Threads started at once, before the first job (default 0). */
  prestart?: number;
  /**
   * Prestarted threads first run a small job of their own (compiles the step loop and the product code,
   * loads the fonts), and take jobs once it is done; a job that comes earlier gets a thread of its own.
   */
  warmUp?: boolean;
  /** Jobs a thread runs before it is replaced (bounds what a long-lived thread can accumulate; default 50). */
  jobsPerThread?: number;
}

/** From this resident size a thread collects its garbage as soon as a job ends. */
const LARGE_RSS_BYTES = 512 * 2 ** 20;

/** Messages to a thread: one job at a time, or the warm-up. */
export type RunRequest =
  | { type: "run"; spec: unknown; opts: Omit<RunOptions, "onProgress" | "signal"> }
  | { type: "warmup" };

/**
 * Under vitest/tsx the sources are .ts: Node 20 does not hand the tsx loader to worker threads, so the
 * thread starts from core/parallel/ts-bootstrap.mjs, which loads the .ts entry through tsx. dist/ runs .js directly.
 */
const FROM_SOURCE = import.meta.url.endsWith(".ts");

/**
 * What a thread entry does with each job (see sim-thread.ts): run it, posting progress; one after the other.
 * `warmUp` answers the runner's warm-up request (its failure does not matter: the thread is still usable).
 */
export function serveRuns(
  run: (spec: unknown, opts: RunOptions) => Promise<RunResult>,
  warmUp?: () => Promise<void>,
): void {
  const post = (m: ThreadMessage) => parentPort?.postMessage(m);
  let queue: Promise<void> = Promise.resolve();
  const handle = async (m: RunRequest): Promise<void> => {
    if (m.type === "warmup") {
      await warmUp?.().catch(() => undefined);
      post({ type: "warm" });
      return;
    }
    try {
      const result = await run(m.spec, {
        ...m.opts,
        onProgress: (progress) => post({ type: "progress", progress }),
      });
      post({ type: "result", result });
    } catch (err) {
      post({ type: "error", error: serializeError(err) });
    }
  };
  parentPort?.on("message", (m: RunRequest) => {
    // After each job the thread collects its garbage (it would hold the last run's arrays while idle): at
    // once when the process holds much memory, else once it has been idle a while.
    queue = queue
      .then(() => {
        cancelIdleCollection();
        return handle(m);
      })
      .then(() => {
        if (process.memoryUsage.rss() >= LARGE_RSS_BYTES) collectGarbage();
        else collectGarbageWhenIdle();
      });
  });
}

/**
 * A simulation runner with warm threads: `warm` resolves when the prestarted threads are ready (warmed up
 * when asked); close() ends the idle ones.
 */
export type ThreadRunner = SimulationRunner & { warm: Promise<void>; close(): Promise<void> };

/**
 * Runs each job in a worker thread. Threads stay alive between jobs (idle ones do not keep the process
 * up), so a job does not pay for loading the pipeline, and the thread's caches (coastline rasters, forcing
 * index) serve the next job. A thread that was stopped, crashed or ran out of memory is not reused.
 */
export function createThreadRunner(options: ThreadRunnerOptions = {}): ThreadRunner {
  const entry =
    options.entry ?? new URL(FROM_SOURCE ? "./sim-thread.ts" : "./sim-thread.js", import.meta.url);
  const needsTsx = entry.pathname.endsWith(".ts");
  const start = needsTsx ? new URL("../../core/parallel/ts-bootstrap.mjs", import.meta.url) : entry;
  const jobsPerThread = options.jobsPerThread ?? 50;
  const idle: { worker: Worker; jobs: number }[] = [];

  const spawn = (): { worker: Worker; jobs: number } => {
    const worker = new Worker(start, {
      workerData: { tsEntry: entry.href },
      execArgv: [],
      resourceLimits: options.memoryMb ? { maxOldGenerationSizeMb: options.memoryMb } : undefined,
      stdout: false,
      stderr: false,
    });
    // An idle thread that dies (it should not) is simply dropped.
    worker.on("error", () => undefined);
    worker.on("exit", () => {
      const k = idle.findIndex((t) => t.worker === worker);
      if (k >= 0) idle.splice(k, 1);
    });
    worker.unref();
    return { worker, jobs: 0 };
  };
  const warming: Promise<void>[] = [];
  const stillWarming = new Set<Worker>();
  for (let k = 0; k < (options.prestart ?? 0); k++) {
    const thread = spawn();
    if (!options.warmUp) {
      idle.push(thread);
      continue;
    }
    warming.push(
      new Promise<void>((resolve) => {
        stillWarming.add(thread.worker);
        const done = () => {
          stillWarming.delete(thread.worker);
          thread.worker.off("message", onWarm);
          thread.worker.off("exit", done);
          resolve();
        };
        const onWarm = (m: ThreadMessage) => {
          if (m.type !== "warm") return;
          idle.push(thread);
          done();
        };
        thread.worker.on("message", onWarm);
        thread.worker.on("exit", done);
      }),
    );
    thread.worker.postMessage({ type: "warmup" } satisfies RunRequest);
  }

  const run = (spec: unknown, opts: RunOptions) =>
    new Promise<RunResult>((resolve, reject) => {
      const { onProgress, signal, ...plain } = opts;
      if (signal?.aborted) return reject(abortError(signal));
      const thread = idle.pop() ?? spawn();
      const { worker } = thread;
      worker.ref();
      let settled = false;
      const settle = (fn: () => void, reusable: boolean) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        thread.jobs++;
        if (reusable && thread.jobs < jobsPerThread) {
          worker.unref();
          idle.push(thread);
        } else void worker.terminate();
        fn();
      };
      const onAbort = () => settle(() => reject(abortError(signal as AbortSignal)), false);
      const onMessage = (m: ThreadMessage) => {
        if (m.type === "progress") onProgress?.(m.progress);
        else if (m.type === "result") settle(() => resolve(m.result), true);
        else if (m.type === "error") settle(() => reject(deserializeError(m.error)), true);
      };
      const onError = (err: Error & { code?: string }) => {
        if (err.code === "ERR_WORKER_OUT_OF_MEMORY") {
          settle(
            () =>
              reject(
                new JobCapError(
                  `simulation ran out of memory: over the cap MAX_JOB_MEMORY_MB=${options.memoryMb ?? "(node default)"}; use fewer particles or a shorter run`,
                ),
              ),
            false,
          );
        } else {
          settle(() => reject(err), false);
        }
      };
      const onExit = (code: number) =>
        settle(() => reject(new Error(`simulation thread exited (code ${code}) without a result`)), false);
      signal?.addEventListener("abort", onAbort, { once: true });
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage({ type: "run", spec, opts: plain } satisfies RunRequest);
    });
  return Object.assign(run, {
    warm: Promise.all(warming).then(() => undefined),
    async close() {
      const warmingNow = [...stillWarming];
      await Promise.all([...idle.splice(0).map((t) => t.worker), ...warmingNow].map((w) => w.terminate()));
    },
  });
}

function abortError(signal: AbortSignal): Error {
  const err = new Error(`simulation stopped: ${String(signal.reason ?? "aborted")}`);
  err.name = "AbortError";
  return err;
}
