// NetCDF readers (classic and NetCDF-4) and the CF layer: packing, fill values, time units, calendars.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { civilToUnix, parseTimeUnits, readTimes, unpacker, unpackInPlace } from "../../src/forcing/cf.js";
import { openNetcdf } from "../../src/io/netcdf/open.js";
import { f32, i16, writeNc } from "./nc-writer.js";

const FORCING = fileURLToPath(new URL("../../data-bundled/forcing/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "driftline-nc-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("classic reader", () => {
  it("reads the header and hyperslabs of a 64-bit offset file", async () => {
    const f = await openNetcdf(`${FORCING}Arctic20_1to5Feb_2016.nc`);
    expect(f.format).toBe("64-bit offset");
    expect(f.dims.map((d) => `${d.name}=${d.size}`)).toEqual(["X=91", "Y=51", "time=5", "depth=17"]);
    const u = f.variables.get("u")!;
    expect(u.dims).toEqual(["time", "depth", "Y", "X"]);
    expect(u.type).toBe("short");
    const sf = u.attrs.get("scale_factor")!;
    expect(sf.type).toBe("float");
    expect((sf.value as number[])[0]).toBeCloseTo(0.0003052223, 10);
    // Values as netCDF4-python reads them (auto mask/scale off): u[1, 0, 8:11, 20:24].
    expect([...f.read("u", [1, 0, 8, 20], [1, 1, 3, 4])]).toEqual([
      2374, 2775, 2709, 2689, 1174, 1238, 981, 1030, 502, 653, 655, 970,
    ]);
    expect([...f.readAll("time")]).toEqual([1454328000, 1454414400, 1454500800, 1454587200, 1454673600]);
    f.close();
  });

  it("reads scalar, char and packed variables written by another writer", async () => {
    const path = join(tmp, "small.nc");
    writeNc(path, {
      dims: { t: 2, y: 2, x: 3 },
      attrs: { title: "test file" },
      vars: [
        { name: "s", dims: [], type: "double", data: [42.5] },
        {
          name: "p",
          dims: ["t", "y", "x"],
          type: "short",
          attrs: {
            scale_factor: f32(0.5),
            add_offset: f32(1),
            _FillValue: i16(-32767),
            missing_value: i16(-1),
          },
          data: [0, 1, 2, 3, 4, -32767, -1, 7, 8, 9, 10, 11],
        },
      ],
    });
    const f = await openNetcdf(path);
    expect(f.format).toBe("classic");
    expect([...f.readAll("s")]).toEqual([42.5]);
    const p = f.variables.get("p")!;
    const decoded = unpackInPlace(f.read("p", [0, 1, 1], [2, 1, 2]), unpacker(p));
    expect([...decoded]).toEqual([3, Number.NaN, 6, 6.5]);
    expect([...unpackInPlace(f.read("p", [1, 0, 0], [1, 1, 2]), unpacker(p))]).toEqual([Number.NaN, 4.5]);
    expect(f.attrs.get("title")?.value).toBe("test file");
    f.close();
  });
});

describe("NetCDF-4 reader", () => {
  it("reads dimensions through dimension scales and hyperslabs through h5wasm", async () => {
    const f = await openNetcdf(`${FORCING}synthetic_wind_20160201_lonlat.nc`);
    expect(f.format).toBe("netCDF-4 (HDF5)");
    expect(f.dims.map((d) => d.name).sort()).toEqual(["lat", "lon", "time"]);
    expect(f.variables.get("eastward_wind")!.dims).toEqual(["time", "lat", "lon"]);
    const v = f.read("eastward_wind", [2, 3, 4], [1, 2, 2]);
    expect([...v].map((x) => x.toFixed(6))).toEqual(["10.855201", "11.001427", "10.945604", "11.091667"]);
    const t = readTimes(f, "time");
    expect(t[0]).toBe(Date.UTC(2016, 1, 1) / 1000);
    expect(t[120]).toBe(Date.UTC(2016, 1, 6) / 1000);
    f.close();
  });

  it("reads ROMS dimensions and a pure dimension", async () => {
    const f = await openNetcdf(`${FORCING}Nordic_subset.nc`);
    expect(f.variables.get("u")!.dims).toEqual(["ocean_time", "s_rho", "eta_u", "xi_u"]);
    expect(f.variables.has("eta_u")).toBe(false); // a dimension without a variable
    expect(f.dims.find((d) => d.name === "ocean_time")?.unlimited).toBe(true);
    f.close();
  });
});

describe("CF time", () => {
  it("parses units with the usual reference date spellings", () => {
    expect(parseTimeUnits("seconds since 1970-01-01 00:00:00 +00:00")).toEqual({ factor: 1, epoch: 0 });
    expect(parseTimeUnits("hours since 2016-02-01 00:00:00")).toEqual({ factor: 3600, epoch: 1454284800 });
    expect(parseTimeUnits("days since 1950-01-01T00:00:00Z")).toEqual({ factor: 86400, epoch: -631152000 });
    expect(parseTimeUnits("minutes since 2016-2-1")).toEqual({ factor: 60, epoch: 1454284800 });
    expect(parseTimeUnits("hours since 2016-02-01 01:00:00 +01:00").epoch).toBe(1454284800);
    expect(parseTimeUnits("seconds since 2016-02-01 00:00:00.0 UTC").epoch).toBe(1454284800);
  });

  it("handles standard (mixed Julian/Gregorian), proleptic_gregorian and julian calendars", () => {
    // 1582-10-15 (Gregorian) follows 1582-10-04 (Julian) in the standard calendar.
    expect(
      civilToUnix(1582, 10, 15, 0, 0, 0, "standard") - civilToUnix(1582, 10, 4, 0, 0, 0, "standard"),
    ).toBe(86400);
    const std = parseTimeUnits("days since 0001-01-01", "standard").epoch;
    const pro = parseTimeUnits("days since 0001-01-01", "proleptic_gregorian").epoch;
    expect((pro - std) / 86400).toBe(2); // the Julian 0001-01-01 is 2 days before the proleptic Gregorian one
    // 2016-02-01 as days since 0001-01-01 in the standard calendar (netCDF4.date2num): 735996.
    expect(std + 735996 * 86400).toBe(1454284800);
    expect(parseTimeUnits("days since 2000-01-01", "gregorian").epoch).toBe(946684800);
    expect(() => parseTimeUnits("days since 2000-01-01", "360_day")).toThrow(
      /calendar "360_day" not supported/,
    );
    expect(() => parseTimeUnits("months since 2000-01-01")).toThrow(/time unit "months" not supported/);
    expect(() => parseTimeUnits("fortnights")).toThrow(/since/);
  });
});

describe("CF packing", () => {
  it("honours _Unsigned on signed integer types", async () => {
    const path = join(tmp, "unsigned.nc");
    writeNc(path, {
      dims: { x: 4 },
      vars: [
        {
          name: "b",
          dims: ["x"],
          type: "byte",
          attrs: { _Unsigned: "true", _FillValue: { type: "byte", value: [-1] } },
          data: [1, -2, -1, 127],
        },
        {
          name: "s",
          dims: ["x"],
          type: "short",
          attrs: { _Unsigned: "true", scale_factor: 0.5 },
          data: [1, -2, -32768, 3],
        },
      ],
    });
    const f = await openNetcdf(path);
    expect([...unpackInPlace(f.readAll("b"), unpacker(f.variables.get("b")!))]).toEqual([
      1,
      254,
      Number.NaN,
      127,
    ]);
    expect([...unpackInPlace(f.readAll("s"), unpacker(f.variables.get("s")!))]).toEqual([
      0.5, 32767, 16384, 1.5,
    ]);
    f.close();
  });
});
