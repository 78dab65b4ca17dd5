// A finished run read back from its result directory (`driftline validate --result DIR`): particles.nc gives the
// trajectory, weights and members, and the spec it was run from (global attribute simulation_spec) gives the
// simulation; the land mask is rebuilt from the bundled coastline as the run did.
import { existsSync } from "node:fs";
import path from "node:path";
import type { Trajectory } from "../core/trajectory.js";
import { type LandMask, Status } from "../core/types.js";
import { parseTimeUnits } from "../forcing/cf.js";
import { openNetcdf } from "../io/netcdf/open.js";
import { numAttr, strAttr } from "../io/netcdf/types.js";
import { parseSimulationSpec } from "../pipeline/spec.js";
import { prepareLandmaskFor } from "../pipeline/window.js";
import type { ProductContext } from "../products/context.js";
import { buildSnapshotSummaries } from "../products/summary.js";
import { SOFTWARE_VERSION } from "../version.js";
import { TrackError } from "./track.js";

/** The spec a Driftline particles.nc was run from (its simulation_spec attribute). */
export async function specOfResult(file: string): Promise<Record<string, unknown>> {
  const f = await openNetcdf(file);
  try {
    const specJson = strAttr({ attrs: f.attrs }, "simulation_spec");
    if (!specJson) throw new TrackError(file, "no simulation_spec attribute (not written by Driftline)");
    return JSON.parse(specJson) as Record<string, unknown>;
  } finally {
    f.close();
  }
}

/** The run in `dir` (its particles.nc) as the products saw it. Throws TrackError naming what is missing. */
export async function contextFromResult(dir: string): Promise<ProductContext> {
  const file = path.join(dir, "particles.nc");
  if (!existsSync(file))
    throw new TrackError(dir, "no particles.nc (the --result directory of a driftline run)");
  const f = await openNetcdf(file);
  try {
    const specJson = strAttr({ attrs: f.attrs }, "simulation_spec");
    if (!specJson) throw new TrackError(file, "no simulation_spec attribute (not written by Driftline)");
    const { simulation, category } = parseSimulationSpec(JSON.parse(specJson));
    const lonVar = f.variables.get("lon");
    const timeVar = f.variables.get("time");
    if (!lonVar || !timeVar || lonVar.dims.join() !== "trajectory,time") {
      throw new TrackError(file, "needs lon, lat, status (trajectory, time) and time");
    }
    const [n, nt] = lonVar.shape;
    const tu = parseTimeUnits(strAttr(timeVar, "units") ?? "seconds since 1970-01-01");
    const times = Float64Array.from(f.readAll("time"), (v) => tu.epoch + v * tu.factor);
    const lonRaw = f.readAll("lon");
    const latRaw = f.readAll("lat");
    const statusRaw = f.readAll("status");
    const statusFill = numAttr(f.variables.get("status")!, "_FillValue") ?? -127;
    const weight = f.variables.has("weight") ? f.readAll("weight") : new Float64Array(n).fill(1);
    const member = f.variables.has("member") ? Uint16Array.from(f.readAll("member")) : new Uint16Array(n);
    const releaseTime = f.variables.has("release_time")
      ? f.readAll("release_time")
      : new Float64Array(n).fill(times[0]);
    // Time-major, as the core records it; after deactivation a particle keeps its last position and status.
    const lon = new Float32Array(n * nt).fill(Number.NaN);
    const lat = new Float32Array(n * nt).fill(Number.NaN);
    const status = new Uint8Array(n * nt).fill(Status.unreleased);
    for (let i = 0; i < n; i++) {
      let last = -1;
      for (let k = 0; k < nt; k++) {
        const src = i * nt + k;
        const dst = k * n + i;
        const s = statusRaw[src];
        if (s !== statusFill && Number.isFinite(lonRaw[src]) && Number.isFinite(latRaw[src])) {
          lon[dst] = lonRaw[src];
          lat[dst] = latRaw[src];
          status[dst] = s;
          last = dst;
        } else if (last >= 0 && status[last] !== Status.active) {
          lon[dst] = lon[last];
          lat[dst] = lat[last];
          status[dst] = status[last];
        }
      }
    }
    const empty = new Uint8Array(n * nt);
    const trajectory: Trajectory = {
      n,
      times,
      lon,
      lat,
      status,
      orientation: empty,
      capsized: empty,
      releaseTime,
      weight,
      member,
      scenario: f.variables.has("scenario") ? Uint16Array.from(f.readAll("scenario")) : new Uint16Array(n),
    };
    let landmask: LandMask | undefined;
    if (simulation.coastline !== "none")
      landmask = await prepareLandmaskFor(simulation).catch(() => undefined);
    return {
      simulation,
      specJson,
      category,
      trajectory,
      summaries: buildSnapshotSummaries(trajectory),
      landmask,
      forcing: [],
      densityCellM: 1000,
      softwareVersion: SOFTWARE_VERSION,
    };
  } finally {
    f.close();
  }
}
