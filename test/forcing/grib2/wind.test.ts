// readGrib2Wind: 10 m U/V pairs per valid time, oriented south→north / west→east, cut to times and area.
import { describe, expect, it } from "vitest";
import { readGrib2Wind } from "../../../src/forcing/grib2/index.js";
import {
  bitmapSection,
  buildMessage,
  type GridSpec,
  gridSection,
  identificationSection,
  packSimple,
  productSection,
} from "./encoder.js";
import { expectClose, expectedFields, fixture } from "./expected.js";

const at = (h: number) => Date.UTC(2024, 0, 15, h) / 1000;

/** ecCodes' field (stored north→south) turned south→north like readGrib2Wind's output. */
function southFirst(values: number[], ni: number): number[] {
  const rows: number[][] = [];
  for (let k = 0; k < values.length; k += ni) rows.push(values.slice(k, k + ni));
  return rows.reverse().flat();
}

/** A message holding f(lat, lon) on a regular grid, simple-packed in 16 bits with 0.01 resolution. */
function message(
  g: GridSpec,
  reference: number,
  hours: number,
  number: 2 | 3,
  f: (lat: number, lon: number) => number,
  member?: number,
) {
  const x: number[] = [];
  for (let j = 0; j < g.nj; j++) {
    for (let i = 0; i < g.ni; i++) {
      const lat = g.lat1 + j * (g.scanMode & 0x40 ? g.dj : -g.dj);
      x.push(Math.round((f(lat, g.lon1 + i * g.di) + 100) * 100));
    }
  }
  const p = packSimple(x, 16, { reference: -10000, binaryScale: 0, decimalScale: 2 });
  return buildMessage(0, [
    identificationSection(reference),
    gridSection(g),
    productSection(2, number, hours, 103, 10, member),
    p.s5,
    bitmapSection(255),
    p.s7,
  ]);
}

describe("readGrib2Wind", () => {
  it("pairs U and V per valid time on ascending axes, as ecCodes decodes them", () => {
    const expected = expectedFields("wind.expected.txt.gz");
    for (const name of ["wind_sd2.grib2", "wind_ccsds.grib2", "wind_jpeg.grib2"]) {
      const w = readGrib2Wind(fixture(name));
      expect(w.times).toEqual([at(12), at(18)]);
      expect(w.referenceTimes).toEqual([at(6), at(6)]);
      expect(w.lon).toHaveLength(24);
      expect([w.lon[0], w.lon[23]]).toEqual([-10, 13]);
      expect(Array.from(w.lat)).toEqual([58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70]);
      for (let t = 0; t < 2; t++) {
        expectClose(w.u[t], southFirst(expected[2 * t].value, 24), `${name} u ${t}`);
        expectClose(w.v[t], southFirst(expected[2 * t + 1].value, 24), `${name} v ${t}`);
      }
    }
  });

  it("keeps missing points as NaN and reads two fields per message", () => {
    const expected = expectedFields("wind_bitmap.expected.txt.gz");
    const w = readGrib2Wind(fixture("wind_bitmap_multi.grib2"));
    expect(w.times).toEqual([at(12), at(18)]);
    expectClose(w.v[1], southFirst(expected[3].value, 24), "bitmap v at 18 UTC");
    expect(w.u[0].some(Number.isNaN)).toBe(true);
  });

  it("keeps only the times bracketing [from, to]", () => {
    const b = fixture("wind_simple.grib2");
    expect(readGrib2Wind(b, { from: at(13), to: at(14) }).times).toEqual([at(12), at(18)]);
    expect(readGrib2Wind(b, { from: at(18), to: at(20) }).times).toEqual([at(18)]);
    expect(readGrib2Wind(b, { to: at(12) }).times).toEqual([at(12)]);
    expect(() => readGrib2Wind(b, { from: at(19), to: at(20), name: "w.grib2" })).toThrow(
      "w.grib2: no 10 m wind between 2024-01-15T19:00:00Z and 2024-01-15T20:00:00Z",
    );
    expect(() => readGrib2Wind(b, { from: at(30), name: "w.grib2" })).toThrow(
      "w.grib2: no 10 m wind between 2024-01-16T06:00:00Z and …",
    );
  });

  it("cuts a regional grid to the points covering an area", () => {
    const whole = readGrib2Wind(fixture("wind_simple.grib2"));
    const w = readGrib2Wind(fixture("wind_simple.grib2"), {
      area: { west: -4.5, east: 2, south: 60.2, north: 65 },
    });
    expect(Array.from(w.lon)).toEqual([-5, -4, -3, -2, -1, 0, 1, 2]);
    expect(Array.from(w.lat)).toEqual([60, 61, 62, 63, 64, 65]);
    for (let j = 0; j < 6; j++) {
      for (let i = 0; i < 8; i++) expect(w.u[1][j * 8 + i]).toBe(whole.u[1][(j + 2) * 24 + i + 5]);
    }
    // The same area written in 0…360 longitudes.
    expect(
      Array.from(
        readGrib2Wind(fixture("wind_simple.grib2"), {
          area: { west: 355.5, east: 362, south: 61, north: 62 },
        }).lon,
      ),
    ).toEqual(Array.from(w.lon));
    expect(() =>
      readGrib2Wind(fixture("wind_simple.grib2"), {
        area: { west: 20, east: 30, south: 60, north: 62 },
        name: "w",
      }),
    ).toThrow(/w: area 20…30°E is outside the grid's -10…13°E/);
  });

  it("wraps a global grid across the antimeridian and prefers the latest run", () => {
    const g: GridSpec = {
      ni: 360,
      nj: 181,
      lat1: 90,
      lon1: 0,
      lat2: -90,
      lon2: 359,
      di: 1,
      dj: 1,
      scanMode: 0,
    };
    const f = (lat: number, lon: number) => Math.sin((lon * Math.PI) / 180) * 10 + lat / 10;
    const file = new Uint8Array([
      ...message(g, at(0), 12, 2, (la, lo) => f(la, lo) + 50), // older run, same valid time: ignored
      ...message(g, at(0), 12, 3, () => 0),
      ...message(g, at(6), 6, 2, f),
      ...message(g, at(6), 6, 3, (la) => la),
    ]);
    const w = readGrib2Wind(file, { area: { west: 175.5, east: -177.2, south: -10.5, north: 10 } });
    expect(w.times).toEqual([at(12)]);
    expect(w.referenceTimes).toEqual([at(6)]);
    expect(Array.from(w.lon)).toEqual([175, 176, 177, 178, 179, 180, 181, 182, 183]);
    expect(w.lat[0]).toBe(-11);
    expect(w.lat[w.lat.length - 1]).toBe(10);
    for (let j = 0; j < w.lat.length; j++) {
      for (let i = 0; i < w.lon.length; i++) {
        expect(w.u[0][j * w.lon.length + i]).toBeCloseTo(f(w.lat[j], w.lon[i]), 2);
        expect(w.v[0][j * w.lon.length + i]).toBeCloseTo(w.lat[j], 2);
      }
    }
  });

  it("reads one ensemble member at a time", () => {
    const a: GridSpec = { ni: 4, nj: 3, lat1: 60, lon1: 0, lat2: 58, lon2: 3, di: 1, dj: 1, scanMode: 0 };
    const file = new Uint8Array(
      [0, 1, 2].flatMap((m) => [
        ...message(a, at(0), 6, 2, () => m, m),
        ...message(a, at(0), 6, 3, () => -m, m),
      ]),
    );
    expect(readGrib2Wind(file, { member: 2 }).u[0][5]).toBeCloseTo(2, 5);
    expect(readGrib2Wind(file, { member: 0 }).v[0][5]).toBeCloseTo(0, 5);
    expect(() => readGrib2Wind(file, { name: "enfo.grib2" })).toThrow(
      "enfo.grib2: 10 m wind of ensemble members 0…2; choose one with the member option",
    );
    expect(() => readGrib2Wind(file, { name: "enfo.grib2", member: 7 })).toThrow(
      "enfo.grib2: 10 m wind of ensemble members 0…2 but not of member 7; choose one with the member option",
    );
  });

  it("refuses pairs on different grids", () => {
    const a: GridSpec = { ni: 4, nj: 3, lat1: 60, lon1: 0, lat2: 58, lon2: 3, di: 1, dj: 1, scanMode: 0 };
    const b = { ...a, lat1: 61, lat2: 59 };
    const file = new Uint8Array([...message(a, at(0), 0, 2, () => 1), ...message(b, at(0), 0, 3, () => 1)]);
    expect(() => readGrib2Wind(file, { name: "mixed.grib2" })).toThrow(
      /mixed\.grib2: message 2 \(10v at 2024-01-15T00:00:00Z\) is on grid template 3\.0 4×3 from 61,0 to 59,3, not template 3\.0 4×3 from 60,0 to 58,3/,
    );
  });
});
