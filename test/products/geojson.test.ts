// trajectories.geojson and search_areas.geojson: valid GeoJSON (RFC 7946 positions, closed rings, no
// self-intersection), the features and properties the page and GIS tools read, and the files read back.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  searchAreasGeoJson,
  trajectoriesGeoJson,
  writeSearchAreasGeoJson,
  writeTrajectoriesGeoJson,
} from "../../src/products/geojson.js";
import type { Feature, FeatureCollection, LineString, Polygon } from "../../src/products/geojson-types.js";
import { geometryProblems } from "./geometry-check.js";
import { coastalRun, syntheticContext, syntheticTrajectory } from "./synthetic.js";
import { tempDir } from "./tools.js";

const { traj, ctx, snaps } = coastalRun();

function checkPosition(p: unknown): void {
  expect(Array.isArray(p)).toBe(true);
  const [lon, lat] = p as number[];
  expect((p as number[]).length).toBe(2);
  expect(lon).toBeGreaterThanOrEqual(-180);
  expect(lon).toBeLessThanOrEqual(180);
  expect(lat).toBeGreaterThanOrEqual(-90);
  expect(lat).toBeLessThanOrEqual(90);
}

describe("trajectories.geojson", () => {
  it("is a FeatureCollection of at most 100 LineStrings with trajectory_id, status and times", async () => {
    const file = path.join(tempDir(), "trajectories.geojson");
    await writeTrajectoriesGeoJson(ctx, file);
    const fc = JSON.parse(readFileSync(file, "utf8")) as FeatureCollection<LineString>;
    expect(fc.type).toBe("FeatureCollection");
    expect(fc.features).toHaveLength(100);
    const ids = new Set<number>();
    for (const f of fc.features) {
      expect(f.type).toBe("Feature");
      expect(f.geometry.type).toBe("LineString");
      expect(f.geometry.coordinates.length).toBeGreaterThanOrEqual(2);
      f.geometry.coordinates.forEach(checkPosition);
      const id = f.properties.trajectory_id as number;
      expect(Number.isInteger(id) && id >= 1 && id <= traj.n).toBe(true);
      ids.add(id);
      expect(f.properties.times as string[]).toHaveLength(f.geometry.coordinates.length);
      expect(["active", "stranded", "missing_data", "outside_domain"]).toContain(f.properties.status);
      // Positions are those of the particle (lon/lat order).
      const i = id - 1;
      const k0 = traj.times.indexOf(Date.parse(f.properties.start_time as string) / 1000);
      expect(f.geometry.coordinates[0][0]).toBeCloseTo(traj.lon[k0 * traj.n + i], 5);
      expect(f.geometry.coordinates[0][1]).toBeCloseTo(traj.lat[k0 * traj.n + i], 5);
    }
    expect(ids.size).toBe(100);
  });

  it("keeps every track when there are fewer than the maximum", () => {
    const small = syntheticContext(syntheticTrajectory({ n: 12, hours: 3 }));
    expect(trajectoriesGeoJson(small).features).toHaveLength(12);
  });
});

describe("search_areas.geojson", () => {
  it("has every time × 50/90/95 area with time properties, valid polygons, centroid and most likely points", async () => {
    const file = path.join(tempDir(), "search_areas.geojson");
    await writeSearchAreasGeoJson(ctx, snaps, file);
    const fc = JSON.parse(readFileSync(file, "utf8")) as FeatureCollection;
    expect(fc).toEqual(JSON.parse(JSON.stringify(searchAreasGeoJson(ctx, snaps))));
    const areas = fc.features.filter((f) => f.properties.kind === "search_area");
    expect(areas).toHaveLength(traj.times.length * 3);
    for (const f of areas as Feature<Polygon>[]) {
      expect(["Polygon", "MultiPolygon"]).toContain(f.geometry.type);
      expect(geometryProblems(f.geometry)).toEqual([]);
      const p = f.properties;
      expect([50, 90, 95]).toContain(p.percent);
      expect(p.time).toMatch(/^2016-02-01T\d\d:00:00Z$/);
      expect(typeof p.hours_elapsed).toBe("number");
      expect(p.area_km2 as number).toBeGreaterThan(0);
      expect(p.area_nm2 as number).toBeCloseTo((p.area_km2 as number) / 1.852 ** 2, 2);
    }
    const kinds = fc.features.map((f) => f.properties.kind);
    expect(kinds.filter((k) => k === "centroid")).toHaveLength(traj.times.length);
    expect(kinds.filter((k) => k === "most_likely")).toHaveLength(traj.times.length);
    expect(kinds.filter((k) => k === "last_known_position")).toHaveLength(1);
    for (const f of fc.features) if (f.geometry.type === "Point") checkPosition(f.geometry.coordinates);
  });
});
