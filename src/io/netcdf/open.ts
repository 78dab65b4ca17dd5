// Opens a NetCDF file with the right backend, chosen from the first bytes (not the file name).
import { existsSync } from "node:fs";
import { DataFileError } from "../errors.js";
import { readFileHead } from "../file-head.js";
import { cacheEntryPath, cacheNetcdf, openCachedNetcdf } from "./cached.js";
import { ClassicNetcdf } from "./read-classic.js";
import { Hdf5Netcdf, hdf5Ready } from "./read-hdf5.js";
import type { NetcdfFile } from "./types.js";

/** Bytes of a file's head that netcdfContainer needs (the last place an HDF5 signature may start, + 8). */
export const NETCDF_HEAD_BYTES = 8192 + 8;

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The NetCDF container a file's leading bytes show, or null. HDF5 may start at 0, 512, 1024 … (user
 * block).
 */
export function netcdfContainer(head: Uint8Array): "classic" | "hdf5" | null {
  if (head.length >= 4 && head[0] === 0x43 && head[1] === 0x44 && head[2] === 0x46) return "classic";
  for (let at = 0; at + 8 <= head.length && at <= 8192; at = at === 0 ? 512 : at * 2) {
    if (HDF5_MAGIC.every((b, i) => head[at + i] === b)) return "hdf5";
  }
  return null;
}

export async function openNetcdf(path: string): Promise<NetcdfFile> {
  await netcdfReadyFor([path]);
  return openNetcdfSync(path);
}

/**
 * Resolves once openNetcdfSync can open every one of these files: h5wasm loads only for a NetCDF-4 file
 * that has no decoded copy in the disk cache (io/netcdf/cached.ts).
 */
export async function netcdfReadyFor(paths: Iterable<string>): Promise<void> {
  for (const path of new Set(paths)) {
    if (needsHdf5(path)) {
      await hdf5Ready();
      return;
    }
  }
}

function needsHdf5(path: string): boolean {
  if (netcdfContainer(readFileHead(path, NETCDF_HEAD_BYTES)) !== "hdf5") return false;
  const entry = cacheEntryPath(path);
  return !entry || !existsSync(entry);
}

/** A NetCDF-4 file through h5wasm, its decoded copy put in the disk cache when small enough. */
function openHdf5(path: string): NetcdfFile {
  const file = Hdf5Netcdf.openSync(path);
  try {
    cacheNetcdf(file);
  } catch {
    // A file that cannot be read whole is read slab by slab as before; its errors show there.
  }
  return file;
}

/** Synchronous open; NetCDF-4 files need hdf5Ready() to have resolved first. */
export function openNetcdfSync(path: string): NetcdfFile {
  const head = readFileHead(path, NETCDF_HEAD_BYTES);
  const kind = netcdfContainer(head);
  if (kind === "classic") return ClassicNetcdf.open(path);
  if (kind === "hdf5") return openCachedNetcdf(path) ?? openHdf5(path);
  if (head.length >= 4 && String.fromCharCode(...head.subarray(0, 4)) === "GRIB")
    throw new DataFileError(path, "is GRIB, not NetCDF");
  throw new DataFileError(path, "not a NetCDF file (neither classic CDF nor NetCDF-4/HDF5 signature)");
}
