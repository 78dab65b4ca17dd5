// Pre-fetch for an operator's area of responsibility: every N minutes fetch the next H hours of wind and
// current for the area (so the first mission at 3 a.m. finds them in the catalog), then delete fetched
// forcing older than the retention period. Used by the worker and by `driftline forcing prefetch`.
import type { ForcingWindow } from "../../core/types.js";
import { pruneFetched } from "./cache.js";
import { type FetchForcingOptions, type ForcingFetchResult, fetchForcingFor } from "./fetch.js";

export interface PrefetchArea {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** "W,S,E,N" in degrees → area; errors name the field. */
export function parseArea(text: string): PrefetchArea {
  const parts = text.split(",").map((s) => Number(s.trim()));
  if (parts.length !== 4 || parts.some((x) => !Number.isFinite(x))) {
    throw new Error(`area "${text}": expected four numbers W,S,E,N in degrees`);
  }
  const [west, south, east, north] = parts;
  if (south < -90 || north > 90 || south >= north) throw new Error(`area "${text}": need -90 ≤ S < N ≤ 90`);
  if (east <= west)
    throw new Error(`area "${text}": E must be east of W (use E > 180 to cross the antimeridian)`);
  return { west, south, east, north };
}

/** The window of a pre-fetch: the area from `start` (default now, to the hour) for `hours`. */
export function prefetchWindow(area: PrefetchArea, hours: number, start?: number): ForcingWindow {
  if (!(hours > 0)) throw new Error(`hours must be a positive number (got ${hours})`);
  const t0 = start ?? Math.floor(Date.now() / 3_600_000) * 3600;
  return { ...area, start: t0, end: t0 + hours * 3600 };
}

export interface PrefetchScheduleOptions extends Omit<FetchForcingOptions, "now"> {
  area: PrefetchArea;
  hours: number;
  everyMinutes: number;
  /** Delete fetched forcing older than this many days after each round (default: keep everything). */
  retentionDays?: number;
  onResult?: (r: ForcingFetchResult) => void;
  onError?: (e: Error) => void;
  /** Called after each retention pass with the files deleted. */
  onPruned?: (files: string[]) => void;
}

/**
 * The worker's schedule from the environment, or null when FORCING_PREFETCH_AREA is not set:
 * FORCING_PREFETCH_AREA=W,S,E,N, FORCING_PREFETCH_HOURS (72), FORCING_PREFETCH_EVERY_MINUTES (360),
 * FORCING_RETENTION_DAYS (none: keep everything).
 */
export function prefetchOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Pick<PrefetchScheduleOptions, "area" | "hours" | "everyMinutes" | "retentionDays"> | null {
  if (!env.FORCING_PREFETCH_AREA) return null;
  const num = (name: string, fallback: number | undefined, min: number): number | undefined => {
    const text = env[name];
    if (text === undefined || text === "") return fallback;
    const v = Number(text);
    if (!Number.isFinite(v) || v < min) throw new Error(`${name}=${text}: expected a number ≥ ${min}`);
    return v;
  };
  let area: PrefetchArea;
  try {
    area = parseArea(env.FORCING_PREFETCH_AREA);
  } catch (e) {
    throw new Error(`FORCING_PREFETCH_AREA: ${(e as Error).message}`);
  }
  const retentionDays = num("FORCING_RETENTION_DAYS", undefined, 0);
  return {
    area,
    hours: num("FORCING_PREFETCH_HOURS", 72, 1)!,
    everyMinutes: num("FORCING_PREFETCH_EVERY_MINUTES", 360, 1)!,
    ...(retentionDays !== undefined ? { retentionDays } : {}),
  };
}

export interface PrefetchSchedule {
  /** Runs one round now (rounds never overlap: a call during a round waits for it). */
  runNow(): Promise<void>;
  stop(): void;
}

/** Starts a round now and then every `everyMinutes` minutes; the timer does not keep the process alive. */
export function startPrefetchSchedule(opts: PrefetchScheduleOptions): PrefetchSchedule {
  if (!(opts.everyMinutes > 0))
    throw new Error(`prefetch: everyMinutes must be positive (got ${opts.everyMinutes})`);
  if (opts.retentionDays !== undefined && !(opts.retentionDays >= 0)) {
    throw new Error(`prefetch: retentionDays must be ≥ 0 (got ${opts.retentionDays})`);
  }
  const dir = opts.forcingDir ?? process.env.FORCING_DIR;
  if (!dir) throw new Error("prefetch: no catalog directory (set FORCING_DIR or pass forcingDir)");
  let running: Promise<void> | null = null;
  let stopped = false;
  const round = async () => {
    try {
      const window = prefetchWindow(opts.area, opts.hours);
      opts.onResult?.(await fetchForcingFor(window, { ...opts, forcingDir: dir }));
    } catch (e) {
      opts.onError?.(e as Error);
    }
    if (opts.retentionDays !== undefined) {
      try {
        const { deleted } = await pruneFetched(dir, opts.retentionDays);
        opts.onPruned?.(deleted);
      } catch (e) {
        opts.onError?.(e as Error);
      }
    }
  };
  const runNow = (): Promise<void> => {
    if (!running) {
      running = round().finally(() => {
        running = null;
      });
    }
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped && !running) void runNow();
  }, opts.everyMinutes * 60_000);
  timer.unref();
  void runNow();
  return {
    runNow,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
