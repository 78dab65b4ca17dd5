// Bad input: every problem is an Error naming the message, the section and what is wrong; nothing else throws.
import { describe, expect, it } from "vitest";
import { decodeGrib2, decodeGrib2Field, readGrib2Wind, scanGrib2 } from "../../../src/forcing/grib2/index.js";
import {
  bitmapSection,
  buildMessage,
  gridSection,
  identificationSection,
  packComplex,
  packSimple,
  productSection,
} from "./encoder.js";
import { fixture } from "./expected.js";

const grid = { ni: 4, nj: 3, lat1: 60, lon1: 0, lat2: 58, lon2: 3, di: 1, dj: 1, scanMode: 0 };
const scaling = { reference: 0, binaryScale: 0, decimalScale: 0 };
const head = () => [
  identificationSection(Date.UTC(2024, 0, 1) / 1000),
  gridSection(grid),
  productSection(2, 2, 0),
];

function patched(name: string, edit: (b: Uint8Array) => void): Uint8Array {
  const b = fixture(name).slice();
  edit(b);
  return b;
}

describe("GRIB2 errors", () => {
  it("a truncated file names the message and how many bytes are missing", () => {
    const whole = fixture("wind_simple.grib2");
    const fields = scanGrib2(whole);
    const cut = whole.subarray(0, fields[2].offset + 100);
    expect(() => scanGrib2(cut)).toThrow(
      /GRIB2 message 3 \(byte \d+\), section 0: truncated: total length is \d+ bytes but only 100 remain/,
    );
  });

  it("a message whose end section is not 7777", () => {
    const b = patched("wind_simple.grib2", (x) => {
      x[scanGrib2(x)[0].length - 1] = 0x30;
    });
    expect(() => scanGrib2(b)).toThrow(/GRIB2 message 1 \(byte 0\), section 8: end section "7777" not found/);
  });

  it("GRIB edition 1", () => {
    const b = patched("wind_simple.grib2", (x) => {
      x[7] = 1;
    });
    expect(() => scanGrib2(b)).toThrow(/message 1 \(byte 0\), section 0: GRIB edition 1 is not supported/);
  });

  it("a section length that runs past the message", () => {
    const b = patched("wind_simple.grib2", (x) => {
      const s4 = scanGrib2(x)[1].layout.s4.offset;
      x[s4] = 0x7f;
    });
    expect(() => scanGrib2(b)).toThrow(
      /message 2 \(byte \d+\), section 4: section length \d+ at byte \d+ does not fit/,
    );
  });

  it("unsupported data representation and grid templates are named", () => {
    const data = patched("wind_simple.grib2", (x) => {
      const s5 = scanGrib2(x)[1].layout.s5.offset;
      x[s5 + 10] = 50;
    });
    expect(scanGrib2(data)[1].packing).toBe(50); // listing still works
    expect(() => decodeGrib2(data)).toThrow(
      /GRIB2 message 2 \(byte \d+\), section 5: data representation template 5\.50 is not supported \(5\.0, 5\.2, 5\.3, 5\.40, 5\.41, 5\.42\)/,
    );
    const gridded = patched("wind_simple.grib2", (x) => {
      const s3 = scanGrib2(x)[0].layout.s3.offset;
      x[s3 + 13] = 30;
    });
    expect(() => decodeGrib2(gridded)).toThrow(
      /message 1 \(byte 0\), section 3: grid definition template 3\.30 is not supported/,
    );
  });

  it("predefined bitmaps and a 254 bitmap without an earlier one", () => {
    const predefined = buildMessage(0, [
      ...head(),
      packSimple(new Array(12).fill(1), 4, scaling).s5,
      bitmapSection(254),
    ]);
    expect(() => scanGrib2(predefined)).toThrow(/section 6: bitmap indicator 254 .* but no earlier bitmap/);
    const p = packSimple(new Array(12).fill(1), 4, scaling);
    const b = buildMessage(0, [...head(), p.s5, bitmapSection(255), p.s7]);
    const s6 = scanGrib2(b)[0].layout.s6.offset;
    b[s6 + 5] = 7;
    expect(() => scanGrib2(b)).toThrow(/section 6: predefined bitmap 7 is not supported/);
  });

  it("packed data shorter than announced", () => {
    const p = packSimple(
      Array.from({ length: 12 }, (_, i) => i),
      12,
      scaling,
    );
    const short = p.s7.slice(0, p.s7.length - 3);
    new DataView(short.buffer).setUint32(0, short.length);
    const b = buildMessage(0, [...head(), p.s5, bitmapSection(255), short]);
    expect(() => decodeGrib2(b)).toThrow(
      /message 1 \(byte 0\), section 7: truncated data: 18 bytes of packed values needed, section 7 has 15/,
    );
  });

  it("a bitmap that does not agree with the number of packed values", () => {
    const p = packSimple(new Array(12).fill(3), 4, scaling);
    const b = buildMessage(0, [
      ...head(),
      p.s5,
      bitmapSection(Array.from({ length: 12 }, (_, i) => i !== 5)),
      p.s7,
    ]);
    expect(() => decodeGrib2(b)).toThrow(
      /section 6: bitmap marks 11 present points but 12 values are packed/,
    );
  });

  it("complex packing whose group lengths do not add up", () => {
    const p = packComplex(
      Array.from({ length: 12 }, (_, i) => i % 5),
      null,
      scaling,
      { template: 2, groupLength: 5 },
    );
    p.s5[45] = 9; // true length of the last group: 2 → 9
    const b = buildMessage(0, [...head(), p.s5, bitmapSection(255), p.s7]);
    expect(() => decodeGrib2(b)).toThrow(
      /section 7: group lengths add up to 19 values but section 5 announces 12/,
    );
  });

  it("corrupt CCSDS, JPEG 2000 and PNG streams", () => {
    for (const name of ["wind_ccsds.grib2", "wind_jpeg.grib2", "wind_png.grib2"]) {
      const b = patched(name, (x) => {
        const s7 = scanGrib2(x)[0].layout.s7;
        x.fill(0, s7.offset + 5, s7.offset + s7.length);
      });
      const first = scanGrib2(b)[0];
      expect(() => decodeGrib2Field(b, first), name).toThrow(/GRIB2 message 1 \(byte 0\), section 7: /);
    }
  });

  it("bytes between messages (headers, padding) are skipped; bytes without GRIB give no fields", () => {
    const one = fixture("wind_simple.grib2");
    const junk = new TextEncoder().encode("\n\r\rWMO HEADER GRIX 123\n");
    const mixed = new Uint8Array([...junk, ...one, ...junk, ...one]);
    const fields = decodeGrib2(mixed);
    expect(fields).toHaveLength(8);
    expect(fields[4].message).toBe(5);
    expect(fields[0].offset).toBe(junk.length);
    expect(scanGrib2(new TextEncoder().encode("CDF\u0001 netCDF, not grib"))).toEqual([]);
  });

  it("readGrib2Wind names the file when it has no 10 m wind", () => {
    expect(() => readGrib2Wind(fixture("products.grib2"), { name: "products.grib2" })).toThrow(
      /products\.grib2: no 10 m wind .* fields: 10fg\(0\/2\/22\) level 103\/10, 10u\(0\/2\/2\) level 103\/10/,
    );
    expect(() => readGrib2Wind(new Uint8Array(0), { name: "empty.grib2" })).toThrow(
      /empty\.grib2: no 10 m wind .* fields: none/,
    );
  });
});
