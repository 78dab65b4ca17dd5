// Fetched forcing in the catalog directory, in the platform's layout:
//   {FORCING_DIR}/{wind|ocean-currents}/{YYYY}/{MM}/{DD}/{HH}/{provider}_{dataset}_{hash}.nc
// where YYYY…HH is the model run and hash is that of the requested area and times. Beside each file a
// hidden manifest (.{file}.json: provider, dataset, run, area, times, source) lets the next mission find
// a file that covers it without opening NetCDF and without any request. Hidden names (manifests, locks,
// partial downloads) are never indexed by the catalog.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ForcingWindow } from "../../core/types.js";
import { boxContains, type LonLatBox } from "../area.js";
import type { VectorKind } from "../discover.js";

export interface CacheManifest {
  version: 1;
  provider: string;
  dataset: string;
  kind: VectorKind;
  /** The run as chosen before download (RunChoice.id), used for lookups. */
  runId: string;
  /** The run as the data say it (may be more precise than runId). */
  modelRun: string;
  runTime: number;
  /** What the file really covers (from its coordinates). */
  area: LonLatBox;
  timeStart: number;
  timeEnd: number;
  file: string;
  bytes: number;
  sourceUrls: string[];
  fetchedAt: string;
}

/** The platform's data_type folder names. */
export function dataTypeOf(kind: VectorKind): string {
  return kind === "wind" ? "wind" : "ocean-currents";
}

export function runDir(root: string, kind: VectorKind, runTime: number): string {
  const d = new Date(runTime * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  return join(
    root,
    dataTypeOf(kind),
    String(d.getUTCFullYear()),
    p(d.getUTCMonth() + 1),
    p(d.getUTCDate()),
    p(d.getUTCHours()),
  );
}

const slug = (s: string) =>
  s
    .replace(/[^A-Za-z0-9.-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);

/** File name of one download: provider, dataset and a hash of the request (area and times). */
export function cacheFileName(
  provider: string,
  dataset: string,
  run: string,
  request: ForcingWindow,
): string {
  const key = JSON.stringify([
    provider,
    dataset,
    run,
    request.west,
    request.south,
    request.east,
    request.north,
    request.start,
    request.end,
  ]);
  const hash = createHash("sha1").update(key).digest("hex").slice(0, 12);
  return `${slug(provider)}_${slug(dataset)}_${hash}.nc`;
}

export const manifestPath = (dir: string, file: string) => join(dir, `.${file}.json`);

/** A cached file of this provider, dataset and run that covers the window, or null. No network. */
export async function findCached(
  dir: string,
  provider: string,
  dataset: string,
  modelRunId: string,
  need: ForcingWindow,
): Promise<CacheManifest | null> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return null;
  }
  const box: LonLatBox = { west: need.west, east: need.east, south: need.south, north: need.north };
  let best: CacheManifest | null = null;
  for (const name of names) {
    if (!name.startsWith(".") || !name.endsWith(".nc.json")) continue;
    let m: CacheManifest;
    try {
      m = JSON.parse(await readFile(join(dir, name), "utf8")) as CacheManifest;
    } catch {
      continue;
    }
    if (m.version !== 1 || m.provider !== provider || m.dataset !== dataset || m.runId !== modelRunId)
      continue;
    if (m.timeStart > need.start || m.timeEnd < need.end || !boxContains(m.area, box)) continue;
    try {
      const st = await stat(join(dir, m.file));
      if (st.size !== m.bytes) continue; // replaced or damaged: fetch again
    } catch {
      continue;
    }
    if (!best || m.bytes < best.bytes) best = m;
  }
  return best;
}

/** Moves a checked download into place and writes its manifest (the data file first: it is what counts). */
export async function installFile(tmpPath: string, dir: string, manifest: CacheManifest): Promise<string> {
  const target = join(dir, manifest.file);
  await rename(tmpPath, target);
  const mp = manifestPath(dir, manifest.file);
  const tmpManifest = `${mp}.${process.pid}.tmp`;
  await writeFile(tmpManifest, JSON.stringify(manifest, null, 1));
  await rename(tmpManifest, mp);
  return target;
}

export interface PruneResult {
  deleted: string[];
}

/**
 * Deletes fetched forcing (files with a manifest) fetched more than `olderThanDays` ago, leftover partial
 * downloads and lock files older than a day, and the folders this empties. Files put in the catalog by
 * hand (without a manifest) are never touched.
 */
export async function pruneFetched(
  root: string,
  olderThanDays: number,
  now = Date.now(),
): Promise<PruneResult> {
  if (!(olderThanDays >= 0)) throw new Error(`retention: days must be ≥ 0 (got ${olderThanDays})`);
  const cutoff = now - olderThanDays * 86_400_000;
  const deleted: string[] = [];
  const walk = async (dir: string, depth: number): Promise<boolean> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return false;
    }
    let left = names.length;
    for (const name of names) {
      const p = join(dir, name);
      let st: Awaited<ReturnType<typeof stat>>;
      try {
        st = await stat(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (await walk(p, depth + 1)) left--;
        continue;
      }
      if (name.startsWith(".") && name.endsWith(".nc.json")) {
        let m: CacheManifest | null = null;
        try {
          m = JSON.parse(await readFile(p, "utf8")) as CacheManifest;
        } catch {}
        const fetched = m ? Date.parse(m.fetchedAt) : st.mtimeMs;
        if (m && fetched < cutoff) {
          const data = join(dir, m.file);
          try {
            await unlink(data);
            deleted.push(data);
            left--;
          } catch {}
          await unlink(p).catch(() => {});
          left--;
        }
      } else if (
        name.startsWith(".") &&
        (name.endsWith(".part") || name.endsWith(".lock")) &&
        st.mtimeMs < now - 86_400_000
      ) {
        await rm(p, { force: true });
        left--;
      }
    }
    if (left <= 0 && depth > 1) {
      try {
        await rmdir(dir);
        return true;
      } catch {}
    }
    return false;
  };
  for (const kind of ["wind", "current"] as const) await walk(join(root, dataTypeOf(kind)), 1);
  return { deleted };
}

export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}
