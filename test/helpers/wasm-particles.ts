// Particles with the WebAssembly or the JavaScript kernels, and comparisons of their bytes: for the tests
// that hold the two kernels to the same numbers (test/core/wasm-kernels.test.ts, wasm-differential.test.ts).
import { expect } from "vitest";
import { allocateParticles, type Particles } from "../../src/core/particles.js";
import type { GriddedField } from "../../src/forcing/field.js";

/** Particles with the chosen kernels (DRIFTLINE_KERNELS is read when the arrays are allocated). */
export function particlesWith(kernels: "wasm" | "js", n: number): Particles {
  const before = process.env.DRIFTLINE_KERNELS;
  process.env.DRIFTLINE_KERNELS = kernels;
  try {
    return allocateParticles(n);
  } finally {
    if (before === undefined) delete process.env.DRIFTLINE_KERNELS;
    else process.env.DRIFTLINE_KERNELS = before;
  }
}

export const axis = (first: number, step: number, count: number) =>
  Float64Array.from({ length: count }, (_, k) => first + k * step);

/** A field on evenly spaced lon/lat axes, whole grid loaded, hourly times, values from `value`. */
export function regularField(
  nx: number,
  ny: number,
  times: number,
  x: number[],
  y: number[],
  value: () => number,
): GriddedField {
  return {
    kind: "regular",
    nxFull: nx,
    nyFull: ny,
    xAxis: axis(x[0], x[1], nx),
    yAxis: axis(y[0], y[1], ny),
    xRegular: true,
    yRegular: true,
    lonPeriod: 0,
    projection: null,
    curvilinear: null,
    i0: 0,
    j0: 0,
    nx,
    ny,
    times: Float64Array.from({ length: times }, (_, k) => k * 3600),
    u: new Float32Array(times * nx * ny).map(value),
    v: new Float32Array(times * nx * ny).map(value),
    gridRelative: false,
  };
}

export const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Every array of two particle sets, byte for byte: positions, trig, forcing, status, coefficients, weights. */
export function expectSameParticles(a: Particles, b: Particles): void {
  for (const [key, value] of Object.entries(a)) {
    if (!ArrayBuffer.isView(value)) continue;
    const other = b[key as keyof Particles] as ArrayBufferView;
    expect(bytes(value).equals(bytes(other)), key).toBe(true);
  }
}
