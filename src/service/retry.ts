// Backoff and retry through outages: a transient error is retried with growing pauses until a time window
// is spent, then rethrown; a non-transient error is rethrown at once. Nothing is swallowed.
import type { Logger } from "pino";
import { errorMessage, isTransientError } from "./errors.js";

/** Exponential backoff with ±20 % jitter: base, 2·base, 4·base … capped at maxMs. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.8 + 0.4 * Math.random()));
}

/** Resolves after ms, or early (without error) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export interface RetryOptions {
  /** Total time to keep retrying, ms. */
  windowMs: number;
  baseMs?: number;
  maxMs?: number;
  log?: Logger;
  signal?: AbortSignal;
  isTransient?: (err: unknown) => boolean;
}

/** Runs fn, retrying transient failures with backoff for up to windowMs; the last error is rethrown. */
export async function retryTransient<T>(
  what: string,
  fn: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const transient = options.isTransient ?? isTransientError;
  const deadline = Date.now() + options.windowMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const wait = backoffMs(attempt, options.baseMs ?? 250, options.maxMs ?? 5000);
      if (!transient(err) || options.signal?.aborted || Date.now() + wait > deadline) throw err;
      options.log?.warn({ err: errorMessage(err), retry_in_ms: wait, attempt }, `${what} failed; retrying`);
      await sleep(wait, options.signal);
    }
  }
}
