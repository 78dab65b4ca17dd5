// Forcing files the platform collects live in object storage under
// environmental-data/{data_type}/{YYYY/MM/DD/HH}/{file}. This copies the ones a window can use into a
// local cache directory (same key layout), which the catalog then indexes like any directory.
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import type { ForcingWindow } from "../core/types.js";
import type { ObjectStorage } from "../io/object-storage.js";

export const FORCING_BUCKET = "environmental-data";
export const FORCING_DATA_TYPES = ["ocean-currents", "wind"];

export interface S3SyncOptions {
  bucket?: string;
  cacheDir: string;
  /** data_type prefixes to look at (default ocean-currents and wind). */
  dataTypes?: string[];
  /** Only files of cycles that can cover the window: from window.start − lookbackHours to window.end. */
  window?: ForcingWindow;
  /** How old a forecast cycle may be and still cover the window (default 10 days). */
  lookbackHours?: number;
}

export interface S3SyncResult {
  dir: string;
  /** Keys downloaded now. */
  downloaded: string[];
  /** Keys already in the cache. */
  cached: string[];
}

/** Cycle time (Unix s) of a key data_type/YYYY/MM/DD/HH/file, or null when the key has another layout. */
export function cycleOfKey(key: string): number | null {
  const m = /^[^/]+\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/[^/]+$/.exec(key);
  if (!m) return null;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4]);
  return Number.isFinite(t) ? t / 1000 : null;
}

export async function syncS3Forcing(storage: ObjectStorage, opts: S3SyncOptions): Promise<S3SyncResult> {
  const bucket = opts.bucket ?? FORCING_BUCKET;
  const lookback = (opts.lookbackHours ?? 240) * 3600;
  const result: S3SyncResult = { dir: opts.cacheDir, downloaded: [], cached: [] };
  for (const type of opts.dataTypes ?? FORCING_DATA_TYPES) {
    const keys = await storage.list(bucket, `${type}/`);
    for (const key of keys.sort()) {
      const cycle = cycleOfKey(key);
      if (cycle === null) continue;
      if (opts.window && (cycle > opts.window.end || cycle < opts.window.start - lookback)) continue;
      if (key.split("/").some((part) => part === ".." || part === "")) continue;
      const local = join(opts.cacheDir, ...key.split("/"));
      if (!local.startsWith(opts.cacheDir.endsWith(sep) ? opts.cacheDir : opts.cacheDir + sep)) continue;
      if (existsSync(local) && statSync(local).size > 0) {
        result.cached.push(key);
        continue;
      }
      const body = await storage.get(bucket, key);
      mkdirSync(dirname(local), { recursive: true });
      const tmp = `${local}.${process.pid}.part`;
      writeFileSync(tmp, body);
      renameSync(tmp, local);
      result.downloaded.push(key);
    }
  }
  return result;
}
