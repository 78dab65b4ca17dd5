// Particle positions per output time, read from a mission's particles.nc (classic or NetCDF-4, through the
// forcing module's reader), in a compact form for the web map's animation: a sample of at most `max`
// particles, coordinates rounded to about 10 m, each with its weight (particles.nc's `weight`: scenarios and
// ensembles weigh particles), and the weighted share of every status as summary.json gives it.
import { openNetcdf } from "../../forcing/index.js";
import { numAttr, strAttr } from "../../io/netcdf/types.js";

export interface ParticleCloud {
  /** Output times, Unix seconds. */
  times: number[];
  /** Particles in the file, and in this sample. */
  particleCount: number;
  sampleCount: number;
  /** [time][particle]; null where the particle is not released yet or no longer has a position. */
  lon: (number | null)[][];
  lat: (number | null)[][];
  /**
   * [time][particle]: 0 active, 1 stranded, 2 missing data, 3 outside domain, -1 no position (not released).
   * A deactivated particle keeps its last position and status at every later time: a stranded one stays
   * where it came ashore (particles.nc writes fill after the snapshot of deactivation).
   */
  status: number[][];
  /** Counts by status over every particle in the file (not just the sample), per time: summary.json's. */
  counts: StatusTally[];
  /**
   * Share of the particles' total weight by status (every particle in the file), per time: summary.json's
   * `shares`, the probability of each state. Equal to counts / particleCount when every weight is 1.
   */
  shares: StatusTally[];
  /** [particle] weight of each sampled particle, relative (1 when particles.nc has no `weight`). */
  weight: number[];
}

export interface StatusTally {
  active: number;
  stranded: number;
  missingData: number;
  outsideDomain: number;
}

const tallyOf = (t: ArrayLike<number>, scale = 1): StatusTally => ({
  active: t[0] * scale,
  stranded: t[1] * scale,
  missingData: t[2] * scale,
  outsideDomain: t[3] * scale,
});

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/**
 * Reads lon/lat/status (trajectory × time) and time from the particles.nc at `path`; the sample is cut so
 * that it holds at most `maxPoints` positions (sample × times).
 */
export async function particleCloudFromFile(
  path: string,
  max: number,
  maxPoints = Number.POSITIVE_INFINITY,
): Promise<ParticleCloud> {
  const file = await openNetcdf(path);
  try {
    const lonVar = file.variables.get("lon");
    const latVar = file.variables.get("lat");
    const timeVar = file.variables.get("time");
    if (!lonVar || !latVar || !timeVar) throw new Error("particles.nc: needs variables lon, lat and time");
    if (lonVar.dims.length !== 2)
      throw new Error("particles.nc: lon must have two dimensions (trajectory, time)");
    const trajectoryFirst = lonVar.dims[0] !== "time";
    const nTraj = trajectoryFirst ? lonVar.shape[0] : lonVar.shape[1];
    const nTime = trajectoryFirst ? lonVar.shape[1] : lonVar.shape[0];
    const lon = file.readAll("lon");
    const lat = file.readAll("lat");
    const status = file.variables.has("status") ? file.readAll("status") : undefined;
    const weights = file.variables.has("weight") ? file.readAll("weight") : undefined;
    const weightOf = (p: number) => {
      const w = weights?.[p];
      return w === undefined || !Number.isFinite(w) || w < 0 ? 1 : w;
    };
    let totalWeight = 0;
    for (let p = 0; p < nTraj; p++) totalWeight += weightOf(p);
    const statusFill = status ? numAttr(file.variables.get("status")!, "_FillValue") : undefined;
    const fill = numAttr(lonVar, "_FillValue");
    const times = unixTimes(file.readAll("time"), strAttr(timeVar, "units") ?? "seconds since 1970-01-01");

    const sample = Math.min(nTraj, Math.max(1, Math.min(max, Math.floor(maxPoints / Math.max(1, nTime)))));
    const sampled = new Int32Array(nTraj).fill(-1);
    for (let k = 0; k < sample; k++) sampled[Math.floor((k * nTraj) / sample)] = k;
    const cloud: ParticleCloud = {
      times,
      particleCount: nTraj,
      sampleCount: sample,
      lon: [],
      lat: [],
      status: [],
      counts: [],
      shares: [],
      weight: [],
    };
    for (let p = 0; p < nTraj; p++) if (sampled[p] >= 0) cloud.weight.push(weightOf(p));
    // Last written position and status of every particle, carried over the fill after its deactivation.
    const lastLon = new Float64Array(nTraj);
    const lastLat = new Float64Array(nTraj);
    const lastStatus = new Int8Array(nTraj).fill(-1);
    for (let t = 0; t < nTime; t++) {
      const lonRow: (number | null)[] = new Array(sample).fill(null);
      const latRow: (number | null)[] = new Array(sample).fill(null);
      const statusRow: number[] = new Array(sample).fill(-1);
      const tally = [0, 0, 0, 0];
      const weighed = [0, 0, 0, 0];
      for (let p = 0; p < nTraj; p++) {
        const i = trajectoryFirst ? p * nTime + t : t * nTraj + p;
        const x = lon[i];
        const y = lat[i];
        const valid =
          Number.isFinite(x) && Number.isFinite(y) && x !== fill && Math.abs(x) < 1e30 && Math.abs(y) <= 90;
        if (valid) {
          const s = status?.[i];
          lastLon[p] = x;
          lastLat[p] = y;
          lastStatus[p] = s === undefined || s === statusFill || s < 0 || s > 3 ? 0 : s;
        } else if (lastStatus[p] <= 0) {
          // Not released yet, or (a file without status) no longer written: no position.
          lastStatus[p] = -1;
          continue;
        }
        tally[lastStatus[p]]++;
        weighed[lastStatus[p]] += weightOf(p);
        const k = sampled[p];
        if (k < 0) continue;
        lonRow[k] = round4(lastLon[p]);
        latRow[k] = round4(lastLat[p]);
        statusRow[k] = lastStatus[p];
      }
      cloud.lon.push(lonRow);
      cloud.lat.push(latRow);
      cloud.status.push(statusRow);
      cloud.counts.push(tallyOf(tally));
      cloud.shares.push(tallyOf(weighed, totalWeight > 0 ? 1 / totalWeight : 0));
    }
    return cloud;
  } finally {
    file.close();
  }
}

/** CF time → Unix seconds ("seconds|minutes|hours|days since YYYY-MM-DD[ hh:mm:ss]"). */
export function unixTimes(raw: ArrayLike<number>, units: string): number[] {
  const match = /^\s*(second|minute|hour|day)s?\s+since\s+(.+?)\s*$/i.exec(units);
  if (!match) throw new Error(`particles.nc: time units ${JSON.stringify(units)} not understood`);
  const scale = { second: 1, minute: 60, hour: 3600, day: 86400 }[match[1].toLowerCase() as "second"];
  let origin = match[2]
    .trim()
    .replace(/\s*UTC$/i, "")
    .replace(" ", "T");
  if (/^\d{4}-\d{2}-\d{2}$/.test(origin)) origin += "T00:00:00";
  if (!/([zZ]|[+-]\d{2}:?\d{2})$/.test(origin)) origin += "Z";
  const base = Date.parse(origin) / 1000;
  if (!Number.isFinite(base))
    throw new Error(`particles.nc: time origin ${JSON.stringify(match[2])} not understood`);
  return Array.from(raw, (t) => base + t * scale);
}
