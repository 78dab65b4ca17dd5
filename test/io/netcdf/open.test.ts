// NetCDF readers through openNetcdf: classic (CDF-1/2/5) headers and hyperslabs, and NetCDF-4 (HDF5) files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { readTimes, unpacker, unpackInPlace } from "../../../src/forcing/cf.js";
import { openNetcdf } from "../../../src/io/netcdf/open.js";
import { f32, i16, writeNc } from "../../forcing/nc-writer.js";

const FORCING = fileURLToPath(new URL("../../../data-bundled/forcing/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "driftline-nc-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("classic reader", () => {
  it("reads the header and hyperslabs of a 64-bit offset file", async () => {
    const f = await openNetcdf(`${FORCING}Arctic20_1to5Feb_2016.nc`);
    expect(f.format).toBe("64-bit offset");
    expect(f.dims.map((d) => `${d.name}=${d.size}`)).toEqual(["X=91", "Y=51", "time=5", "depth=17"]);
    const u = f.variables.get("u")!;
    expect(u.dims).toEqual(["time", "depth", "Y", "X"]);
    expect(u.type).toBe("short");
    const sf = u.attrs.get("scale_factor")!;
    expect(sf.type).toBe("float");
    expect((sf.value as number[])[0]).toBeCloseTo(0.0003052223, 10);
    // Values as netCDF4-python reads them (auto mask/scale off): u[1, 0, 8:11, 20:24].
    expect([...f.read("u", [1, 0, 8, 20], [1, 1, 3, 4])]).toEqual([
      2374, 2775, 2709, 2689, 1174, 1238, 981, 1030, 502, 653, 655, 970,
    ]);
    expect([...f.readAll("time")]).toEqual([1454328000, 1454414400, 1454500800, 1454587200, 1454673600]);
    f.close();
  });

  it("reads scalar, char and packed variables written by another writer", async () => {
    const path = join(tmp, "small.nc");
    writeNc(path, {
      dims: { t: 2, y: 2, x: 3 },
      attrs: { title: "test file" },
      vars: [
        { name: "s", dims: [], type: "double", data: [42.5] },
        {
          name: "p",
          dims: ["t", "y", "x"],
          type: "short",
          attrs: {
            scale_factor: f32(0.5),
            add_offset: f32(1),
            _FillValue: i16(-32767),
            missing_value: i16(-1),
          },
          data: [0, 1, 2, 3, 4, -32767, -1, 7, 8, 9, 10, 11],
        },
      ],
    });
    const f = await openNetcdf(path);
    expect(f.format).toBe("classic");
    expect([...f.readAll("s")]).toEqual([42.5]);
    const p = f.variables.get("p")!;
    const decoded = unpackInPlace(f.read("p", [0, 1, 1], [2, 1, 2]), unpacker(p));
    expect([...decoded]).toEqual([3, Number.NaN, 6, 6.5]);
    expect([...unpackInPlace(f.read("p", [1, 0, 0], [1, 1, 2]), unpacker(p))]).toEqual([Number.NaN, 4.5]);
    expect(f.attrs.get("title")?.value).toBe("test file");
    f.close();
  });
});

describe("NetCDF-4 reader", () => {
  it("reads dimensions through dimension scales and hyperslabs through h5wasm", async () => {
    const f = await openNetcdf(`${FORCING}synthetic_wind_20160201_lonlat.nc`);
    expect(f.format).toBe("netCDF-4 (HDF5)");
    expect(f.dims.map((d) => d.name).sort()).toEqual(["lat", "lon", "time"]);
    expect(f.variables.get("eastward_wind")!.dims).toEqual(["time", "lat", "lon"]);
    const v = f.read("eastward_wind", [2, 3, 4], [1, 2, 2]);
    expect([...v].map((x) => x.toFixed(6))).toEqual(["10.855201", "11.001427", "10.945604", "11.091667"]);
    const t = readTimes(f, "time");
    expect(t[0]).toBe(Date.UTC(2016, 1, 1) / 1000);
    expect(t[120]).toBe(Date.UTC(2016, 1, 6) / 1000);
    f.close();
  });

  it("reads ROMS dimensions and a pure dimension", async () => {
    const f = await openNetcdf(`${FORCING}Nordic_subset.nc`);
    expect(f.variables.get("u")!.dims).toEqual(["ocean_time", "s_rho", "eta_u", "xi_u"]);
    expect(f.variables.has("eta_u")).toBe(false); // a dimension without a variable
    expect(f.dims.find((d) => d.name === "ocean_time")?.unlimited).toBe(true);
    f.close();
  });
});
