// The WebAssembly kernels give the JavaScript kernels' numbers bit for bit, leave them the cases they do
// not cover, and are built from their committed source.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import asc from "assemblyscript/asc";
import { afterEach, describe, expect, it } from "vitest";
import { prepareLandMask } from "../../src/coastline/landmask.js";
import {
  applyCoastline,
  countActive,
  drift,
  driftScratch,
  releaseDue,
  sampleForcing,
} from "../../src/core/leeway.js";
import { runSimulationThreaded } from "../../src/core/parallel/pool.js";
import { allocateParticles, syncTrig } from "../../src/core/particles.js";
import { LegacyRandom } from "../../src/core/rng.js";
import { runSimulation } from "../../src/core/simulate.js";
import { type ForcingSource, Status } from "../../src/core/types.js";
import { WasmLandRaster } from "../../src/core/wasm/land-raster.js";
import { type GriddedField, sampleGriddedField } from "../../src/forcing/field.js";
import { projectionFromProj4 } from "../../src/forcing/grid-mapping.js";
import { makeProjector } from "../../src/forcing/projection.js";
import { WasmPlane } from "../../src/forcing/wasm-sampling.js";
import { scenario } from "../helpers/scenario.js";
import { expectSameBytes } from "../helpers/trajectory-bytes.js";
import { axis, bytes, expectSameParticles, particlesWith, regularField } from "../helpers/wasm-particles.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** A small deterministic generator for test inputs. */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

afterEach(() => {
  delete process.env.DRIFTLINE_KERNELS;
});

describe("WebAssembly kernels", () => {
  it("kernels.wasm is what the AssemblyScript source compiles to (npm run build:wasm)", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "driftline-wasm-")), "kernels.wasm");
    const script = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts["build:wasm"];
    const args = (script as string).split(/\s+/).slice(1);
    args[args.indexOf("-o") + 1] = out;
    const { error, stderr } = await asc.main(args.map((a) => (a.endsWith(".ts") ? path.join(ROOT, a) : a)));
    expect(error, String(stderr)).toBeFalsy();
    const built = readFileSync(out);
    expect(built.equals(readFileSync(path.join(ROOT, "src/core/wasm/kernels.wasm")))).toBe(true);
  }, 60_000);

  it("say so when a run's memory cannot grow", () => {
    const p = particlesWith("wasm", 10);
    expect(() => p.kernels!.allocate(5 * 2 ** 30)).toThrow(/cannot grow by 5120\.0 MiB .*at most 4096 MiB/);
  });

  it("are used unless DRIFTLINE_KERNELS=js, and reject other values", () => {
    expect(particlesWith("wasm", 10).kernels).not.toBeNull();
    expect(particlesWith("js", 10).kernels).toBeNull();
    process.env.DRIFTLINE_KERNELS = "fast";
    expect(() => allocateParticles(10)).toThrow(/DRIFTLINE_KERNELS must be "wasm" or "js", got "fast"/);
  });

  it("drift moves particles as the JavaScript kernel does; long moves and the poles are left to it", () => {
    // Odd: chunks of 512 and a last particle without a pair.
    const n = 4001;
    const a = particlesWith("wasm", n);
    const b = particlesWith("js", n);
    expect(a.kernels).not.toBeNull();
    for (const p of [a, b]) {
      const r = uniform(7);
      for (let i = 0; i < n; i++) {
        const kind = i % 10;
        p.lat[i] = kind === 0 ? 89.9995 * (r() < 0.5 ? 1 : -1) : -85 + 170 * r();
        p.lon[i] = -180 + 360 * r();
        syncTrig(p, i);
        p.status[i] = kind === 1 ? Status.stranded : Status.active;
        p.capsized[i] = kind === 2 ? 1 : 0;
        p.windU[i] = 30 * (r() - 0.5);
        p.windV[i] = kind === 3 ? 0 : 30 * (r() - 0.5);
        if (kind === 3) p.windU[i] = 0; // calm: the leeway's direction falls back to north
        // kind 4: a 3 m/s current moves 1.8 km in 600 s, past the short-move limit.
        p.currentU[i] = kind === 4 ? 3 : 1.2 * (r() - 0.5);
        p.currentV[i] = 1.2 * (r() - 0.5);
        p.dwSlope[i] = 1.5 + r();
        p.dwOffset[i] = r() - 0.5;
        p.dwEps[i] = r() - 0.5;
        p.cwSlope[i] = (r() - 0.5) * 0.6;
        p.cwOffset[i] = r() - 0.5;
        p.cwEps[i] = r() - 0.5;
      }
    }
    const scratch = driftScratch(a.kernels!, n);
    for (let step = 0; step < 6; step++) {
      drift(a, 600, 0.3, scratch);
      drift(b, 600, 0.3);
    }
    expectSameParticles(a, b);
    // The JavaScript kernel took some (long moves, near the poles) and they moved.
    expect(Array.from(scratch.mark).some((m) => m === 1)).toBe(true);
    expect(a.lat[0]).not.toBe(a.prevLat[0]);
  });

  it("sampling gives sampleGriddedField's numbers on lon/lat and polar stereographic grids", () => {
    const r = uniform(11);
    const field = (nx: number, ny: number, times: number, x: number[], y: number[]): GriddedField => {
      const f = regularField(nx, ny, times, x, y, () => 20 * (r() - 0.5));
      f.u[5] = Number.NaN; // a cell without data
      return f;
    };
    // A global 0..359° grid (positions across the seam), a regional one loaded in part, and two polar
    // stereographic grids (sphere as Arctic20, and WGS84 south), grid-relative vectors.
    const global = { ...field(72, 37, 3, [0, 5], [-90, 5]), lonPeriod: 360 };
    const regional = {
      ...field(40, 30, 3, [-10, 0.5], [50, 0.5]),
      ...{ nxFull: 60, nyFull: 50, xAxis: axis(-10, 0.5, 60), yAxis: axis(50, 0.5, 50), i0: 5, j0: 10 },
    };
    const north = projectionFromProj4(
      "+proj=stere +lat_0=90 +lon_0=58 +lat_ts=60 +a=6371000 +b=6371000 +units=m",
    );
    const south = projectionFromProj4("+proj=stere +lat_0=-90 +lon_0=0 +lat_ts=-71 +datum=WGS84 +units=m");
    const stereo = (spec: typeof north, x0: number, y0: number) => ({
      ...field(60, 60, 3, [x0, 20000], [y0, 20000]),
      projection: spec,
      gridRelative: true,
    });
    const cases: [GriddedField, number, number, number, number][] = [
      [global, -180, 180, -90, 90],
      [regional, -12, 25, 48, 85],
      [stereo(north, -600000, -1800000), 30, 86, 72, 86],
      [stereo(south, -600000, -600000), -180, 180, -90, -84],
    ];
    for (const [f, lonMin, lonMax, latMin, latMax] of cases) {
      const proj = f.projection ? makeProjector(f.projection) : null;
      const count = Math.max(4001, f.nx * f.ny + 1); // odd: chunks of 512 and a last particle alone
      const a = particlesWith("wasm", count);
      for (let i = 0; i < count; i++) {
        a.lon[i] = lonMin + (lonMax - lonMin) * r();
        a.lat[i] = latMin + (latMax - latMin) * r();
        syncTrig(a, i);
      }
      const need = a.kernels!.uint8(count);
      const needJs = new Uint8Array(count);
      const uJs = new Float64Array(count);
      const vJs = new Float64Array(count);
      for (const t of [0, 600, 3600, 4000]) {
        for (let i = 0; i < count; i++) need[i] = needJs[i] = i % 7 === 0 ? 0 : 1;
        a.windU.fill(0);
        a.windV.fill(0);
        uJs.fill(0);
        vJs.fill(0);
        const plane = new WasmPlane();
        const outside = plane.sample(f, proj, t, a, count, need, a.windU, a.windV);
        const scratch = new Float64Array(8);
        const outsideJs = sampleGriddedField(f, proj, t, a.lon, a.lat, count, needJs, uJs, vJs, scratch, a);
        expect(outside).toBe(outsideJs);
        expect(Array.from(need)).toEqual(Array.from(needJs));
        expect(bytes(a.windU).equals(bytes(uJs))).toBe(true);
        expect(bytes(a.windV).equals(bytes(vJs))).toBe(true);
        // The case is exercised: many particles served (needed, then cleared).
        const served = needJs.filter((k, i) => k === 0 && i % 7 !== 0).length;
        expect(served, `case ${cases.findIndex((c) => c[0] === f)} t=${t}`).toBeGreaterThan(count / 10);
        if (f === regional) expect(outside).toBeGreaterThan(0);
      }
    }
  });

  it("leave to sampleGriddedField what they do not cover", () => {
    const p = particlesWith("wasm", 10);
    const need = p.kernels!.uint8(10);
    const f = regularField(3, 3, 1, [0, 1], [0, 1], () => 0);
    f.xAxis = Float64Array.of(0, 1, 3); // not evenly spaced
    f.xRegular = false;
    expect(new WasmPlane().sample(f, null, 0, p, 10, need, p.windU, p.windV)).toBe(-1);
    // A plane larger than twice the particles is not blended (per particle is cheaper).
    expect(
      new WasmPlane().sample(
        { ...f, xRegular: true, xAxis: Float64Array.of(0, 1, 2) },
        null,
        0,
        p,
        4,
        need,
        p.windU,
        p.windV,
      ),
    ).toBe(-1);
    const lambert = makeProjector(
      projectionFromProj4("+proj=lcc +lat_1=60 +lat_2=60 +lat_0=60 +lon_0=0 +a=6371000 +b=6371000"),
    );
    expect(
      new WasmPlane().sample(
        { ...f, xRegular: true, xAxis: Float64Array.of(0, 1, 2) },
        lambert,
        0,
        p,
        10,
        need,
        p.windU,
        p.windV,
      ),
    ).toBe(-1);
  });

  it("release, missing forcing and the active count as the JavaScript kernels", () => {
    const n = 3001;
    const [a, b] = [particlesWith("wasm", n), particlesWith("js", n)];
    for (const p of [a, b]) {
      const r = uniform(5);
      for (let i = 0; i < n; i++) {
        p.releaseTime[i] = Math.floor(r() * 7200);
        p.lon[i] = 360 * r() - 180;
        p.lat[i] = 180 * r() - 90;
        syncTrig(p, i);
      }
    }
    // Covers the eastern hemisphere only: the western particles get missing_data.
    const east: ForcingSource = {
      name: "east",
      timeRange: [0, 1e6],
      coverageText: "east",
      sample(_t, lon, _lat, count, need, u, v) {
        for (let i = 0; i < count; i++)
          if (need[i] === 1 && lon[i] >= 0) {
            u[i] = lon[i] / 100;
            v[i] = 1;
            need[i] = 0;
          }
      },
    };
    const needA = a.kernels!.uint8(n);
    const needB = new Uint8Array(n);
    for (let step = 0; step < 12; step++) {
      const t = step * 600;
      expect(releaseDue(a, t, 600)).toBe(releaseDue(b, t, 600));
      expect(countActive(a)).toBe(countActive(b));
      expect(sampleForcing([east], a, t, needA, a.windU, a.windV)).toBe(
        sampleForcing([east], b, t, needB, b.windU, b.windV),
      );
      expectSameParticles(a, b);
    }
    expect(a.status.filter((s) => s === Status.missing_data).length).toBeGreaterThan(100);
    // Backward in time: released when the release time lies in (t + dt, t].
    for (const p of [a, b]) p.status.fill(Status.unreleased);
    expect(releaseDue(a, 3600, -600)).toBe(releaseDue(b, 3600, -600));
    expect(Array.from(a.status)).toEqual(Array.from(b.status));
  });

  it("the coastline: the same particles strand, or go back, as with the JavaScript mask", async () => {
    // Around Bergen (prepared 5.0–5.5° E, 60.2–60.5° N); particles also outside it, where the mask loads
    // more bins, and in open sea and inland bins; some longitudes a turn off (wrapped by the mask), and an
    // odd count (chunks of 512 and a last particle without a pair).
    const mask = await prepareLandMask({ west: 5, east: 5.5, south: 60.2, north: 60.5 });
    const n = 20001;
    for (const rule of ["stranding", "previous"] as const) {
      const [a, b] = [particlesWith("wasm", n), particlesWith("js", n)];
      for (const p of [a, b]) {
        const r = uniform(3);
        for (let i = 0; i < n; i++) {
          const wide = i % 10 === 0;
          p.lon[i] = (wide ? 3 + 4 * r() : 5 + 0.5 * r()) + (i % 17 === 0 ? -360 : i % 19 === 0 ? 360 : 0);
          p.lat[i] = wide ? 59.5 + 2 * r() : 60.2 + 0.3 * r();
          p.prevLon[i] = p.lon[i] - 0.004 * r();
          p.prevLat[i] = p.lat[i] - 0.002 * r();
          syncTrig(p, i);
          p.status[i] = i % 13 === 0 ? Status.stranded : Status.active;
        }
      }
      const wasm = new WasmLandRaster(a.kernels!, mask.raster, n);
      // The first call decides in JavaScript where the kernel has no raster yet, the second in the kernel.
      for (let pass = 0; pass < 2; pass++) {
        if (pass === 1)
          for (const p of [a, b])
            for (let i = 0; i < n; i++) {
              p.lon[i] += 0.001;
              syncTrig(p, i);
              if (p.status[i] === Status.stranded && i % 13 !== 0) p.status[i] = Status.active;
            }
        const hits = applyCoastline(a, mask, rule, wasm);
        expect(hits).toBe(applyCoastline(b, mask, rule));
        expect(hits).toBeGreaterThan(1000);
        expectSameParticles(a, b);
      }
    }
  }, 60_000);

  it("draw the same uniforms as the JavaScript generator, across twists and odd positions", () => {
    const js = new LegacyRandom(42);
    const wasm = new LegacyRandom(42);
    const p = particlesWith("wasm", 1000);
    const draws = p.kernels!.float64(2000);
    wasm.useKernels(p.kernels!, draws);
    const expected = new Float64Array(2000);
    for (const count of [1, 311, 623, 2000, 5, 1999, 0, 624, 1250]) {
      js.fillRandom(expected, count, 0);
      wasm.fillRandom(draws, count, 0);
      expect(Buffer.from(draws.buffer, draws.byteOffset, 8 * count)).toEqual(
        Buffer.from(expected.buffer, 0, 8 * count),
      );
      // Single draws between fills move the state by one word (odd positions), on either side.
      expect(wasm.random()).toBe(js.random());
      expect(wasm.gauss()).toBe(js.gauss());
    }
    expect(() => wasm.fillRandom(draws, 10, 1995)).toThrow(/do not fit/);
  });

  it("a run gives the same bytes with WebAssembly and JavaScript kernels, on one thread and on two (arctic20)", async () => {
    const { simulation, category, forcing } = await scenario("arctic20", (s) => {
      s.seed.number = 3000;
      s.seed.radius_m = 8000;
      s.duration_hours = 6;
    });
    const set = await forcing();
    process.env.DRIFTLINE_KERNELS = "js";
    const js = runSimulation(simulation, category, set);
    process.env.DRIFTLINE_KERNELS = "wasm";
    const wasm = runSimulation(simulation, category, set);
    const threaded = await runSimulationThreaded(simulation, category, set, {
      threads: 2,
      threadThreshold: 0,
    });
    expect(threaded.threads).toBe(2);
    expectSameBytes(js.trajectory, wasm.trajectory);
    expectSameBytes(js.trajectory, threaded.trajectory);
  }, 120_000);
});
