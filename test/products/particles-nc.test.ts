import path from "node:path";
import { describe, expect, it } from "vitest";
import { Status } from "../../src/core/types.js";
import { TIME_UNITS, writeParticlesNetcdf } from "../../src/products/particles-nc.js";
import { have } from "../helpers/needs.js";
import { syntheticContext, syntheticTrajectory } from "./synthetic.js";
import { ncdump, pythonJson, tempDir } from "./tools.js";

const TOOLS = await have(
  "test/products/particles-nc.test.ts: files read back with ncdump and netCDF4-python",
  "ncdump",
  "python-netcdf4",
);

/** Every type, attributes of every kind, odd sizes (padding), a scalar and a variable fed by rows. */
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
