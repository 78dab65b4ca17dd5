// The CF layer over the readers: time units and calendars, packing (_Unsigned, scale/offset) and fill values.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { civilToUnix, parseTimeUnits, unpacker, unpackInPlace } from "../../src/forcing/cf.js";
import { openNetcdf } from "../../src/io/netcdf/open.js";
import { writeNc } from "./nc-writer.js";

const tmp = mkdtempSync(join(tmpdir(), "driftline-nc-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

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
