// Issue 24.1: a non-physical forcing value (a spec constant of 1e300, a NetCDF current of 1e20 m/s
// without fill attributes, scale_factor 1e30 or ∞) must not hang a run in its first step: the spec is
// refused, the file's values become missing data with a warning naming the file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { stepGeodesic } from "../../src/core/geodesy.js";
import { runSimulationSpec } from "../../src/pipeline/run.js";
import { parseSimulationSpec, SpecError } from "../../src/pipeline/spec.js";
import { type WVar, writeNc } from "../forcing/nc-writer.js";

const tmp = mkdtempSync(join(tmpdir(), "driftline-nonphysical-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const spec = (current: unknown) => ({
  name: "nonphysical",
  start_time: "2016-02-01T00:00:00Z",
  duration_hours: 2,
  time_step_seconds: 600,
  seed: { lon: 1.5, lat: 61, number: 50 },
  forcing: { wind: { constant: { x: 0, y: 5 } }, current },
  coastline: "none",
});

function currentFile(name: string, u: Partial<WVar>): string {
  const path = join(tmp, name);
  writeNc(path, {
    dims: { time: 2, lat: 3, lon: 4 },
    vars: [
      {
        name: "time",
        dims: ["time"],
        type: "double",
        attrs: { units: "hours since 2016-02-01" },
        data: [0, 6],
      },
      { name: "lat", dims: ["lat"], type: "double", attrs: { units: "degrees_north" }, data: [60, 61, 62] },
      { name: "lon", dims: ["lon"], type: "double", attrs: { units: "degrees_east" }, data: [0, 1, 2, 3] },
      {
        name: "u",
        dims: ["time", "lat", "lon"],
        type: "float",
        attrs: { standard_name: "eastward_sea_water_velocity" },
        // Every third cell broken (the particles start between good and broken cells).
        data: (k) => (k % 3 === 0 ? 1e20 : 0.3),
        ...u,
      },
      {
        name: "v",
        dims: ["time", "lat", "lon"],
        type: "float",
        attrs: { standard_name: "northward_sea_water_velocity" },
        data: () => 0,
      },
    ],
  });
  return name;
}

describe("non-physical forcing", () => {
  it("refuses a spec constant beyond the physical bound, naming the field", () => {
    expect(() => parseSimulationSpec(spec({ constant: { x: 1e300, y: 0 } }))).toThrow(SpecError);
    expect(() => parseSimulationSpec(spec({ constant: { x: 1e300, y: 0 } }))).toThrow(
      /forcing\.current.*at most 15 m\/s/,
    );
    expect(() =>
      parseSimulationSpec({
        ...spec({ constant: { x: 0, y: 0 } }),
        forcing: { wind: { constant: { x: 0, y: 1000 } }, current: { constant: { x: 0, y: 0 } } },
      }),
    ).toThrow(/at most 100 m\/s/);
    expect(() => parseSimulationSpec(spec({ constant: { x: 14, y: 0 } }))).not.toThrow();
  });

  it("ends a move of 1e300 m or ∞ (bounded sub-steps)", () => {
    const p = new Float64Array([1, 0.1, Math.sin(1), Math.cos(1), Math.sin(0.1), Math.cos(0.1)]);
    stepGeodesic(p, 1e300, 0);
    const q = new Float64Array([1, 0.1, Math.sin(1), Math.cos(1), Math.sin(0.1), Math.cos(0.1)]);
    stepGeodesic(q, Number.POSITIVE_INFINITY, 0);
    expect(true).toBe(true); // reaching this line is the test
  });

  // [what, u variable, every value broken (then no current covers the seed: a clear error, not a hang)]
  const files: [string, Partial<WVar>, boolean][] = [
    ["a current of 1e20 m/s without fill attributes", {}, false],
    [
      "scale_factor 1e30",
      {
        type: "short",
        data: (k: number) => (k % 3 === 0 ? 100 : 0),
        attrs: { standard_name: "eastward_sea_water_velocity", scale_factor: 1e30 },
      },
      false,
    ],
    [
      "scale_factor ∞",
      {
        type: "short",
        data: () => 100,
        attrs: {
          standard_name: "eastward_sea_water_velocity",
          scale_factor: { type: "double", value: [Number.POSITIVE_INFINITY] },
        },
      },
      true,
    ],
    [
      "add_offset 1e30",
      {
        type: "short",
        data: () => 1,
        attrs: { standard_name: "eastward_sea_water_velocity", add_offset: 1e30 },
      },
      true,
    ],
  ];
  files.forEach(([name, u, whole], k) => {
    it(`ends at once with ${name}, warning that the values are missing data`, async () => {
      const file = currentFile(`bad-${k}.nc`, u);
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      try {
        const run = runSimulationSpec(spec({ files: [file] }), {
          outDir: join(tmp, `out-${k}`),
          forcingDir: tmp,
          products: ["summary"],
          threads: 1,
        });
        if (whole) await expect(run).rejects.toThrow(/no current forcing covers/);
        else expect((await run).summary.particleCount).toBe(50);
        const said = warn.mock.calls.map((c) => String(c[0])).join("\n");
        expect(said).toContain(file);
        expect(said).toMatch(/current value\(s\) faster than 15 m\/s treated as missing data/);
      } finally {
        warn.mockRestore();
      }
    }, 20_000);
  });
});
