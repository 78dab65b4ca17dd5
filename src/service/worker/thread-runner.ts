// Runs a simulation in a worker thread, so that the worker's event loop (leases, progress, health) stays
// responsive however long the step loop computes. The thread can be stopped at once (shutdown, wall-time
// cap) and has its own heap limit (memory cap).
import { Worker } from "node:worker_threads";
import type { RunOptions, RunProgress, RunResult } from "../../pipeline/run.js";
import { JobCapError } from "../job.js";

/** What the worker needs from the pipeline: runSimulationSpec's signature. */
export type SimulationRunner = (spec: unknown, opts: RunOptions) => Promise<RunResult>;

/** Messages from the thread entry (sim-thread.ts). */
export type ThreadMessage =
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
}

/**
 * Under vitest/tsx the sources are .ts: Node 20 does not hand the tsx loader to worker threads, so the
 * thread starts from ts-thread-bootstrap.mjs, which loads the .ts entry through tsx. dist/ runs .js directly.
 */
const FROM_SOURCE = import.meta.url.endsWith(".ts");

export function createThreadRunner(options: ThreadRunnerOptions = {}): SimulationRunner {
  const entry =
    options.entry ?? new URL(FROM_SOURCE ? "./sim-thread.ts" : "./sim-thread.js", import.meta.url);
  const needsTsx = entry.pathname.endsWith(".ts");
  const start = needsTsx ? new URL("./ts-thread-bootstrap.mjs", import.meta.url) : entry;
  return (spec, opts) =>
    new Promise<RunResult>((resolve, reject) => {
      const { onProgress, signal, ...plain } = opts;
      if (signal?.aborted) return reject(abortError(signal));
      const worker = new Worker(start, {
        workerData: { spec, opts: plain, tsEntry: entry.href },
        execArgv: [],
        resourceLimits: options.memoryMb ? { maxOldGenerationSizeMb: options.memoryMb } : undefined,
        stdout: false,
        stderr: false,
      });
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        fn();
      };
      const onAbort = () => {
        settle(() => reject(abortError(signal as AbortSignal)));
        void worker.terminate();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      worker.on("message", (m: ThreadMessage) => {
        if (m.type === "progress") onProgress?.(m.progress);
        else if (m.type === "result") settle(() => resolve(m.result));
        else if (m.type === "error") settle(() => reject(deserializeError(m.error)));
      });
      worker.on("error", (err: Error & { code?: string }) => {
        if (err.code === "ERR_WORKER_OUT_OF_MEMORY") {
          settle(() =>
            reject(
              new JobCapError(
                `simulation ran out of memory: over the cap MAX_JOB_MEMORY_MB=${options.memoryMb ?? "(node default)"}; use fewer particles or a shorter run`,
              ),
            ),
          );
        } else {
          settle(() => reject(err));
        }
      });
      worker.on("exit", (code) => {
        settle(() => reject(new Error(`simulation thread exited (code ${code}) without a result`)));
      });
    });
}

function abortError(signal: AbortSignal): Error {
  const err = new Error(`simulation stopped: ${String(signal.reason ?? "aborted")}`);
  err.name = "AbortError";
  return err;
}
