// Copernicus Marine surface currents from ARCO Zarr stores (STAC → Zarr v2, blosc chunks) served by the
// stand-in: the fetched file samples exactly like a local NetCDF file holding the same data; the surface
// level is the one read; credentials are checked and never leak into messages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ForcingWindow } from "../../../src/core/types.js";
import { CopernicusMarineProvider } from "../../../src/forcing/providers/copernicus.js";
import { FetchState, fetchForcingFor } from "../../../src/forcing/providers/fetch.js";
import { NC_FILL, ncValues, writeNetcdf3 } from "../../../src/io/netcdf/write-classic.js";
import { arctic20Window, FAST_HTTP, finiteCount, maxDiff, NOW, samples, tempDir } from "./helpers.js";
import {
  CMEMS_DATASET,
  CMEMS_PASSWORD,
  CMEMS_PRODUCT,
  CMEMS_USER,
  CMEMS_VERSION,
  CURRENT_SCALE,
  type StandIn,
  startStandIn,
  syntheticWind,
  T0,
} from "./stand-in.js";

let server: StandIn;
let local: ReturnType<typeof tempDir>;
let localFile: string;

/** The "local file" the store was cut from: the same float32 currents as a CF NetCDF file. */
async function writeLocalCurrents(path: string): Promise<void> {
  const s = await syntheticWind();
  const scaled = (a: Float32Array) => Float32Array.from(a, (x) => Math.fround(x * CURRENT_SCALE));
  await writeNetcdf3(path, {
    dimensions: { time: s.nt, latitude: s.lat.length, longitude: s.lon.length },
    attributes: { Conventions: "CF-1.8", title: "synthetic currents (local copy)" },
    variables: [
      {
        name: "time",
        type: "double",
        dims: ["time"],
        attributes: { standard_name: "time", units: "hours since 2016-02-01 00:00:00" },
        data: Array.from({ length: s.nt }, (_, k) => k),
      },
      {
        name: "latitude",
        type: "double",
        dims: ["latitude"],
        attributes: { standard_name: "latitude", units: "degrees_north" },
        data: s.lat,
      },
      {
        name: "longitude",
        type: "double",
        dims: ["longitude"],
        attributes: { standard_name: "longitude", units: "degrees_east" },
        data: s.lon,
      },
      {
        name: "uo",
        type: "float",
        dims: ["time", "latitude", "longitude"],
        attributes: {
          standard_name: "eastward_sea_water_velocity",
          units: "m s-1",
          _FillValue: ncValues("float", NC_FILL.float),
        },
        data: scaled(s.u),
      },
      {
        name: "vo",
        type: "float",
        dims: ["time", "latitude", "longitude"],
        attributes: {
          standard_name: "northward_sea_water_velocity",
          units: "m s-1",
          _FillValue: ncValues("float", NC_FILL.float),
        },
        data: scaled(s.v),
      },
    ],
  });
}

beforeAll(async () => {
  server = await startStandIn();
  local = tempDir("cmems-local");
  localFile = `${local.dir}/currents.nc`;
  await writeLocalCurrents(localFile);
});
afterAll(async () => {
  await server?.close();
  local?.done();
});

const cmems = (over: Partial<ConstructorParameters<typeof CopernicusMarineProvider>[0]> = {}) =>
  new CopernicusMarineProvider({
    stacUrl: `${server.url}/cmems/stac`,
    authUrl: `${server.url}/cmems/auth/token`,
    product: CMEMS_PRODUCT,
    dataset: CMEMS_DATASET,
    username: CMEMS_USER,
    password: CMEMS_PASSWORD,
    ...over,
  });

const run = (w: ForcingWindow, dir: string, provider = cmems(), state = new FetchState()) =>
  fetchForcingFor(w, {
    forcingDir: dir,
    providers: [provider],
    kinds: ["current"],
    http: FAST_HTTP,
    now: NOW,
    state,
  });

describe("Copernicus Marine ARCO Zarr", () => {
  it("finds the newest dataset version in STAC, logs in, reads only the chunks of the area", async () => {
    const tmp = tempDir("cmems");
    try {
      server.reset();
      const w = arctic20Window();
      const r = await run(w, tmp.dir);
      expect(r.current).toMatchObject({
        provider: "cmems",
        dataset: CMEMS_DATASET,
        fallback: false,
        cached: false,
      });
      expect(r.current!.modelRun).toContain(CMEMS_VERSION);
      expect(r.current!.files[0]).toMatch(/\/ocean-currents\/2016\/02\/03\/00\/cmems_/);
      expect(server.count("/cmems/auth/token")).toBe(1);
      expect(server.count(`/cmems/stac/${CMEMS_PRODUCT}/${CMEMS_DATASET}_202211`)).toBe(0); // the older version is not read
      // Every Zarr request names the user as the toolbox does, and no password travels to the store.
      const zarr = server.requests.filter((q) => q.includes("/cmems/arco/"));
      expect(zarr.every((q) => q.includes(`x-cop-user=${CMEMS_USER}`) && !q.includes(CMEMS_PASSWORD))).toBe(
        true,
      );
      // Only chunks of the surface level (index 1 of the key is depth).
      const chunks = zarr.filter((q) => /\/(uo|vo)\/\d+\.\d+\.\d+\.\d+/.test(q));
      expect(chunks.length).toBeGreaterThan(0);
      expect(chunks.every((q) => /\/(uo|vo)\/\d+\.0\.\d+\.\d+/.test(q))).toBe(true);
      const fetched = await samples(r.current!.files[0], "current", w);
      const expected = await samples(localFile, "current", w);
      expect(finiteCount(expected)).toBeGreaterThan(expected.length * 0.95);
      expect(maxDiff(fetched, expected)).toBe(0);
    } finally {
      tmp.done();
    }
  });

  it("reads from the geoChunked copy when it needs fewer chunks, with the same result", async () => {
    const tmp = tempDir("cmems-geo");
    const tmp2 = tempDir("cmems-time");
    try {
      // A small area over many hours: the geo copy (48 h × 8 × 8 chunks) wins.
      const w: ForcingWindow = {
        west: 10,
        east: 11,
        south: 68,
        north: 68.8,
        start: T0 + 3600,
        end: T0 + 90 * 3600,
      };
      server.reset();
      const auto = await run(w, tmp.dir, cmems({ refreshHours: 24 }));
      expect(auto.current!.sourceUrls[0]).toContain("geoChunked.zarr");
      const geoChunks = server.requests.filter((q) => /geoChunked\.zarr\/(uo|vo)\/\d/.test(q)).length;
      server.reset();
      const timeOnly = await run(w, tmp2.dir, cmems({ asset: "timeChunked" }));
      const timeChunks = server.requests.filter((q) => /timeChunked\.zarr\/(uo|vo)\/\d/.test(q)).length;
      expect(geoChunks).toBeLessThan(timeChunks);
      const a = await samples(auto.current!.files[0], "current", w);
      const b = await samples(timeOnly.current!.files[0], "current", w);
      expect(maxDiff(a, b)).toBe(0);
      expect(maxDiff(a, await samples(localFile, "current", w))).toBe(0);
    } finally {
      tmp.done();
      tmp2.done();
    }
  });

  it("without credentials the provider is skipped, naming the variables to set", async () => {
    const tmp = tempDir("cmems-nocred");
    try {
      const p = cmems({ username: undefined, password: undefined });
      const err = await run(arctic20Window(), tmp.dir, p).catch((e) => e);
      expect(err.name).toBe("ForcingFetchError");
      expect(err.message).toMatch(
        /no current forcing could be fetched .*cmems .*credentials not set \(COPERNICUSMARINE_SERVICE_USERNAME and COPERNICUSMARINE_SERVICE_PASSWORD\)/,
      );
    } finally {
      tmp.done();
    }
  });

  it("rejected credentials end with a message that names the user but not the password", async () => {
    const tmp = tempDir("cmems-badcred");
    try {
      server.reset();
      const err = await run(arctic20Window(), tmp.dir, cmems({ password: "wrong-password" })).catch((e) => e);
      expect(err.message).toMatch(
        /login rejected the credentials of COPERNICUSMARINE_SERVICE_USERNAME=alice/,
      );
      expect(err.message).toMatch(/HTTP 401/);
      expect(err.message).not.toContain("wrong-password");
      expect(server.count("/cmems/arco/")).toBe(0);
    } finally {
      tmp.done();
    }
  });

  it("a mission outside the dataset's times is refused with the times it has", async () => {
    const tmp = tempDir("cmems-time");
    try {
      const w: ForcingWindow = {
        west: 10,
        east: 11,
        south: 68,
        north: 69,
        start: T0 + 30 * 86400,
        end: T0 + 31 * 86400,
      };
      const err = await run(w, tmp.dir).catch((e) => e);
      expect(err.message).toMatch(/dataset has times 2016-02-01T00:00..2016-02-06T00:00 only/);
    } finally {
      tmp.done();
    }
  });
});
