import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Status } from "../../src/core/types.js";
import { openNetcdf } from "../../src/io/netcdf/open.js";
import type { NcFileDef } from "../../src/io/netcdf/types.js";
import { ncValues, writeNetcdf3 } from "../../src/io/netcdf/write-classic.js";
import { writeNetcdf4 } from "../../src/io/netcdf/write-hdf5.js";
import { TIME_UNITS, writeParticlesNetcdf } from "../../src/products/particles-nc.js";
import { have } from "../helpers/needs.js";
import { syntheticContext, syntheticTrajectory } from "./synthetic.js";
import { ncdump, pythonJson, tempDir } from "./tools.js";

const TOOLS = await have(
  "test/products/netcdf.test.ts: files read back with ncdump and netCDF4-python",
  "ncdump",
  "python-netcdf4",
);

/** Every type, attributes of every kind, odd sizes (padding), a scalar and a variable fed by rows. */
function sampleFile(): NcFileDef {
  return {
    dimensions: { row: 3, col: 5, one: 1 },
    attributes: {
      title: "test ÆØÅ °",
      count: ncValues("int", [1, 2, 3]),
      scale: 0.5,
      small: ncValues("short", [-7]),
      tiny: ncValues("byte", [-1, 2, 3]),
      fl: ncValues("float", [1.5, Number.NaN]),
    },
    variables: [
      { name: "b", type: "byte", dims: ["row", "col"], data: Array.from({ length: 15 }, (_, i) => i - 7) },
      { name: "s", type: "short", dims: ["col"], data: [1, -2, 3, -4, 5], attributes: { units: "m" } },
      { name: "i", type: "int", dims: ["row"], data: [100000, -100000, 7] },
      {
        name: "f",
        type: "float",
        dims: ["row", "col"],
        attributes: { _FillValue: ncValues("float", Number.NaN) },
        rows: (row0, rows, out) => {
          for (let r = 0; r < rows; r++)
            for (let c = 0; c < 5; c++) out[r * 5 + c] = (row0 + r) * 10 + c + 0.25;
        },
      },
      { name: "d", type: "double", dims: [], data: [Math.PI] },
      { name: "c", type: "char", dims: ["col"], data: Array.from(Buffer.from("hello")) },
      { name: "e", type: "double", dims: ["one"], data: [2.5] },
    ],
  };
}

const READ_SAMPLE = `
import json, sys, netCDF4, numpy as np
d = netCDF4.Dataset(sys.argv[1])
d.set_auto_mask(False)
out = {"format": d.data_model, "title": d.title, "count": [int(v) for v in np.atleast_1d(d.count)],
       "scale": float(d.scale), "b": d["b"][:].astype(int).tolist(), "s": d["s"][:].tolist(),
       "i": d["i"][:].tolist(), "f": d["f"][:].tolist(), "d": float(d["d"][...]), "e": float(d["e"][0]),
       "units": d["s"].units}
if "c" in d.variables:
    out["c"] = d["c"][:].tobytes().decode()
print(json.dumps(out))
`;

describe("NetCDF writers", () => {
  it.runIf(TOOLS)("CDF-1 and CDF-2 files read back exactly in netCDF4-python", async () => {
    const dir = tempDir();
    for (const version of [1, 2] as const) {
      const file = path.join(dir, `v${version}.nc`);
      const res = await writeNetcdf3(file, sampleFile(), { version });
      expect(res.version).toBe(version);
      expect(readFileSync(file).subarray(0, 4)).toEqual(Buffer.from([0x43, 0x44, 0x46, version]));
      expect(ncdump(["-k", file]).trim()).toBe(version === 1 ? "classic" : "64-bit offset");
      const r = pythonJson<Record<string, unknown>>(READ_SAMPLE, [file]);
      expect(r).toMatchObject({
        title: "test ÆØÅ °",
        count: [1, 2, 3],
        scale: 0.5,
        b: [
          [-7, -6, -5, -4, -3],
          [-2, -1, 0, 1, 2],
          [3, 4, 5, 6, 7],
        ],
        s: [1, -2, 3, -4, 5],
        i: [100000, -100000, 7],
        f: [
          [0.25, 1.25, 2.25, 3.25, 4.25],
          [10.25, 11.25, 12.25, 13.25, 14.25],
          [20.25, 21.25, 22.25, 23.25, 24.25],
        ],
        d: Math.PI,
        e: 2.5,
        c: "hello",
        units: "m",
      });
    }
  });

  it.runIf(TOOLS)("NetCDF-4 (HDF5, deflate) reads back the same in ncdump and netCDF4-python", async () => {
    const dir = tempDir();
    const file = path.join(dir, "v4.nc");
    const spec = sampleFile();
    spec.variables = spec.variables.filter((v) => v.type !== "char");
    await writeNetcdf4(file, spec, { minDeflateBytes: 0 });
    expect(ncdump(["-k", file]).trim()).toBe("netCDF-4");
    const header = ncdump(["-hs", file]);
    expect(header).toMatch(/float f\(row, col\)/);
    expect(header).toMatch(/f:_DeflateLevel = 1/);
    expect(header).toMatch(/:title = "test ÆØÅ °"/); // a char attribute, not a string
    const r = pythonJson<Record<string, unknown>>(READ_SAMPLE, [file]);
    expect(r).toMatchObject({ format: "NETCDF4", title: "test ÆØÅ °", count: [1, 2, 3], d: Math.PI, e: 2.5 });
    expect(r.f).toEqual([
      [0.25, 1.25, 2.25, 3.25, 4.25],
      [10.25, 11.25, 12.25, 13.25, 14.25],
      [20.25, 21.25, 22.25, 23.25, 24.25],
    ]);
  });

  for (const format of ["classic", "netcdf4"] as const) {
    it(`carries each particle's weight and member (${format}), so a reader rebuilds the same probabilities`, async () => {
      const t = syntheticTrajectory({ n: 7, hours: 2 });
      for (let i = 0; i < t.n; i++) {
        t.weight[i] = 0.25 + i / 8;
        t.member[i] = (i * 3) % 5;
      }
      const file = path.join(tempDir(), `weights-${format}.nc`);
      await writeParticlesNetcdf(syntheticContext(t), file, { format });
      const nc = await openNetcdf(file);
      try {
        expect(nc.variables.get("weight")?.dims).toEqual(["trajectory"]);
        expect([...nc.readAll("weight")]).toEqual([...t.weight]);
        expect([...nc.readAll("member")]).toEqual([...t.member]);
      } finally {
        nc.close();
      }
    });
  }

  it("rejects bad descriptions with messages naming the field", async () => {
    const file = path.join(tempDir(), "bad.nc");
    const bad = (f: Partial<NcFileDef>) =>
      writeNetcdf3(file, { dimensions: { x: 2 }, attributes: {}, variables: [], ...f });
    await expect(bad({ dimensions: { x: 0 } })).rejects.toThrow(
      /dimension x: length must be a positive integer/,
    );
    await expect(bad({ variables: [{ name: "v", type: "int", dims: ["y"], data: [1] }] })).rejects.toThrow(
      /variable v: unknown dimension y/,
    );
    await expect(bad({ variables: [{ name: "v", type: "int", dims: ["x"], data: [1] }] })).rejects.toThrow(
      /variable v: data has 1 values, shape \[2\] needs 2/,
    );
    await expect(
      bad({ variables: [{ name: "1v", type: "int", dims: ["x"], data: [1, 2] }] }),
    ).rejects.toThrow(/variable name "1v"/);
  });
});

interface ParticlesRead {
  format: string;
  dims: Record<string, number>;
  lon: (number | null)[][];
  status: (number | null)[][];
  flag_values: number[];
  flag_meanings: string;
  times: string[];
  release: string[];
  attrs: Record<string, string>;
  spec: string;
  xr_time: string[];
  xr_lon_nan: number;
  wind: (number | null)[][];
  traj_ids: number[];
}

const READ_PARTICLES = `
import json, sys, netCDF4, numpy as np, xarray as xr
d = netCDF4.Dataset(sys.argv[1])
def rows(v):
    a = d[v][:]
    return [[None if np.ma.is_masked(x) else float(x) for x in row] for row in a]
t = d["time"]
times = netCDF4.num2date(t[:], t.units, t.calendar, only_use_cftime_datetimes=False)
ds = xr.open_dataset(sys.argv[1])
print(json.dumps({
  "format": d.data_model,
  "dims": {k: len(v) for k, v in d.dimensions.items()},
  "lon": rows("lon"), "status": rows("status"), "wind": rows("y_wind"),
  "flag_values": [int(x) for x in d["status"].flag_values], "flag_meanings": d["status"].flag_meanings,
  "times": [x.isoformat() for x in times],
  "release": [str(x)[:19] for x in ds.release_time.values],
  "attrs": {k: str(d.getncattr(k)) for k in d.ncattrs() if k != "simulation_spec"},
  "spec": d.simulation_spec,
  "xr_time": [str(x)[:19] for x in ds.time.values],
  "xr_lon_nan": int(np.isnan(ds.lon.values).sum()),
  "traj_ids": [int(x) for x in d["trajectory"][:]],
}))
`;

describe("particles.nc", () => {
  const traj = syntheticTrajectory({
    n: 40,
    hours: 6,
    releaseEverySeconds: 900,
    coastLon: 4.56,
    missingEvery: 9,
  });

  for (const format of ["classic", "netcdf4"] as const) {
    it.runIf(TOOLS)(
      `${format}: CF trajectory file with fill before release and after deactivation, opens everywhere`,
      async () => {
        const ctx = syntheticContext(traj);
        const file = path.join(tempDir(), `particles-${format}.nc`);
        const written = await writeParticlesNetcdf(ctx, file, { format });
        expect(written).toBe(format);
        const header = ncdump(["-h", file]);
        expect(header).toMatch(/float lon\(trajectory, time\)/);
        expect(header).toMatch(/:featureType = "trajectory"/);
        const r = pythonJson<ParticlesRead>(READ_PARTICLES, [file]);
        expect(r.dims).toEqual({ trajectory: 40, time: 7 });
        expect(r.traj_ids).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        expect(r.flag_values).toEqual([0, 1, 2, 3]);
        expect(r.flag_meanings).toBe("active stranded missing_data outside_domain");
        expect(r.times[0]).toBe("2016-02-01T12:00:00");
        expect(r.xr_time).toEqual(r.times.map((s) => s.slice(0, 19)));
        expect(r.release[1]).toBe("2016-02-01T12:15:00");
        let deactivatedSeen = 0;
        for (let i = 0; i < traj.n; i++) {
          for (let k = 0; k < traj.times.length; k++) {
            const s = traj.status[k * traj.n + i];
            const prev = k > 0 ? traj.status[(k - 1) * traj.n + i] : Status.unreleased;
            const after = s !== Status.active && prev !== Status.active && prev !== Status.unreleased;
            if (s === Status.unreleased || after) {
              expect(r.lon[i][k], `particle ${i} time ${k}`).toBeNull();
              expect(r.status[i][k]).toBeNull();
              expect(r.wind[i][k]).toBeNull();
            } else {
              expect(r.lon[i][k]).toBeCloseTo(traj.lon[k * traj.n + i], 5);
              expect(r.status[i][k]).toBe(s);
              expect(r.wind[i][k]).toBe(-10);
              if (s !== Status.active) deactivatedSeen++;
            }
          }
        }
        expect(deactivatedSeen).toBeGreaterThan(0);
        expect(r.xr_lon_nan).toBeGreaterThan(0);
        // ACDD discovery metadata and provenance.
        for (const key of [
          "title",
          "summary",
          "keywords",
          "date_created",
          "creator_name",
          "time_coverage_start",
          "time_coverage_end",
          "geospatial_lat_min",
          "geospatial_lon_max",
          "object_type",
          "object_type_description",
          "forcing_wind",
          "forcing_current",
          "software_version",
          "release",
        ]) {
          expect(r.attrs[key], key).toBeTruthy();
        }
        expect(r.attrs.Conventions).toBe("CF-1.11, ACDD-1.3");
        expect(r.attrs.object_type).toBe("PIW-1");
        expect(r.attrs.forcing_current).toMatch(/norkyst800\.nc \(model=NorKyst800/);
        expect(r.attrs.time_coverage_start).toBe("2016-02-01T12:00:00Z");
        expect(r.attrs.time_coverage_duration).toBe("PT6H");
        expect(JSON.parse(r.spec)).toEqual(JSON.parse(ctx.specJson));
      },
    );
  }

  it.runIf(TOOLS)(
    "chooses NetCDF-4 only for large files in auto mode, and omits forcing variables when not recorded",
    async () => {
      const t = syntheticTrajectory({ n: 10, hours: 2, withForcing: false });
      const file = path.join(tempDir(), "p.nc");
      expect(await writeParticlesNetcdf(syntheticContext(t), file)).toBe("classic");
      const header = ncdump(["-h", file]);
      expect(header).not.toMatch(/x_wind/);
      expect(header).toMatch(new RegExp(`time:units = "${TIME_UNITS}"`));
    },
  );
});
