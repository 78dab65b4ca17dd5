// GRIB2 10 m wind as a forcing source (decoder: src/forcing/grib2), in the catalog and in buildForcing.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { scanCatalog, selectFromCatalog } from "../../src/forcing/catalog.js";
import { describeFile } from "../../src/forcing/formats.js";
import { Grib2WindSource } from "../../src/forcing/grib-source.js";
import { readGrib2Wind } from "../../src/forcing/grib2/index.js";
import { buildForcing, checkCoverage, ForcingFileError } from "../../src/forcing/index.js";

const GRIB = fileURLToPath(new URL("../fixtures/grib2/wind_complex.grib2", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "driftline-grib-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// 24 × 13 nodes, 10W..13E (coded 350..13), 58..70N, valid 2024-01-15 12:00 and 18:00.
const T1 = Date.UTC(2024, 0, 15, 12) / 1000;
const T2 = Date.UTC(2024, 0, 15, 18) / 1000;
const decoded = readGrib2Wind(new Uint8Array(readFileSync(GRIB)));

function sample(src: Grib2WindSource, t: number, lons: number[], lats: number[]) {
  const n = lons.length;
  const r = { u: new Float64Array(n), v: new Float64Array(n), need: new Uint8Array(n).fill(1) };
  src.sample(t, Float64Array.from(lons), Float64Array.from(lats), n, r.need, r.u, r.v);
  return r;
}
const node = (k: number, lon: number, lat: number) => {
  const i = decoded.lon.indexOf(lon);
  const j = decoded.lat.indexOf(lat);
  return [decoded.u[k][j * decoded.lon.length + i], decoded.v[k][j * decoded.lon.length + i]];
};

describe("GRIB2 wind source", () => {
  it("describes the file from its headers", async () => {
    const d = await describeFile(GRIB);
    expect(d.format).toBe("GRIB2");
    expect(d.vectors).toHaveLength(1);
    expect(d.vectors[0]).toMatchObject({
      kind: "wind",
      area: { west: -10, east: 13, south: 58, north: 70 },
      timeStart: T1,
      timeEnd: T2,
      timeSteps: 2,
      timeStepSeconds: 6 * 3600,
    });
    expect(d.variables).toContain("10u 103/10");
  });

  it("samples nodes exactly, interpolates in time, and reads western longitudes coded 350..360", () => {
    const src = new Grib2WindSource([GRIB]);
    const r = sample(src, T1, [-5, 3, 355], [62, 68, 62]);
    expect([...r.need]).toEqual([0, 0, 0]);
    const close = (a: number[], b: number[]) => {
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 12);
    };
    close([r.u[0], r.v[0]], node(0, -5, 62));
    close([r.u[1], r.v[1]], node(0, 3, 68));
    close([r.u[2], r.v[2]], node(0, -5, 62));
    const mid = sample(src, (T1 + T2) / 2, [3], [68]);
    expect(mid.u[0]).toBeCloseTo((node(0, 3, 68)[0] + node(1, 3, 68)[0]) / 2, 5);
    expect([...sample(src, T1, [14, 0], [62, 71]).need]).toEqual([1, 1]);
    expect([...sample(src, T2 + 1, [0], [62]).need]).toEqual([1]);
  });

  it("decodes only around the window, and the rest when a particle goes there", async () => {
    const src = new Grib2WindSource([GRIB]);
    await src.prepare({ start: T1, end: T1 + 3600, west: 0, east: 1, south: 62, north: 63 });
    expect(src.field!.nx).toBeLessThan(24);
    const r = sample(src, T1 + 1800, [0.5, 12], [62.5, 59]);
    expect([...r.need]).toEqual([0, 0]);
    expect(src.field!.nx).toBe(24);
  });

  it("is a wind source for buildForcing and the catalog; asking it for current is an error", async () => {
    const window = { start: T1, end: T2, west: -2, east: 2, south: 60, north: 64 };
    const { set, provenance } = await buildForcing(
      { wind: { files: [GRIB] }, current: { constant: { x: 0, y: 0 } } },
      { window },
    );
    expect(set.wind[0].name).toBe("wind_complex.grib2");
    expect(provenance[0]).toMatchObject({ variable: "wind", type: "file", timeStart: "2024-01-15T12:00Z" });
    checkCoverage(set, 0, 62, T1 + 600);
    await expect(buildForcing({ wind: [], current: { files: [GRIB] } }, { window })).rejects.toThrow(
      ForcingFileError,
    );

    const dir = join(tmp, "cat");
    mkdirSync(join(dir, "wind/2024/01/15/06"), { recursive: true });
    copyFileSync(GRIB, join(dir, "wind/2024/01/15/06/gfs.grib2"));
    const cat = await scanCatalog(dir, { cacheFile: join(tmp, "index.json") });
    expect(cat.entries[0].vectors[0].kind).toBe("wind");
    expect(selectFromCatalog(cat, "wind", window)).toEqual([[join(dir, "wind/2024/01/15/06/gfs.grib2")]]);
    const built = await buildForcing(
      { wind: { catalog: true }, current: { constant: { x: 0, y: 0 } } },
      { forcingDir: dir, window, catalogCacheFile: join(tmp, "index.json") },
    );
    expect(built.set.wind.map((s) => s.name)).toEqual(["gfs.grib2"]);
  });
});
