// A small CF NetCDF-3 file of one vector (10 m wind or surface current) on a regular lon/lat grid, written
// from what a provider decoded (GRIB2 messages, Zarr chunks), so that the forcing readers and the catalog
// use it like any other file. Times in seconds since 1970, float32 components, missing values as _FillValue.

import type { NcArray, NcAttributes, NcVariableDef } from "../../io/netcdf/types.js";
import { NC_FILL, ncValues, writeNetcdf3 } from "../../io/netcdf/write-classic.js";
import type { VectorKind } from "../discover.js";

export interface LonLatVector {
  kind: VectorKind;
  /** Increasing (may pass 180 for an area across the antimeridian). */
  lon: Float64Array;
  /** Increasing. */
  lat: Float64Array;
  /** Unix seconds, increasing. */
  times: number[];
  /** One field per time, row-major [lat][lon]; NaN where there is no value. */
  u: Float32Array[];
  v: Float32Array[];
  /** Forecast reference time (Unix s), when the data come from one model run. */
  referenceTime?: number;
  /** Global attributes: title, source, institution, references … */
  attributes: Record<string, string>;
  /** Variable names (default x_wind/y_wind or uo/vo). */
  names?: [string, string];
}

export async function writeLonLatVector(path: string, f: LonLatVector): Promise<void> {
  const nx = f.lon.length;
  const ny = f.lat.length;
  const nt = f.times.length;
  if (nx < 2 || ny < 2 || nt < 1)
    throw new Error(`${path}: a ${nx}×${ny} grid with ${nt} times is too small to use`);
  const wind = f.kind === "wind";
  const [uName, vName] = f.names ?? (wind ? ["x_wind", "y_wind"] : ["uo", "vo"]);
  const standard = wind
    ? ["eastward_wind", "northward_wind"]
    : ["eastward_sea_water_velocity", "northward_sea_water_velocity"];
  const component = (standardName: string, longName: string): NcAttributes => ({
    standard_name: standardName,
    long_name: longName,
    units: "m s-1",
    _FillValue: ncValues("float", NC_FILL.float),
    ...(wind ? { height: "10 m" } : { depth: "surface" }),
  });
  const fieldRows = (values: Float32Array[]) => (row0: number, rows: number, out: NcArray) => {
    const size = nx * ny;
    for (let t = 0; t < rows; t++) {
      const src = values[row0 + t];
      const base = t * size;
      for (let k = 0; k < size; k++) {
        const x = src[k];
        out[base + k] = Number.isNaN(x) ? NC_FILL.float : x;
      }
    }
  };
  const variables: NcVariableDef[] = [
    {
      name: "time",
      type: "double",
      dims: ["time"],
      attributes: {
        standard_name: "time",
        units: "seconds since 1970-01-01 00:00:00",
        calendar: "standard",
        axis: "T",
      },
      data: f.times,
    },
    {
      name: "lat",
      type: "double",
      dims: ["lat"],
      attributes: { standard_name: "latitude", units: "degrees_north", axis: "Y" },
      data: f.lat,
    },
    {
      name: "lon",
      type: "double",
      dims: ["lon"],
      attributes: { standard_name: "longitude", units: "degrees_east", axis: "X" },
      data: f.lon,
    },
    {
      name: uName,
      type: "float",
      dims: ["time", "lat", "lon"],
      attributes: component(standard[0], wind ? "eastward 10 m wind" : "eastward surface current"),
      rows: fieldRows(f.u),
    },
    {
      name: vName,
      type: "float",
      dims: ["time", "lat", "lon"],
      attributes: component(standard[1], wind ? "northward 10 m wind" : "northward surface current"),
      rows: fieldRows(f.v),
    },
  ];
  if (f.referenceTime !== undefined) {
    variables.splice(3, 0, {
      name: "forecast_reference_time",
      type: "double",
      dims: [],
      attributes: { standard_name: "forecast_reference_time", units: "seconds since 1970-01-01 00:00:00" },
      data: [f.referenceTime],
    });
  }
  await writeNetcdf3(path, {
    dimensions: { time: nt, lat: ny, lon: nx },
    attributes: { Conventions: "CF-1.8", ...f.attributes },
    variables,
  });
}
