// Evidence: a mission whose forcing comes from the stand-in services drifts like the same mission on the
// local files they were cut from (the arctic20 scenario, without coastline to keep it quick).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSimulation } from "../../../src/core/simulate.js";
import type { Trajectory } from "../../../src/core/trajectory.js";
import { buildForcing } from "../../../src/forcing/index.js";
import { CopernicusMarineProvider } from "../../../src/forcing/providers/copernicus.js";
import { FetchState, fetchForcingFor } from "../../../src/forcing/providers/fetch.js";
import { GfsProvider } from "../../../src/forcing/providers/gfs.js";
import { ThreddsNcssProvider } from "../../../src/forcing/providers/thredds.js";
import { NC_FILL, ncValues, writeNetcdf3 } from "../../../src/io/netcdf/write-classic.js";
import { parseSimulationSpec } from "../../../src/pipeline/spec.js";
import { reachableWindow } from "../../../src/pipeline/window.js";
import { arctic20Spec, FAST_HTTP, NOW, tempDir } from "./helpers.js";
import {
  ARCTIC20,
  arctic20Ncss,
  CMEMS_DATASET,
  CMEMS_PASSWORD,
  CMEMS_PRODUCT,
  CMEMS_USER,
  CURRENT_SCALE,
  type StandIn,
  SYNTHETIC,
  startStandIn,
  syntheticWind,
} from "./stand-in.js";

let server: StandIn;
let tmp: ReturnType<typeof tempDir>;
beforeAll(async () => {
  server = await startStandIn();
  tmp = tempDir("trajectories");
});
afterAll(async () => {
  await server?.close();
  tmp?.done();
});

function mission() {
  const spec = {
    ...arctic20Spec(),
    coastline: "none",
    seed: { ...(arctic20Spec().seed as object), number: 300 },
  };
  return parseSimulationSpec(spec);
}

async function drift(wind: string, current: string): Promise<Trajectory> {
  const { simulation, category } = mission();
  const window = reachableWindow(simulation);
  const { set } = await buildForcing({ wind: { files: [wind] }, current: { files: [current] } }, { window });
  return runSimulation(simulation, category, set, { landmask: null }).trajectory;
}

/** Largest distance in metres between the two runs' particles at any output time. */
function maxSeparationM(a: Trajectory, b: Trajectory): number {
  expect(a.lon.length).toBe(b.lon.length);
  let m = 0;
  for (let k = 0; k < a.lon.length; k++) {
    if (Number.isNaN(a.lon[k]) && Number.isNaN(b.lon[k])) continue;
    const dy = (a.lat[k] - b.lat[k]) * 111_320;
    const dx = (a.lon[k] - b.lon[k]) * 111_320 * Math.cos((a.lat[k] * Math.PI) / 180);
    m = Math.max(m, Math.hypot(dx, dy));
  }
  return m;
}

/** How far the particles went in the local run (so that "same trajectories" is not trivially true). */
function meanDriftM(t: Trajectory): number {
  const last = (t.times.length - 1) * t.n;
  let s = 0;
  for (let i = 0; i < t.n; i++) {
    const dy = (t.lat[last + i] - t.lat[i]) * 111_320;
    const dx = (t.lon[last + i] - t.lon[i]) * 111_320 * Math.cos((t.lat[i] * Math.PI) / 180);
    s += Math.hypot(dx, dy);
  }
  return s / t.n;
}

describe("missions on fetched forcing drift like missions on the local files", () => {
  it("GFS (NOMADS filter) wind + THREDDS NCSS current vs synthetic wind + Arctic20", async () => {
    const window = reachableWindow(mission().simulation);
    const r = await fetchForcingFor(window, {
      forcingDir: tmp.dir,
      providers: [
        new GfsProvider({ mode: "filter", baseUrl: `${server.url}/nomads/cgi-bin/filter_gfs_0p25.pl` }),
        new ThreddsNcssProvider(arctic20Ncss(server.url)),
      ],
      http: FAST_HTTP,
      now: NOW,
      state: new FetchState(),
    });
    const fetched = await drift(r.wind!.files[0], r.current!.files[0]);
    const local = await drift(SYNTHETIC, ARCTIC20);
    expect(meanDriftM(local)).toBeGreaterThan(10_000);
    // The GRIB packing (2^-16 m/s) is the only difference: centimetres after a day.
    expect(maxSeparationM(fetched, local)).toBeLessThan(1);
  });

  it("Copernicus Marine (ARCO Zarr) current vs the same currents in a local NetCDF file", async () => {
    const s = await syntheticWind();
    const localCurrents = `${tmp.dir}/local-currents.nc`;
    const scaled = (a: Float32Array) => Float32Array.from(a, (x) => Math.fround(x * CURRENT_SCALE));
    const fill = { _FillValue: ncValues("float", NC_FILL.float), units: "m s-1" };
    await writeNetcdf3(localCurrents, {
      dimensions: { time: s.nt, lat: s.lat.length, lon: s.lon.length },
      attributes: { Conventions: "CF-1.8" },
      variables: [
        {
          name: "time",
          type: "double",
          dims: ["time"],
          attributes: { standard_name: "time", units: "hours since 2016-02-01" },
          data: Array.from({ length: s.nt }, (_, k) => k),
        },
        {
          name: "lat",
          type: "double",
          dims: ["lat"],
          attributes: { standard_name: "latitude", units: "degrees_north" },
          data: s.lat,
        },
        {
          name: "lon",
          type: "double",
          dims: ["lon"],
          attributes: { standard_name: "longitude", units: "degrees_east" },
          data: s.lon,
        },
        {
          name: "uo",
          type: "float",
          dims: ["time", "lat", "lon"],
          attributes: { standard_name: "eastward_sea_water_velocity", ...fill },
          data: scaled(s.u),
        },
        {
          name: "vo",
          type: "float",
          dims: ["time", "lat", "lon"],
          attributes: { standard_name: "northward_sea_water_velocity", ...fill },
          data: scaled(s.v),
        },
      ],
    });
    const window = reachableWindow(mission().simulation);
    const r = await fetchForcingFor(window, {
      forcingDir: tmp.dir,
      providers: [
        new CopernicusMarineProvider({
          stacUrl: `${server.url}/cmems/stac`,
          authUrl: `${server.url}/cmems/auth/token`,
          product: CMEMS_PRODUCT,
          dataset: CMEMS_DATASET,
          username: CMEMS_USER,
          password: CMEMS_PASSWORD,
        }),
      ],
      kinds: ["current"],
      http: FAST_HTTP,
      now: NOW,
      state: new FetchState(),
    });
    const fetched = await drift(SYNTHETIC, r.current!.files[0]);
    const local = await drift(SYNTHETIC, localCurrents);
    expect(meanDriftM(local)).toBeGreaterThan(10_000);
    expect(maxSeparationM(fetched, local)).toBe(0);
  });
});
