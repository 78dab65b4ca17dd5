// The decoder against ecCodes: every fixture (scripts/make-grib2-fixtures.sh) decodes to the values that
// `grib_get_data` printed for it, to 1e-5.
import { describe, expect, it } from "vitest";
import {
  decodeGrib2,
  type Grib2Field,
  gridAxes,
  orientField,
  scanGrib2,
} from "../../../src/forcing/grib2/index.js";
import { expectClose, expectedFields, fixture } from "./expected.js";

const HOUR = 3600;
const REFERENCE = Date.UTC(2024, 0, 15, 6) / 1000;

/** Compares by coordinates (ecCodes prints them to 3 decimals), so that any scanning mode is checked. */
function expectSameByPosition(
  field: Grib2Field,
  expected: ReturnType<typeof expectedFields>[number],
  what: string,
) {
  const near = (a: number, b: number) => Math.abs(a - b) < 6e-4;
  const sameLon = (a: number, b: number) => near(((a - b + 540) % 360) - 180, 0);
  const { lat, lon } = gridAxes(field.grid);
  const got: number[] = [];
  const want: number[] = [];
  for (let j = 0; j < lat.length; j++) {
    for (let i = 0; i < lon.length; i++) {
      const k = expected.lat.findIndex((la, n) => near(la, lat[j]) && sameLon(expected.lon[n], lon[i]));
      if (k < 0) throw new Error(`${what}: ecCodes lists no point at ${lat[j]}, ${lon[i]}`);
      got.push(field.values[j * lon.length + i]);
      want.push(expected.value[k]);
    }
  }
  expectClose(got, want, what);
}

describe("10 m wind in every packing", () => {
  const plain = expectedFields("wind.expected.txt.gz");
  const files = [
    "simple",
    "complex",
    "complex_own",
    "sd0_ecc",
    "sd1",
    "sd2",
    "jpeg",
    "png",
    "png_rgb",
    "ccsds",
  ];
  for (const packing of files) {
    it(`wind_${packing}.grib2 matches ecCodes`, () => {
      const fields = decodeGrib2(fixture(`wind_${packing}.grib2`));
      expect(fields).toHaveLength(4);
      fields.forEach((f, k) => {
        expectClose(f.values, plain[k].value, `${packing} message ${k + 1}`);
      });
    });
  }

  it("reads the packing templates it was given", () => {
    const template = (name: string) => scanGrib2(fixture(name))[0].packing;
    expect(template("wind_simple.grib2")).toBe(0);
    expect(template("wind_complex.grib2")).toBe(2);
    expect(template("wind_sd2.grib2")).toBe(3);
    expect(template("wind_jpeg.grib2")).toBe(40);
    expect(template("wind_png.grib2")).toBe(41);
    expect(template("wind_ccsds.grib2")).toBe(42);
  });

  it("8-bit PNG pixels", () => {
    const expected = expectedFields("wind_png_gray8.expected.txt.gz");
    decodeGrib2(fixture("wind_png_gray8.grib2")).forEach((f, k) => {
      expectClose(f.values, expected[k].value, `gray8 ${k}`);
    });
  });

  it("names, levels, times and grid", () => {
    const fields = scanGrib2(fixture("wind_sd2.grib2"));
    expect(fields.map((f) => [f.shortName, f.abbrev])).toEqual([
      ["10u", "UGRD"],
      ["10v", "VGRD"],
      ["10u", "UGRD"],
      ["10v", "VGRD"],
    ]);
    for (const f of fields) {
      expect([f.discipline, f.category, f.levelType, f.levelValue, f.productTemplate]).toEqual([
        0, 2, 103, 10, 0,
      ]);
      expect(f.referenceTime).toBe(REFERENCE);
    }
    expect(fields.map((f) => f.forecastSeconds)).toEqual([6 * HOUR, 6 * HOUR, 12 * HOUR, 12 * HOUR]);
    expect(fields.map((f) => f.validTime)).toEqual(
      [12, 12, 18, 18].map((h) => Date.UTC(2024, 0, 15, h) / 1000),
    );
    expect(fields[0].grid).toMatchObject({
      template: 0,
      ni: 24,
      nj: 13,
      lat1: 70,
      lon1: 350,
      lat2: 58,
      lon2: 13,
    });
    expect(fields[0].grid).toMatchObject({ di: 1, dj: 1, scanMode: 0, numberOfPoints: 312 });
    expect([fields[1].message, fields[1].field, fields[1].offset]).toEqual([2, 1, fields[0].length]);
    const axes = gridAxes(fields[0].grid);
    expect(axes.lon[0]).toBe(-10);
    expect(axes.lon[23]).toBeCloseTo(13, 9);
    expect([axes.lat[0], axes.lat[12]]).toEqual([70, 58]);
  });
});

describe("bitmaps and missing values", () => {
  const expected = expectedFields("wind_bitmap.expected.txt.gz");
  const files = ["simple", "complex", "sd2", "jpeg", "png", "ccsds", "multi"];
  for (const packing of files) {
    it(`wind_bitmap_${packing}.grib2 matches ecCodes, NaN where missing`, () => {
      const fields = decodeGrib2(fixture(`wind_bitmap_${packing}.grib2`));
      expect(fields).toHaveLength(4);
      fields.forEach((f, k) => {
        expectClose(f.values, expected[k].value, `bitmap ${packing} field ${k + 1}`);
      });
      expect(fields[0].values.filter(Number.isNaN).length).toBe(
        expected[0].value.filter(Number.isNaN).length,
      );
      expect(fields[0].values.filter(Number.isNaN).length).toBeGreaterThan(30);
    });
  }

  it("missing-value management inside complex packing (code table 5.5 values 1 and 2)", () => {
    for (const name of ["wind_mvm1_sd2.grib2", "wind_mvm2_complex.grib2"]) {
      const fields = decodeGrib2(fixture(name));
      expect(fields.every((f) => !f.hasBitmap)).toBe(true);
      fields.forEach((f, k) => {
        expectClose(f.values, expected[k].value, `${name} field ${k + 1}`);
      });
    }
  });

  it("several fields in one message, the second with bitmap indicator 254", () => {
    const fields = scanGrib2(fixture("wind_bitmap_multi.grib2"));
    expect(fields.map((f) => [f.message, f.field, f.shortName])).toEqual([
      [1, 1, "10u"],
      [1, 2, "10v"],
      [2, 1, "10u"],
      [2, 2, "10v"],
    ]);
    expect(fields[1].layout.bitmap).toEqual(fields[0].layout.bitmap);
    expect(fields[1].layout.s6.length).toBe(6);
  });
});

describe("grids", () => {
  it("scanning modes 0x00, 0x40, 0x80, 0xC0 and 0x20 give the points ecCodes lists", () => {
    const expected = expectedFields("scan_modes.expected.txt.gz");
    const fields = decodeGrib2(fixture("scan_modes.grib2"));
    expect(fields.map((f) => f.grid.scanMode)).toEqual([0, 64, 128, 192, 32]);
    fields.forEach((f, k) => {
      expectSameByPosition(f, expected[k], `scan mode ${f.grid.scanMode}`);
    });
    // All five carry the same field; oriented south→north and west→east they are identical.
    const reference = orientField(fields[0].values, fields[0].grid, "ascending");
    expect(Array.from(reference.lat)).toEqual([67, 68, 69, 70]);
    expect(Array.from(reference.lon)).toEqual([-10, -9, -8, -7, -6, -5]);
    for (const f of fields.slice(1)) {
      const o = orientField(f.values, f.grid, "ascending");
      expect(Array.from(o.lat)).toEqual(Array.from(reference.lat));
      expect(Array.from(o.lon)).toEqual(Array.from(reference.lon));
      expectClose(o.values, reference.values, `oriented scan mode ${f.grid.scanMode}`);
    }
    const down = orientField(fields[1].values, fields[1].grid, "descending");
    expect(Array.from(down.lat)).toEqual([70, 69, 68, 67]);
  });

  it("Gaussian grid (3.40) sub-area: latitudes and values as ecCodes", () => {
    const [field] = decodeGrib2(fixture("gaussian.grib2"));
    expect(field.grid).toMatchObject({ template: 40, ni: 20, nj: 10, gaussianN: 32 });
    const expected = expectedFields("gaussian.expected.txt.gz")[0];
    const { lat } = gridAxes(field.grid);
    expect(lat[0]).toBeCloseTo(79.525607, 5);
    expect(lat[9]).toBeCloseTo(54.4162, 3);
    expectSameByPosition(field, expected, "gaussian");
  });
});

describe("other templates", () => {
  it("CCSDS with block sizes 8–64, several RSIs, 5–24 bits, zero blocks and noise", () => {
    const expected = expectedFields("ccsds_variety.expected.txt.gz");
    const fields = decodeGrib2(fixture("ccsds_variety.grib2"));
    expect(fields).toHaveLength(5);
    fields.forEach((f, k) => {
      expectClose(f.values, expected[k].value, `ccsds message ${k + 1}`);
    });
  });

  it("a constant field (0 bits per value)", () => {
    const [field] = decodeGrib2(fixture("constant.grib2"));
    expectClose(field.values, expectedFields("constant.expected.txt.gz")[0].value, "constant");
    expect(field.values.every((v) => v === field.values[0])).toBe(true);
  });

  it("product templates 4.8 (statistics: valid at the end of the period) and 4.1 (ensemble)", () => {
    const [gust, member] = scanGrib2(fixture("products.grib2"));
    expect(gust).toMatchObject({
      productTemplate: 8,
      category: 2,
      number: 22,
      abbrev: "GUST",
      shortName: "10fg",
    });
    expect(gust.validTime).toBe(Date.UTC(2024, 0, 15, 18) / 1000);
    expect(gust.forecastSeconds).toBe(12 * HOUR);
    expect(member).toMatchObject({
      productTemplate: 1,
      shortName: "10u",
      levelType: 103,
      levelValue: 10,
      member: 3,
    });
    expect(gust.member).toBeNull();
    expect(member.validTime).toBe(Date.UTC(2024, 0, 15, 12) / 1000);
  });
});
