// A finished run read back from its result directory: particles.nc rebuilt into the run's Trajectory (the
// layout the core produced: time-major, a stopped particle kept where and as it stopped, NaN before
// release), the spec it ran (particles.nc's simulation_spec attribute) and the forcing record of
// summary.json. Search planning plans on it; an update after a search rewrites the products from it.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ObjectCategory } from "../core/objects.js";
import type { Trajectory } from "../core/trajectory.js";
import { type Simulation, Status } from "../core/types.js";
import type { ForcingProvenance } from "../forcing/index.js";
import { openNetcdf } from "../io/netcdf/open.js";
import { numAttr, strAttr } from "../io/netcdf/types.js";
import { parseSimulationSpec, type SimulationSpec } from "../pipeline/spec.js";
import { PRODUCT_FILES } from "../products/registry.js";

/** The searches a revision rests on (revision.json in a result directory written by `driftline searched`). */
export interface RevisionRecord {
  revision: number;
  /** The directory this revision was computed from. */
  parent: string | null;
  /** Σ weight of the run before any search: the denominator of the cumulative POS. */
  originalWeight: number;
  cumulativePos: number;
  searches: unknown[];
}

export interface RunFiles {
  dir: string;
  trajectory: Trajectory;
  spec: SimulationSpec;
  simulation: Simulation;
  category: ObjectCategory;
  forcing: ForcingProvenance[];
  revision: RevisionRecord | null;
}

export const REVISION_FILE = "revision.json";

/** Reads RESULT_DIR (particles.nc, summary.json, revision.json); errors name the file and what is missing. */
export async function readRunFiles(dir: string): Promise<RunFiles> {
  const ncPath = path.join(dir, PRODUCT_FILES.netcdf);
  if (!existsSync(ncPath))
    throw new Error(`${dir}: no ${PRODUCT_FILES.netcdf} (a result directory of driftline simulate)`);
  const file = await openNetcdf(ncPath);
  let trajectory: Trajectory;
  let specText: string | undefined;
  try {
    specText = file.attrs.get("simulation_spec")?.value as string | undefined;
    trajectory = trajectoryOfFile(file, ncPath);
  } finally {
    file.close();
  }
  if (typeof specText !== "string")
    throw new Error(`${ncPath}: no simulation_spec attribute (written by Driftline's simulate)`);
  const { spec, simulation, category } = parseSimulationSpec(JSON.parse(specText));
  let forcing: ForcingProvenance[] = [];
  const summaryPath = path.join(dir, PRODUCT_FILES.summary);
  if (existsSync(summaryPath)) {
    const summary = JSON.parse(await readFile(summaryPath, "utf8")) as { forcing?: ForcingProvenance[] };
    forcing = summary.forcing ?? [];
  }
  const revisionPath = path.join(dir, REVISION_FILE);
  const revision = existsSync(revisionPath)
    ? (JSON.parse(await readFile(revisionPath, "utf8")) as RevisionRecord)
    : null;
  return { dir, trajectory, spec, simulation, category, forcing, revision };
}

type NcFile = Awaited<ReturnType<typeof openNetcdf>>;

function trajectoryOfFile(file: NcFile, where: string): Trajectory {
  const need = (name: string) => {
    if (!file.variables.has(name)) throw new Error(`${where}: no variable ${name}`);
    return file.readAll(name);
  };
  const lonVar = file.variables.get("lon");
  if (lonVar?.dims.length !== 2 || lonVar.dims[0] !== "trajectory")
    throw new Error(`${where}: lon must be (trajectory, time)`);
  const n = lonVar.shape[0];
  const nt = lonVar.shape[1];
  const timeVar = file.variables.get("time");
  const units = (timeVar && strAttr(timeVar, "units")) ?? "";
  if (!/^seconds since 1970-01-01/.test(units))
    throw new Error(`${where}: time units ${units} not supported`);
  const times = Float64Array.from(need("time"));
  const lonIn = need("lon");
  const latIn = need("lat");
  const statusIn = need("status");
  const statusFill = numAttr(file.variables.get("status")!, "_FillValue") ?? -127;
  const optional = (name: string) => (file.variables.has(name) ? file.readAll(name) : undefined);
  const orientationIn = optional("orientation");
  const capsizedIn = optional("capsized");
  const forcingIn = ["x_wind", "y_wind", "x_sea_water_velocity", "y_sea_water_velocity"].map(optional);
  const size = n * nt;
  const lon = new Float32Array(size).fill(Number.NaN);
  const lat = new Float32Array(size).fill(Number.NaN);
  const status = new Uint8Array(size).fill(Status.unreleased);
  const orientation = new Uint8Array(size);
  const capsized = new Uint8Array(size);
  const forcing = forcingIn.map((v) => (v ? new Float32Array(size) : undefined));
  for (let i = 0; i < n; i++) {
    let last = -1;
    for (let k = 0; k < nt; k++) {
      const src = i * nt + k;
      const dst = k * n + i;
      const s = statusIn[src];
      const valid = s !== statusFill && !Number.isNaN(lonIn[src]);
      const from = valid ? src : last;
      if (from < 0) continue;
      if (valid) last = src;
      lon[dst] = lonIn[from];
      lat[dst] = latIn[from];
      status[dst] = statusIn[from];
      if (orientationIn) orientation[dst] = orientationIn[from];
      if (capsizedIn) capsized[dst] = capsizedIn[from];
      forcingIn.forEach((v, j) => {
        const out = forcing[j];
        if (v && out) out[dst] = valid ? v[src] : 0;
      });
    }
  }
  const weight = file.variables.has("weight")
    ? Float64Array.from(file.readAll("weight"))
    : new Float64Array(n).fill(1);
  const member = file.variables.has("member") ? Uint16Array.from(file.readAll("member")) : new Uint16Array(n);
  const scenario = file.variables.has("scenario")
    ? Uint16Array.from(file.readAll("scenario"))
    : new Uint16Array(n);
  return {
    n,
    times,
    lon,
    lat,
    status,
    orientation,
    capsized,
    windU: forcing[0],
    windV: forcing[1],
    currentU: forcing[2],
    currentV: forcing[3],
    releaseTime: Float64Array.from(need("release_time")),
    weight,
    member,
    scenario,
  };
}
