// The forcing catalog: every forcing file under a directory with its variables, area and time range,
// read from headers and coordinates only and cached in a JSON index keyed by path, size and mtime, so
// a rescan opens only new or changed files. selectFromCatalog picks the sources for a run's window.
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { ForcingWindow } from "../core/types.js";
import { diskCacheDir, writeCacheEntry } from "../io/disk-cache.js";
import { boxContains, boxesOverlap, type LonLatBox } from "./area.js";
import type { VectorKind } from "./discover.js";
import { ForcingFileError } from "./errors.js";
import type { VectorDescription } from "./format.js";
import { describeFile, formatOf } from "./formats.js";

export interface CatalogEntry {
  /** Path relative to the catalog root. */
  file: string;
  size: number;
  mtimeMs: number;
  format?: string;
  title?: string;
  vectors: VectorDescription[];
  /** Why the file cannot be used (bad file, neither wind nor current …). */
  error?: string;
}

export interface Catalog {
  root: string;
  entries: CatalogEntry[];
  /** Where the index was read from / written to (null when it could not be written). */
  indexFile: string | null;
  /** Files opened during this scan (the others came from the index). */
  scanned: number;
}

const INDEX_VERSION = 2;

interface IndexFile {
  version: number;
  root: string;
  entries: CatalogEntry[];
}

function walk(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names.sort()) {
    if (name.startsWith(".")) continue;
    const p = join(dir, name);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(p, out);
    else if (st.isFile()) out.push(p);
  }
}

/**
 * The index lives outside the forcing directory (often shared or read-only), in this user's cache directory
 * (io/disk-cache.ts: DRIFTLINE_CACHE_DIR, else ~/.cache/driftline), not in a predictable shared temporary
 * path another user could plant; none when the disk cache is off.
 */
export function defaultIndexFiles(root: string): string[] {
  const base = diskCacheDir();
  if (!base) return [];
  const hash = createHash("sha1").update(root).digest("hex").slice(0, 16);
  return [join(base, `forcing-index-${hash}.json`)];
}

function readIndex(path: string, root: string): Map<string, CatalogEntry> {
  try {
    // Not through a link: an index is only trusted as the regular file this user's process wrote.
    if (!lstatSync(path).isFile()) return new Map();
    const idx = JSON.parse(readFileSync(path, "utf8")) as IndexFile;
    if (idx.version !== INDEX_VERSION || idx.root !== root) return new Map();
    return new Map(idx.entries.map((e) => [e.file, e]));
  } catch {
    return new Map();
  }
}

/** Written atomically: a new temporary file (O_EXCL) renamed over the index (a link there is replaced). */
function writeIndex(path: string, idx: IndexFile): boolean {
  return writeCacheEntry(path, [Buffer.from(JSON.stringify(idx))]);
}

/**
 * Indexes every NetCDF (and GRIB) file under `dir`. Bad files are kept in the index with their error,
 * so they are reported (and not reopened) until they change.
 */
export async function scanCatalog(dir: string, opts: { cacheFile?: string } = {}): Promise<Catalog> {
  const root = resolve(dir);
  try {
    if (!statSync(root).isDirectory()) throw new Error("not a directory");
  } catch (e) {
    throw new Error(`forcing catalog ${root}: ${(e as Error).message}`);
  }
  const candidates = opts.cacheFile ? [resolve(opts.cacheFile)] : defaultIndexFiles(root);
  let cached = new Map<string, CatalogEntry>();
  for (const c of candidates) {
    cached = readIndex(c, root);
    if (cached.size) break;
  }
  const files: string[] = [];
  walk(root, files);
  const entries: CatalogEntry[] = [];
  let scanned = 0;
  for (const path of files) {
    const file = relative(root, path);
    const st = statSync(path);
    const old = cached.get(file);
    if (old && old.size === st.size && old.mtimeMs === st.mtimeMs) {
      entries.push(old);
      continue;
    }
    let known: boolean;
    try {
      known = formatOf(path) !== null;
    } catch {
      continue;
    }
    if (!known) continue; // not a forcing file (README, scripts …)
    scanned++;
    const entry: CatalogEntry = { file, size: st.size, mtimeMs: st.mtimeMs, vectors: [] };
    try {
      const d = await describeFile(path);
      entry.format = d.format;
      if (d.title) entry.title = d.title;
      entry.vectors = d.vectors;
      if (d.vectors.length === 0) entry.error = "has neither wind nor current variables";
    } catch (e) {
      if (!(e instanceof ForcingFileError)) throw e;
      entry.error = e.problem;
    }
    entries.push(entry);
  }
  let indexFile: string | null = null;
  if (scanned > 0 || entries.length !== cached.size) {
    for (const c of candidates) {
      if (writeIndex(c, { version: INDEX_VERSION, root, entries })) {
        indexFile = c;
        break;
      }
    }
  } else indexFile = candidates.find((c) => readIndex(c, root).size > 0) ?? null;
  return { root, entries, indexFile, scanned };
}

/**
 * The catalog's sources of wind or current for a window, highest priority first; each item is the
 * list of files (absolute paths, older forecasts first) that form one time series on one grid.
 * Priority: covering the whole window in time, then in area, then the finer grid, then the newer run.
 */
export function selectFromCatalog(catalog: Catalog, kind: VectorKind, window: ForcingWindow): string[][] {
  const east = window.east < window.west ? window.east + 360 : window.east; // a window across 180°
  const wbox: LonLatBox = { west: window.west, east, south: window.south, north: window.north };
  const groups = new Map<
    string,
    { files: { path: string; start: number }[]; v: VectorDescription; start: number; end: number }
  >();
  for (const e of catalog.entries) {
    if (e.error) continue;
    for (const v of e.vectors) {
      if (v.kind !== kind) continue;
      if (v.timeEnd < window.start || v.timeStart > window.end) continue;
      if (!boxesOverlap(v.area, wbox)) continue;
      const g = groups.get(v.signature) ?? { files: [], v, start: v.timeStart, end: v.timeEnd };
      g.files.push({ path: join(catalog.root, e.file), start: v.timeStart });
      g.start = Math.min(g.start, v.timeStart);
      g.end = Math.max(g.end, v.timeEnd);
      groups.set(v.signature, g);
    }
  }
  const ranked = [...groups.values()].map((g) => ({
    g,
    time: g.start <= window.start && g.end >= window.end ? 1 : 0,
    area: boxContains(g.v.area, wbox) ? 1 : 0,
  }));
  ranked.sort(
    (a, b) =>
      b.time - a.time || b.area - a.area || a.g.v.resolutionM - b.g.v.resolutionM || b.g.start - a.g.start,
  );
  return ranked.map((r) => r.g.files.sort((a, b) => a.start - b.start).map((f) => f.path));
}
