// Particle positions per output time, read from a mission's particles.nc (classic or NetCDF-4, through the
// forcing module's reader), in a compact form for the web map's animation: a sample of at most `max`
// particles, coordinates rounded to about 10 m.
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
  /** [time][particle]: 0 active, 1 stranded, 2 missing data, 3 outside domain, -1 no position. */
  status: number[][];
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** Reads lon/lat/status (trajectory × time) and time from the particles.nc at `path`. */
export async function particleCloudFromFile(path: string, max: number): Promise<ParticleCloud> {
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
    const statusFill = status ? numAttr(file.variables.get("status")!, "_FillValue") : undefined;
    const fill = numAttr(lonVar, "_FillValue");
    const times = unixTimes(file.readAll("time"), strAttr(timeVar, "units") ?? "seconds since 1970-01-01");

    const sample = Math.min(nTraj, Math.max(1, max));
    const picks = Array.from({ length: sample }, (_, k) => Math.floor((k * nTraj) / sample));
    const cloud: ParticleCloud = {
      times,
      particleCount: nTraj,
      sampleCount: sample,
      lon: [],
      lat: [],
      status: [],
    };
    for (let t = 0; t < nTime; t++) {
      const lonRow: (number | null)[] = [];
      const latRow: (number | null)[] = [];
      const statusRow: number[] = [];
      for (const p of picks) {
        const i = trajectoryFirst ? p * nTime + t : t * nTraj + p;
        const x = lon[i];
        const y = lat[i];
        const valid =
          Number.isFinite(x) && Number.isFinite(y) && x !== fill && Math.abs(x) < 1e30 && Math.abs(y) <= 90;
        lonRow.push(valid ? round4(x) : null);
        latRow.push(valid ? round4(y) : null);
        const s = status?.[i];
        statusRow.push(valid ? (s === undefined || s === statusFill || s < 0 || s > 100 ? 0 : s) : -1);
      }
      cloud.lon.push(lonRow);
      cloud.lat.push(latRow);
      cloud.status.push(statusRow);
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
