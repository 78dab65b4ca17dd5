// The NetCDF writers: classic (CDF-1/2) and NetCDF-4 (HDF5, deflate) files of every type, attribute kind and odd size,
// read back by our reader, ncdump and netCDF4-python.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openNetcdf } from "../../../src/io/netcdf/open.js";
import type { NcFileDef } from "../../../src/io/netcdf/types.js";
import { ncValues, writeNetcdf3 } from "../../../src/io/netcdf/write-classic.js";
import { writeNetcdf4 } from "../../../src/io/netcdf/write-hdf5.js";
import { writeParticlesNetcdf } from "../../../src/products/particles-nc.js";
import { have } from "../../helpers/needs.js";
import { syntheticContext, syntheticTrajectory } from "../../products/synthetic.js";
import { ncdump, pythonJson, tempDir } from "../../products/tools.js";

const TOOLS = await have(
  "test/io/netcdf/write.test.ts: files read back with ncdump and netCDF4-python",
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
