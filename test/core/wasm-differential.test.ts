// Property-based differential tests: for random inputs, the WebAssembly kernels give the JavaScript
// kernels' bytes. Positions are drawn with the awkward places over-weighted: the poles (exactly and
// within a hair), the antimeridian (±180° exactly and just inside), the equator and the prime meridian.
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { prepareLandMask } from "../../src/coastline/landmask.js";
import { applyCoastline, drift, driftScratch } from "../../src/core/leeway.js";
import { type Particles, syncTrig } from "../../src/core/particles.js";
import { LegacyRandom } from "../../src/core/rng.js";
import { Status } from "../../src/core/types.js";
import { WasmLandRaster } from "../../src/core/wasm/land-raster.js";
import { type GriddedField, sampleGriddedField } from "../../src/forcing/field.js";
import { projectionFromProj4 } from "../../src/forcing/grid-mapping.js";
import { makeProjector, type Projector } from "../../src/forcing/projection.js";
import { WasmPlane } from "../../src/forcing/wasm-sampling.js";
import { bytes, expectSameParticles, particlesWith, regularField } from "../helpers/wasm-particles.js";

afterEach(() => {
  delete process.env.DRIFTLINE_KERNELS;
});

const lon = fc.oneof(
  fc.constantFrom(-180, 180, -179.99999999, 179.99999999, 0, -0),
  fc.double({ min: -180, max: 180, noNaN: true }),
);
const lat = fc.oneof(
  fc.constantFrom(-90, 90, -89.99999, 89.99999, -89.5, 89.5, 0),
  fc.double({ min: -90, max: 90, noNaN: true }),
);
const speed = (max: number) => fc.double({ min: -max, max, noNaN: true });
const particle = fc.record({
  lon,
  lat,
  status: fc.constantFrom(Status.active, Status.active, Status.active, Status.stranded),
  capsized: fc.constantFrom(0, 0, 1),
  windU: fc.oneof(fc.constant(0), speed(40)),
  windV: fc.oneof(fc.constant(0), speed(40)),
  currentU: speed(3),
  currentV: speed(3),
  dwSlope: fc.double({ min: 0, max: 5, noNaN: true }),
  dwOffset: speed(1),
  dwEps: speed(1),
  cwSlope: speed(1),
  cwOffset: speed(1),
  cwEps: speed(1),
});
type Particle = typeof particle extends fc.Arbitrary<infer T> ? T : never;

/** Odd: pairs of particles (the SIMD lanes) and a last one alone. */
const N = 33;

function load(p: Particles, list: Particle[]): void {
  list.forEach((q, i) => {
    p.lon[i] = q.lon;
    p.lat[i] = q.lat;
    p.prevLon[i] = q.lon;
    p.prevLat[i] = q.lat;
    syncTrig(p, i);
    p.status[i] = q.status;
    p.capsized[i] = q.capsized;
    for (const k of ["windU", "windV", "currentU", "currentV"] as const) p[k][i] = q[k];
    for (const k of ["dwSlope", "dwOffset", "dwEps", "cwSlope", "cwOffset", "cwEps"] as const) p[k][i] = q[k];
  });
}

/**
 * A sampler of `n` particles in the kernels' memory: places them, samples `f` at t with the WebAssembly
 * kernel and with sampleGriddedField, and expects the same bytes.
 */
function sampleBoth(n: number): (f: GriddedField, proj: Projector | null, t: number, at: number[][]) => void {
  const a = particlesWith("wasm", n);
  const need = a.kernels!.uint8(n);
  const needJs = new Uint8Array(n);
  const uJs = new Float64Array(n);
  const vJs = new Float64Array(n);
  return (f, proj, t, at) => {
    at.forEach(([x, y], i) => {
      a.lon[i] = x;
      a.lat[i] = y;
      syncTrig(a, i);
      need[i] = needJs[i] = 1;
    });
    a.windU.fill(0);
    a.windV.fill(0);
    uJs.fill(0);
    vJs.fill(0);
    const outside = new WasmPlane().sample(f, proj, t, a, n, need, a.windU, a.windV);
    const outsideJs = sampleGriddedField(
      f,
      proj,
      t,
      a.lon,
      a.lat,
      n,
      needJs,
      uJs,
      vJs,
      new Float64Array(8),
      a,
    );
    expect(outside).toBe(outsideJs);
    expect(Array.from(need)).toEqual(Array.from(needJs));
    expect(bytes(a.windU).equals(bytes(uJs))).toBe(true);
    expect(bytes(a.windV).equals(bytes(vJs))).toBe(true);
  };
}

describe("WebAssembly kernels against the JavaScript kernels, random inputs", () => {
  it("drift: the same positions and carried sines and cosines, forwards and backwards in time", () => {
    const a = particlesWith("wasm", N);
    const b = particlesWith("js", N);
    const scratch = driftScratch(a.kernels!, N);
    fc.assert(
      fc.property(
        fc.array(particle, { minLength: N, maxLength: N }),
        fc.oneof(fc.constantFrom(600, -600, 3600, 1), fc.integer({ min: -21600, max: 21600 })),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (list, dt, capsizedFraction) => {
          if (dt === 0) return;
          load(a, list);
          load(b, list);
          for (let step = 0; step < 3; step++) {
            drift(a, dt, capsizedFraction, scratch);
            drift(b, dt, capsizedFraction);
          }
          expectSameParticles(a, b);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("sampling: a global lon/lat grid across the antimeridian and up to the poles", () => {
    // 30° cells, 0..330° (the seam between 330° and 360°), both poles on the axis; 12 × 7 cells, so the
    // kernel takes 42 particles or more.
    const field = (seed: number): GriddedField => {
      let s = seed;
      const value = () => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return 20 * (s / 2 ** 32 - 0.5);
      };
      return { ...regularField(12, 7, 2, [0, 30], [-90, 30], value), lonPeriod: 360 };
    };
    const n = 61;
    const sample = sampleBoth(n);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(lon, lat), { minLength: n, maxLength: n }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.double({ min: 0, max: 3600, noNaN: true }),
        (positions, seed, t) => {
          const f = field(seed);
          sample(f, null, t, positions);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("sampling: a polar stereographic grid over the North Pole, grid-relative vectors", () => {
    const spec = projectionFromProj4(
      "+proj=stere +lat_0=90 +lon_0=58 +lat_ts=60 +a=6371000 +b=6371000 +units=m",
    );
    const proj = makeProjector(spec);
    // 8 × 8 cells of 100 km centred on the pole; a new field each time (fields are immutable: the
    // JavaScript sampler keeps its last time blend per field).
    const field = (values: number[]): GriddedField => {
      const f = regularField(8, 8, 2, [-350000, 100000], [-350000, 100000], () => 0);
      f.u.set(values);
      f.v.set(values.slice().reverse());
      return { ...f, projection: spec, gridRelative: true };
    };
    const n = 41;
    const sample = sampleBoth(n);
    const nearPole = fc.oneof(
      fc.constantFrom(90, 89.99999, 87),
      fc.double({ min: 86.5, max: 90, noNaN: true }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(lon, nearPole), { minLength: n, maxLength: n }),
        fc.array(fc.double({ min: -20, max: 20, noNaN: true, noDefaultInfinity: true }), {
          minLength: 2 * 64,
          maxLength: 2 * 64,
        }),
        fc.double({ min: 0, max: 3600, noNaN: true }),
        (positions, values, t) => {
          const f = field(values);
          sample(f, proj, t, positions);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("coastline: the same particles strand, or go back, across the antimeridian (Fiji)", async () => {
    // Taveuni and Vanua Levu lie across 180°; longitudes written either side of it (180.3 and -179.7).
    const mask = await prepareLandMask({ west: 179.5, east: 180.5, south: -17.2, north: -16.5 });
    const n = 201;
    const place = fc.record({
      lon: fc.oneof(
        fc.constantFrom(180, 179.99999999, 180.00000001),
        fc.double({ min: 179.5, max: 180.5, noNaN: true }),
      ),
      west: fc.boolean(),
      lat: fc.double({ min: -17.2, max: -16.5, noNaN: true }),
      dLon: fc.double({ min: -0.01, max: 0.01, noNaN: true }),
      dLat: fc.double({ min: -0.01, max: 0.01, noNaN: true }),
      stranded: fc.boolean(),
    });
    for (const rule of ["stranding", "previous"] as const) {
      const [a, b] = [particlesWith("wasm", n), particlesWith("js", n)];
      const wasm = new WasmLandRaster(a.kernels!, mask.raster, n);
      let onLand = 0;
      fc.assert(
        fc.property(fc.array(place, { minLength: n, maxLength: n }), (list) => {
          for (const p of [a, b])
            list.forEach((q, i) => {
              p.lon[i] = q.west ? q.lon - 360 : q.lon;
              p.lat[i] = q.lat;
              p.prevLon[i] = p.lon[i] - q.dLon;
              p.prevLat[i] = q.lat - q.dLat;
              syncTrig(p, i);
              p.status[i] = q.stranded ? Status.stranded : Status.active;
            });
          // The first call may decide in JavaScript where the kernel has no raster yet, the second in it.
          for (let pass = 0; pass < 2; pass++) {
            const hits = applyCoastline(a, mask, rule, wasm);
            expect(hits).toBe(applyCoastline(b, mask, rule));
            expectSameParticles(a, b);
            onLand += hits;
          }
        }),
        { numRuns: 50 },
      );
      expect(onLand, rule).toBeGreaterThan(1000);
    }
  }, 120_000);

  it("uniform draws: the same numbers for any seed and any sequence of fill sizes", () => {
    const p = particlesWith("wasm", 10);
    const draws = p.kernels!.float64(1500);
    const expected = new Float64Array(1500);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.array(fc.integer({ min: 0, max: 1500 }), { minLength: 1, maxLength: 6 }),
        (seed, counts) => {
          const js = new LegacyRandom(seed);
          const wasm = new LegacyRandom(seed);
          wasm.useKernels(p.kernels!, draws);
          for (const count of counts) {
            js.fillRandom(expected, count, 0);
            wasm.fillRandom(draws, count, 0);
            expect(bytes(draws.subarray(0, count)).equals(bytes(expected.subarray(0, count)))).toBe(true);
            expect(wasm.random()).toBe(js.random());
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
