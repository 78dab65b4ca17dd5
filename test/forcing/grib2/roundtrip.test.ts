// Round trips through the test encoder: random integers, widths, group lengths, bitmaps and missing-value
// codes for simple, complex and spatially differenced packing; boustrophedon rows; and decoding speed on a
// 0.25° global field (1440×721).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeGrib2, readGrib2Wind } from "../../../src/forcing/grib2/index.js";
import {
  bitmapSection,
  buildMessage,
  type ComplexOptions,
  type GridSpec,
  gridSection,
  identificationSection,
  packComplex,
  packSimple,
  productSection,
} from "./encoder.js";

const head = (g: GridSpec, number = 2) => [
  identificationSection(Date.UTC(2024, 0, 1) / 1000),
  gridSection(g),
  productSection(2, number, 0),
];
const row = (n: number): GridSpec => ({
  ni: n,
  nj: 1,
  lat1: 0,
  lon1: 0,
  lat2: 0,
  lon2: n - 1,
  di: 1,
  dj: 1,
  scanMode: 0,
});

const cases = fc.record({
  x: fc
    .integer({ min: 1, max: 300 })
    .chain((n) =>
      fc
        .integer({ min: 1, max: 24 })
        .chain((bits) =>
          fc.array(fc.integer({ min: 0, max: 2 ** bits - 1 }), { minLength: n, maxLength: n }),
        ),
    ),
  missingRate: fc.constantFrom(0, 0, 0.1, 0.5, 1),
  seed: fc.integer(),
  mode: fc.constantFrom(
    "simple",
    "complex",
    "sd1",
    "sd2",
    "complex-mvm1",
    "complex-mvm2",
    "sd1-mvm1",
    "sd2-mvm2",
  ),
  groupLength: fc.integer({ min: 1, max: 25 }),
  reference: fc.double({ min: -1000, max: 1000, noNaN: true }).map(Math.fround),
  binaryScale: fc.integer({ min: -12, max: 4 }),
  decimalScale: fc.integer({ min: -2, max: 4 }),
});

describe("encoder round trips", () => {
  it("decodes what was packed, with NaN at missing points", () => {
    fc.assert(
      fc.property(cases, (c) => {
        const n = c.x.length;
        let s = c.seed;
        const random = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
        const missing = c.x.map(() => random() < c.missingRate);
        const kinds = missing.map((m) => (m ? (c.mode.endsWith("mvm2") && random() < 0.5 ? 2 : 1) : 0));
        const scaling = { reference: c.reference, binaryScale: c.binaryScale, decimalScale: c.decimalScale };
        const present = c.x.filter((_, i) => !missing[i]);
        let sections: Uint8Array[];
        if (c.mode === "simple") {
          const bits = Math.max(1, ...present.map((v) => Math.ceil(Math.log2(v + 1))));
          const p = packSimple(present, bits, scaling);
          sections = [p.s5, bitmapSection(missing.map((m) => !m)), p.s7];
        } else {
          const mvm = c.mode.endsWith("mvm1") ? 1 : c.mode.endsWith("mvm2") ? 2 : 0;
          const opt: ComplexOptions = {
            template: c.mode.startsWith("sd") ? 3 : 2,
            order: c.mode.startsWith("sd1") ? 1 : 2,
            groupLength: c.groupLength,
            missingManagement: mvm as 0 | 1 | 2,
          };
          if (mvm) {
            const p = packComplex(c.x, kinds, scaling, opt);
            sections = [p.s5, bitmapSection(255), p.s7];
          } else {
            const p = packComplex(present, null, scaling, opt);
            sections = [p.s5, bitmapSection(missing.map((m) => !m)), p.s7];
          }
        }
        const [field] = decodeGrib2(buildMessage(0, [...head(row(n)), ...sections]));
        const dscale = c.decimalScale >= 0 ? 1 / 10 ** c.decimalScale : 10 ** -c.decimalScale;
        for (let i = 0; i < n; i++) {
          if (missing[i]) {
            expect(field.values[i]).toBeNaN();
          } else {
            const y = (c.reference + c.x[i] * 2 ** c.binaryScale) * dscale;
            expect(Math.abs(field.values[i] - y)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(y)));
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it("a local-use section (2) and fields repeating sections 2–7 and 4–7 in one message", () => {
    const g = row(6);
    const local = Uint8Array.of(0, 0, 0, 9, 2, 1, 2, 3, 4); // section 2: length 9, four octets of local data
    const field = (v: number, number: number) => {
      const p = packSimple(new Array(6).fill(v), 4, { reference: 0, binaryScale: 0, decimalScale: 0 });
      return [productSection(2, number, 0), p.s5, bitmapSection(255), p.s7];
    };
    const [ident, grid] = head(g);
    const msg = buildMessage(0, [
      ident,
      local,
      grid,
      ...field(3, 2),
      local,
      grid,
      ...field(5, 3),
      ...field(7, 2),
    ]);
    const fields = decodeGrib2(msg);
    expect(fields.map((f) => [f.field, f.abbrev, f.values[0], f.layout.s2 !== null])).toEqual([
      [1, "UGRD", 3, true],
      [2, "VGRD", 5, true],
      [3, "UGRD", 7, true],
    ]);
  });

  it("boustrophedon rows and columns (flag 0x10) come back in plain row order", () => {
    const ni = 5;
    const nj = 4;
    const value = (j: number, i: number) => 10 * j + i;
    for (const columns of [false, true]) {
      const stored: number[] = [];
      const outer = columns ? ni : nj;
      const inner = columns ? nj : ni;
      for (let o = 0; o < outer; o++) {
        for (let q = 0; q < inner; q++) {
          const r = o % 2 === 1 ? inner - 1 - q : q;
          stored.push(columns ? value(r, o) : value(o, r));
        }
      }
      const g: GridSpec = {
        ni,
        nj,
        lat1: 3,
        lon1: 0,
        lat2: 0,
        lon2: 4,
        di: 1,
        dj: 1,
        scanMode: columns ? 0x30 : 0x10,
      };
      const p = packSimple(stored, 8, { reference: 0, binaryScale: 0, decimalScale: 0 });
      const [field] = decodeGrib2(buildMessage(0, [...head(g), p.s5, bitmapSection(255), p.s7]));
      for (let j = 0; j < nj; j++)
        for (let i = 0; i < ni; i++) expect(field.values[j * ni + i]).toBe(value(j, i));
    }
  });
});

describe("speed on a 0.25° global field", () => {
  const g: GridSpec = {
    ni: 1440,
    nj: 721,
    lat1: 90,
    lon1: 0,
    lat2: -90,
    lon2: 359.75,
    di: 0.25,
    dj: 0.25,
    scanMode: 0,
  };
  // A GFS-like 10 m wind: smooth synoptic pattern plus small-scale noise, 0.01 m/s resolution (D = 2).
  const x = new Array<number>(g.ni * g.nj);
  let s = 1;
  for (let j = 0; j < g.nj; j++) {
    for (let i = 0; i < g.ni; i++) {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      const u =
        12 * Math.sin(i / 40) * Math.cos(j / 25) + 3 * Math.sin(i / 7 + j / 11) + (s / 0x7fffffff - 0.5);
      x[j * g.ni + i] = Math.round((u + 40) * 100);
    }
  }
  const scaling = { reference: -4000, binaryScale: 0, decimalScale: 2 };
  const simple = packSimple(x, 14, scaling);
  const sd2 = packComplex(x, null, scaling, { template: 3, order: 2, groupLength: 12 });

  function time(bytes: Uint8Array): number {
    decodeGrib2(bytes); // warm up
    const t0 = performance.now();
    const [field] = decodeGrib2(bytes);
    const ms = performance.now() - t0;
    expect(field.values[123456]).toBeCloseTo(x[123456] / 100 - 40, 6);
    return ms;
  }

  it("simple packing (5.0) and second-order spatial differencing (5.3) decode in well under a second", () => {
    const a = time(buildMessage(0, [...head(g), simple.s5, bitmapSection(255), simple.s7]));
    const b = time(buildMessage(0, [...head(g), sd2.s5, bitmapSection(255), sd2.s7]));
    process.stderr.write(
      `grib2 1440×721 decode: simple ${a.toFixed(1)} ms, 5.3 order 2 ${b.toFixed(1)} ms\n`,
    );
    expect(a).toBeLessThan(500);
    expect(b).toBeLessThan(500);
  });

  it("readGrib2Wind on a global U/V pair, cut to a search area", () => {
    const file = new Uint8Array([
      ...buildMessage(0, [...head(g, 2), sd2.s5, bitmapSection(255), sd2.s7]),
      ...buildMessage(0, [...head(g, 3), simple.s5, bitmapSection(255), simple.s7]),
    ]);
    const t0 = performance.now();
    const w = readGrib2Wind(file, { area: { west: 3, east: 8, south: 58, north: 63 } });
    const ms = performance.now() - t0;
    process.stderr.write(`grib2 readGrib2Wind global pair + cut: ${ms.toFixed(1)} ms\n`);
    expect([w.lon.length, w.lat.length]).toEqual([21, 21]);
    expect(ms).toBeLessThan(1000);
  });
});
