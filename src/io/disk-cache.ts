// Where Driftline keeps what it prepares once and reuses between processes (coastline rasters, NetCDF-4
// forcing decoded): DRIFTLINE_CACHE_DIR, else $XDG_CACHE_HOME/driftline, else ~/.cache/driftline;
// DRIFTLINE_CACHE_DIR=off turns the disk cache off. Only saves time: an entry is named by what it was made
// from (a changed source gets a new name), written to a temporary file created exclusively (O_EXCL, a name
// no other process or thread uses) and renamed into place, so concurrent processes never read a partial
// entry; a read-only or full disk is not an error.
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** The cache directory, or undefined when the disk cache is off. */
export function diskCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const own = env.DRIFTLINE_CACHE_DIR;
  if (own !== undefined) return own === "off" || own === "" ? undefined : path.resolve(own);
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "driftline");
}

/** Writes an entry atomically (temporary file, then rename); false when it could not be written. */
export function writeCacheEntry(file: string, parts: readonly Uint8Array[]): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, Buffer.concat(parts), { flag: "wx" });
    renameSync(tmp, file);
    return true;
  } catch {
    rmSync(tmp, { force: true });
    return false;
  }
}

/**
 * Keeps a cache folder within `maxEntries` and `maxBytes`: the entries used longest ago (modification time,
 * which touchCacheEntry renews on use) go first. Files being written (.tmp) are left alone.
 */
export function pruneCacheFolder(dir: string, maxEntries: number, maxBytes: number): void {
  try {
    const entries = readdirSync(dir)
      .filter((name) => !name.endsWith(".tmp"))
      .map((name) => {
        const s = statSync(path.join(dir, name));
        return { file: path.join(dir, name), size: s.size, used: s.mtimeMs };
      })
      .sort((a, b) => b.used - a.used);
    let bytes = 0;
    for (let k = 0; k < entries.length; k++) {
      bytes += entries[k].size;
      if (k >= maxEntries || bytes > maxBytes) rmSync(entries[k].file, { force: true });
    }
  } catch {
    // Another process pruned at the same time, or the folder is not ours to change.
  }
}

/** Marks an entry as just used (for pruneCacheFolder). */
export function touchCacheEntry(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // read-only cache: it is only used less well
  }
}
