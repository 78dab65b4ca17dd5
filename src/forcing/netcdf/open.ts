// Opens a NetCDF file with the right backend, chosen from the first bytes (not the file name).
import { closeSync, openSync, readSync } from "node:fs";
import { ForcingFileError } from "../errors.js";
import { ClassicNetcdf } from "./classic.js";
import { Hdf5Netcdf, hdf5Ready } from "./hdf5.js";
import type { NetcdfFile } from "./types.js";

export type ContainerKind = "netcdf-classic" | "hdf5" | "grib" | "unknown";

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Sniffs the container from the leading bytes. HDF5 may start at 0, 512, 1024 … (user block). */
export function sniffContainer(path: string): ContainerKind {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new ForcingFileError(path, `cannot open: ${(e as Error).message}`);
  }
  try {
    const head = new Uint8Array(8);
    const got = readSync(fd, head, 0, 8, 0);
    if (got >= 4 && head[0] === 0x43 && head[1] === 0x44 && head[2] === 0x46) return "netcdf-classic";
    if (got >= 4 && head[0] === 0x47 && head[1] === 0x52 && head[2] === 0x49 && head[3] === 0x42)
      return "grib";
    for (let at = 0; at <= 8192; at = at === 0 ? 512 : at * 2) {
      const got8 = readSync(fd, head, 0, 8, at);
      if (got8 < 8) break;
      if (HDF5_MAGIC.every((b, i) => head[i] === b)) return "hdf5";
    }
    return "unknown";
  } finally {
    closeSync(fd);
  }
}

export async function openNetcdf(path: string): Promise<NetcdfFile> {
  await hdf5Ready();
  return openNetcdfSync(path);
}

/** Synchronous open; NetCDF-4 files need hdf5Ready() to have resolved first. */
export function openNetcdfSync(path: string): NetcdfFile {
  const kind = sniffContainer(path);
  if (kind === "netcdf-classic") return ClassicNetcdf.open(path);
  if (kind === "hdf5") return Hdf5Netcdf.openSync(path);
  if (kind === "grib") throw new ForcingFileError(path, "is GRIB, not NetCDF");
  throw new ForcingFileError(path, "not a NetCDF file (neither classic CDF nor NetCDF-4/HDF5 signature)");
}
