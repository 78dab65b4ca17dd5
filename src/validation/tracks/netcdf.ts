// CF trajectory NetCDF (discrete sampling geometry, featureType = trajectory) as OpenDrift, TrajAn and Driftline
// write it, classic or NetCDF-4:
//  - orthogonal/incomplete multidimensional: lon, lat (trajectory, time|obs) with time (time) — OpenDrift and
//    Driftline's particles.nc — or time (trajectory, obs) — TrajAn; fill values end or gap a track;
//  - contiguous ragged array: lon, lat, time (obs) and a row size variable (sample_dimension = "obs");
//  - indexed ragged array: an index variable (instance_dimension = "trajectory");
//  - one track: lon, lat, time (time).
// Drifter names come from the cf_role = "trajectory_id" variable (numbers or text), else 1, 2, ….

import { parseTimeUnits, readDecoded } from "../../forcing/cf.js";
import { openNetcdf } from "../../io/netcdf/open.js";
import { type NcVariable, type NetcdfFile, strAttr } from "../../io/netcdf/types.js";
import { finishTracks, type ObservedTrack, TrackError, TrackGrouper } from "../track.js";

function findVariable(f: NetcdfFile, standardName: string, names: string[]): NcVariable | undefined {
  const vars = [...f.variables.values()];
  return (
    vars.find((v) => strAttr(v, "standard_name") === standardName) ??
    vars.find((v) => names.includes(v.name.toLowerCase()))
  );
}

function decodedTimes(file: string, f: NetcdfFile, v: NcVariable): Float64Array {
  const units = strAttr(v, "units");
  if (!units) throw new TrackError(file, `time variable ${v.name} has no units ("seconds since 1970-01-01")`);
  let tu: ReturnType<typeof parseTimeUnits>;
  try {
    tu = parseTimeUnits(units, strAttr(v, "calendar") ?? "standard");
  } catch (e) {
    throw new TrackError(file, `time variable ${v.name}: ${(e as Error).message}`);
  }
  const raw = readDecoded(f, v.name);
  for (let i = 0; i < raw.length; i++) raw[i] = Math.round((tu.epoch + raw[i] * tu.factor) * 1000) / 1000;
  return raw;
}

function trajectoryIds(f: NetcdfFile, dim: string | undefined, count: number): string[] {
  const idVar = [...f.variables.values()].find(
    (v) => strAttr(v, "cf_role") === "trajectory_id" && (dim === undefined || v.dims[0] === dim),
  );
  const fallback = Array.from({ length: count }, (_, i) => String(i + 1));
  if (!idVar) return fallback;
  try {
    if (idVar.type === "char" || idVar.type === "string") {
      const text = f.readText?.(idVar.name);
      if (text && text.length === count) return text.map((s, i) => s.trim() || fallback[i]);
      return fallback;
    }
    const values = f.readAll(idVar.name);
    return values.length === count ? Array.from(values, (v) => String(v)) : fallback;
  } catch {
    return fallback;
  }
}

export async function readNetcdfTrack(file: string): Promise<ObservedTrack[]> {
  let f: NetcdfFile;
  try {
    f = await openNetcdf(file);
  } catch (e) {
    throw new TrackError(file, `not a readable NetCDF file: ${(e as Error).message}`);
  }
  try {
    const lonVar = findVariable(f, "longitude", ["lon", "longitude"]);
    const latVar = findVariable(f, "latitude", ["lat", "latitude"]);
    const timeVar = findVariable(f, "time", ["time"]);
    if (!lonVar || !latVar || !timeVar) {
      throw new TrackError(
        file,
        `needs longitude, latitude and time variables (standard_name or named lon, lat, time); missing ${[
          lonVar ? "" : "longitude",
          latVar ? "" : "latitude",
          timeVar ? "" : "time",
        ]
          .filter(Boolean)
          .join(", ")}`,
      );
    }
    if (lonVar.dims.join() !== latVar.dims.join()) {
      throw new TrackError(file, `lon (${lonVar.dims}) and lat (${latVar.dims}) have different dimensions`);
    }
    const lon = readDecoded(f, lonVar.name);
    const lat = readDecoded(f, latVar.name);
    const time = decodedTimes(file, f, timeVar);
    const grouper = new TrackGrouper();
    const add = (id: string, t: number, i: number) => {
      if (Number.isFinite(t) && Number.isFinite(lon[i]) && Number.isFinite(lat[i]))
        grouper.add(id, t, lon[i], lat[i]);
    };
    if (lonVar.dims.length === 2) {
      // Multidimensional: which dimension is the trajectory's?
      const timeDims = timeVar.dims;
      const obsAxis =
        timeDims.length === 1
          ? lonVar.dims.indexOf(timeDims[0])
          : timeDims.join() === lonVar.dims.join()
            ? 1
            : -1;
      if (obsAxis < 0) {
        throw new TrackError(file, `time (${timeDims}) does not share a dimension with lon (${lonVar.dims})`);
      }
      const [n0, n1] = lonVar.shape;
      const nTraj = obsAxis === 1 ? n0 : n1;
      const nObs = obsAxis === 1 ? n1 : n0;
      const ids = trajectoryIds(f, lonVar.dims[1 - obsAxis], nTraj);
      for (let p = 0; p < nTraj; p++) {
        for (let o = 0; o < nObs; o++) {
          const i = obsAxis === 1 ? p * nObs + o : o * nTraj + p;
          add(ids[p], timeDims.length === 1 ? time[o] : i < time.length ? time[i] : Number.NaN, i);
        }
      }
    } else if (lonVar.dims.length === 1) {
      const vars = [...f.variables.values()];
      const rowSize = vars.find((v) => strAttr(v, "sample_dimension") === lonVar.dims[0]);
      const index = vars.find(
        (v) => strAttr(v, "instance_dimension") !== undefined && v.dims[0] === lonVar.dims[0],
      );
      if (rowSize) {
        const sizes = f.readAll(rowSize.name);
        const ids = trajectoryIds(f, rowSize.dims[0], sizes.length);
        let i = 0;
        sizes.forEach((size, p) => {
          for (let o = 0; o < size; o++, i++) add(ids[p], time[i], i);
        });
      } else if (index) {
        const owner = f.readAll(index.name);
        const dim = strAttr(index, "instance_dimension");
        const nTraj = f.dims.find((d) => d.name === dim)?.size ?? 0;
        const ids = trajectoryIds(f, dim, nTraj);
        for (let i = 0; i < owner.length; i++) add(ids[owner[i]] ?? String(owner[i] + 1), time[i], i);
      } else {
        const ids = trajectoryIds(f, undefined, 1);
        for (let i = 0; i < lon.length; i++) add(ids[0], time[i], i);
      }
    } else {
      throw new TrackError(file, `lon has ${lonVar.dims.length} dimensions (1 or 2: a CF trajectory file)`);
    }
    return finishTracks(file, grouper.groups());
  } finally {
    f.close();
  }
}
