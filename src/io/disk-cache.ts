// Where Driftline keeps what it prepares once and reuses between processes (coastline rasters, NetCDF-4
// forcing decoded): DRIFTLINE_CACHE_DIR, else $XDG_CACHE_HOME/driftline, else ~/.cache/driftline;
// DRIFTLINE_CACHE_DIR=off turns the disk cache off. Only saves time: an entry is named by what it was made
// from (a changed source gets a new name), written to a temporary file created exclusively (O_EXCL, a name
// no other process or thread uses) and renamed into place, so concurrent processes never read a partial
// entry; a read-only or full disk is not an error.
import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
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
