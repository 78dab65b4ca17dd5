// Bad forcing files: each gives a ForcingFileError that names the file and the problem, and nothing
// crashes the process (the caller decides to skip the file or fail the mission).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ForcingFileError } from "../../src/forcing/errors.js";
import { layoutOf, openVectorSources } from "../../src/forcing/netcdf-format.js";
import { type WFile, type WVar, writeNc } from "./nc-writer.js";

const FORCING = fileURLToPath(new URL("../../data-bundled/forcing/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "driftline-bad-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function lonlatFile(
  extra: Partial<WFile> & { vars?: WVar[] } = {},
  opts: { units?: string; calendar?: string } = {},
): WFile {
  return {
    dims: { time: 2, lat: 3, lon: 4, ...(extra.dims ?? {}) },
    vars: [
      {
        name: "time",
        dims: ["time"],
        type: "double",
        attrs: {
          units: opts.units ?? "hours since 2016-02-01",
          ...(opts.calendar ? { calendar: opts.calendar } : {}),
        },
        data: [0, 1],
      },
      { name: "lat", dims: ["lat"], type: "double", attrs: { units: "degrees_north" }, data: [60, 61, 62] },
      { name: "lon", dims: ["lon"], type: "double", attrs: { units: "degrees_east" }, data: [0, 1, 2, 3] },
      ...(extra.vars ?? []),
    ],
  };
}
const windVars = (vDims = ["time", "lat", "lon"]): WVar[] => [
  {
    name: "u10",
    dims: ["time", "lat", "lon"],
    type: "float",
    attrs: { standard_name: "eastward_wind" },
    data: () => 1,
  },
  { name: "v10", dims: vDims, type: "float", attrs: { standard_name: "northward_wind" }, data: () => 2 },
];

interface Case {
  name: string;
  make: (path: string) => void;
  kind: "wind" | "current";
  message: RegExp;
}

const cases: Case[] = [
  {
    name: "truncated classic file",
    make: (p) => writeFileSync(p, readFileSync(`${FORCING}Arctic20_1to5Feb_2016.nc`).subarray(0, 1_000_000)),
    kind: "current",
    message: /truncated: the header promises \d+ bytes of data, the file has 1000000/,
  },
  {
    name: "truncated NetCDF-4 file",
    make: (p) =>
      writeFileSync(p, readFileSync(`${FORCING}synthetic_wind_20160201_lonlat.nc`).subarray(0, 300_000)),
    kind: "wind",
    message: /NetCDF-4\/HDF5|damaged|cannot read/,
  },
  {
    name: "corrupt classic header",
    make: (p) => writeFileSync(p, Buffer.concat([Buffer.from("CDF\x01"), Buffer.alloc(60, 0xee)])),
    kind: "wind",
    message: /not a readable NetCDF file/,
  },
  {
    name: "HDF5 signature then garbage",
    make: (p) =>
      writeFileSync(
        p,
        Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(5000, 7)]),
      ),
    kind: "wind",
    message: /not a readable NetCDF-4\/HDF5 file/,
  },
  {
    name: "text file",
    make: (p) => writeFileSync(p, "hello, not a grid\n"),
    kind: "wind",
    message: /not a NetCDF file/,
  },
  { name: "empty file", make: (p) => writeFileSync(p, ""), kind: "current", message: /not a NetCDF file/ },
  {
    name: "neither wind nor current",
    make: (p) =>
      writeNc(
        p,
        lonlatFile({
          vars: [
            {
              name: "sst",
              dims: ["time", "lat", "lon"],
              type: "float",
              attrs: { standard_name: "sea_surface_temperature" },
              data: () => 5,
            },
          ],
        }),
      ),
    kind: "current",
    message:
      /has no current variables and no wind nor current either; looked for standard_name x_sea_water_velocity/,
  },
  {
    name: "wind file asked for current",
    make: (p) => writeNc(p, lonlatFile({ vars: windVars() })),
    kind: "current",
    message: /has no current variables \(it has wind: u10\/v10\)/,
  },
  {
    name: "unknown projection",
    make: (p) =>
      writeNc(p, {
        dims: { time: 1, y: 3, x: 3 },
        vars: [
          {
            name: "time",
            dims: ["time"],
            type: "double",
            attrs: { units: "hours since 2016-02-01" },
            data: [0],
          },
          {
            name: "x",
            dims: ["x"],
            type: "double",
            attrs: { units: "m", standard_name: "projection_x_coordinate" },
            data: [0, 1, 2],
          },
          {
            name: "y",
            dims: ["y"],
            type: "double",
            attrs: { units: "m", standard_name: "projection_y_coordinate" },
            data: [0, 1, 2],
          },
          {
            name: "crs",
            dims: [],
            type: "int",
            attrs: { grid_mapping_name: "vertical_perspective_sideways" },
            data: [0],
          },
          {
            name: "xw",
            dims: ["time", "y", "x"],
            type: "float",
            attrs: { standard_name: "x_wind", grid_mapping: "crs" },
            data: () => 1,
          },
          {
            name: "yw",
            dims: ["time", "y", "x"],
            type: "float",
            attrs: { standard_name: "y_wind", grid_mapping: "crs" },
            data: () => 1,
          },
        ],
      }),
    kind: "wind",
    message: /unknown projection: grid_mapping_name "vertical_perspective_sideways" not supported/,
  },
  {
    name: "projected x/y without any projection",
    make: (p) =>
      writeNc(p, {
        dims: { time: 1, y: 3, x: 3 },
        vars: [
          {
            name: "time",
            dims: ["time"],
            type: "double",
            attrs: { units: "hours since 2016-02-01" },
            data: [0],
          },
          {
            name: "x",
            dims: ["x"],
            type: "double",
            attrs: { units: "m", standard_name: "projection_x_coordinate" },
            data: [0, 1, 2],
          },
          {
            name: "y",
            dims: ["y"],
            type: "double",
            attrs: { units: "m", standard_name: "projection_y_coordinate" },
            data: [0, 1, 2],
          },
          {
            name: "xw",
            dims: ["time", "y", "x"],
            type: "float",
            attrs: { standard_name: "x_wind" },
            data: () => 1,
          },
          {
            name: "yw",
            dims: ["time", "y", "x"],
            type: "float",
            attrs: { standard_name: "y_wind" },
            data: () => 1,
          },
        ],
      }),
    kind: "wind",
    message: /unknown projection: x\/y coordinates x\/y without grid_mapping or proj4/,
  },
  {
    name: "inconsistent dimensions of u and v",
    make: (p) => writeNc(p, lonlatFile({ dims: { lat2: 2 }, vars: windVars(["time", "lat2", "lon"]) })),
    kind: "wind",
    message: /inconsistent dimensions: u10\(time,lat,lon\) 2×3×4 vs v10\(time,lat2,lon\) 2×2×4/,
  },
  {
    name: "time coordinate of the wrong length",
    make: (p) => {
      const f = lonlatFile({ dims: { time: 2, t2: 3 }, vars: windVars() });
      f.vars[0] = { ...f.vars[0], dims: ["t2"], data: [0, 1, 2] };
      f.vars.push({
        name: "time_other",
        dims: ["time"],
        type: "double",
        attrs: { units: "days" },
        data: [0, 1],
      });
      writeNc(p, f);
    },
    kind: "wind",
    message: /inconsistent dimensions: time has 3 values, u10 2 times/,
  },
  {
    name: "time units not understood",
    make: (p) => writeNc(p, lonlatFile({ vars: windVars() }, { units: "hours after lunch" })),
    kind: "wind",
    message: /time variable time: time units "hours after lunch" are not "<unit> since <date>"/,
  },
  {
    name: "unsupported calendar",
    make: (p) => writeNc(p, lonlatFile({ vars: windVars() }, { calendar: "360_day" })),
    kind: "wind",
    message: /calendar "360_day" not supported \(allowed: standard, gregorian, proleptic_gregorian, julian\)/,
  },
  {
    name: "non-monotonic latitudes",
    make: (p) => {
      const f = lonlatFile({ vars: windVars() });
      f.vars[1] = { ...f.vars[1], data: [60, 62, 61] };
      writeNc(p, f);
    },
    kind: "wind",
    message: /coordinate lat is not strictly monotonic at index 2/,
  },
];

describe("bad forcing files", () => {
  it.each(cases)("$name → ForcingFileError naming the file", async (c) => {
    const path = join(tmp, `${c.name.replace(/\W+/g, "_")}.nc`);
    c.make(path);
    let error: unknown;
    try {
      await layoutOf(path, c.kind);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ForcingFileError);
    const e = error as ForcingFileError;
    expect(e.file).toBe(path);
    expect(e.message.startsWith(`${path}: `)).toBe(true);
    expect(e.message).toMatch(c.message);
  });

  it("a missing file", async () => {
    await expect(layoutOf(join(tmp, "nope.nc"), "wind")).rejects.toThrow(/nope\.nc: cannot open/);
  });

  it("a file damaged after it was opened fails the read, not the process", async () => {
    const path = join(tmp, "shrinks.nc");
    copyFileSync(`${FORCING}Arctic20_1to5Feb_2016.nc`, path);
    const [src] = await openVectorSources([path], "current");
    writeFileSync(path, readFileSync(path).subarray(0, 200_000));
    await expect(
      src.prepare({ start: 1454328000, end: 1454414400, west: 13, east: 16, south: 68, north: 70 }),
    ).rejects.toThrow(ForcingFileError);
  });
});
