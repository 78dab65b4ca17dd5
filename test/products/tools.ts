// Runs the Debian tools the product tests check files with: ncdump (netcdf-bin) and /usr/bin/python3 with
// netCDF4 and xarray (python3-netcdf4, python3-xarray).
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), "driftline-products-"));
}

export function ncdump(args: string[]): string {
  return execFileSync("ncdump", args, { encoding: "utf8", maxBuffer: 64 << 20 });
}

/** Runs a Python script with arguments; returns what it prints (JSON by convention). */
export function python(script: string, args: string[] = []): string {
  return execFileSync("/usr/bin/python3", ["-c", script, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
}

export function pythonJson<T = unknown>(script: string, args: string[] = []): T {
  return JSON.parse(python(script, args)) as T;
}
