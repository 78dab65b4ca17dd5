// Reads the ecCodes `grib_get_data -m nan` dumps committed next to the GRIB2 fixtures.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { expect } from "vitest";

export const FIXTURES = new URL("../../fixtures/grib2/", import.meta.url);

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, FIXTURES)));
}

export interface ExpectedField {
  lat: number[];
  lon: number[];
  value: number[];
}

/** One entry per message/field, points in the file's storage order; missing values are NaN. */
export function expectedFields(name: string): ExpectedField[] {
  const text = gunzipSync(readFileSync(new URL(name, FIXTURES))).toString("utf8");
  const out: ExpectedField[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("Latitude")) {
      out.push({ lat: [], lon: [], value: [] });
      continue;
    }
    const parts = line.trim().split(/\s+/);
    if (parts.length < 3) continue;
    const f = out[out.length - 1];
    f.lat.push(Number(parts[0]));
    f.lon.push(Number(parts[1]));
    f.value.push(parts[2] === "nan" ? Number.NaN : Number(parts[2]));
  }
  return out;
}

/** ecCodes agreement: 1e-5 relative, or absolute below 1; NaN only where ecCodes has a missing value. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: number of values`).toBe(expected.length);
  let worst = 0;
  let where = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (Number.isNaN(b) || Number.isNaN(a)) {
      if (Number.isNaN(a) !== Number.isNaN(b))
        throw new Error(`${what}: point ${i} is ${a}, ecCodes has ${b}`);
      continue;
    }
    const err = Math.abs(a - b) / Math.max(1, Math.abs(b));
    if (err > worst) {
      worst = err;
      where = i;
    }
  }
  expect(worst, `${what}: worst relative difference at point ${where}`).toBeLessThanOrEqual(1e-5);
}
