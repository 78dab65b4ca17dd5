// particles.csv and search_areas.csv: decimal degrees and degrees-minutes as on a chart, one row per shown
// particle and time, every corner of every area.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatDegreesMinutes } from "../../src/products/coordinates.js";
import { searchAreasCsv, writeParticlesCsv } from "../../src/products/csv.js";
import { computeDensity } from "../../src/products/density.js";
import { computeSearchAreas } from "../../src/products/search-areas.js";
import { isoDuration } from "../../src/products/time-format.js";
import { shownAt } from "../../src/products/tracks.js";
import { syntheticContext, syntheticTrajectory } from "./synthetic.js";
import { tempDir } from "./tools.js";

describe("CSV", () => {
  it("degrees and minutes as on a chart", () => {
    expect(formatDegreesMinutes(60.08538333, "lat", 3)).toBe("60°05.123'N");
    expect(formatDegreesMinutes(4.5076, "lon", 3)).toBe("004°30.456'E");
    expect(formatDegreesMinutes(-33.5, "lat", 3)).toBe("33°30.000'S");
    expect(formatDegreesMinutes(-70.99999999, "lon", 3)).toBe("071°00.000'W");
    expect(isoDuration(86400 + 6 * 3600)).toBe("P1DT6H");
  });

  it("particles.csv has one row per shown particle and time, in decimal degrees", async () => {
    const t = syntheticTrajectory({ n: 30, hours: 4, releaseEverySeconds: 600, coastLon: 4.56 });
    const ctx = syntheticContext(t);
    const file = path.join(tempDir(), "particles.csv");
    const rows = await writeParticlesCsv(ctx, file);
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("time,particle_id,lon,lat,status");
    let shown = 0;
    for (let k = 0; k < t.times.length; k++) for (let i = 0; i < t.n; i++) if (shownAt(t, k, i)) shown++;
    expect(rows).toBe(shown);
    expect(lines).toHaveLength(shown + 1);
    expect(lines[1]).toMatch(/^2016-02-01T12:00:00Z,1,4\.\d{5},60\.\d{5},active$/);
    // A sample of particles when asked.
    expect(await writeParticlesCsv(ctx, file, { maxParticles: 3 })).toBeLessThanOrEqual(15);
  });

  it("search_areas.csv lists every corner in decimal degrees and degrees-minutes", () => {
    const t = syntheticTrajectory({ n: 800, hours: 3 });
    const ctx = syntheticContext(t);
    const snaps = computeSearchAreas(ctx, computeDensity(ctx));
    const lines = searchAreasCsv(ctx, snaps).trimEnd().split("\n");
    expect(lines[0]).toBe(
      "kind,time,hours_elapsed,percent,area_km2,area_nm2,polygon,ring,vertex,lat,lon,lat_dm,lon_dm",
    );
    expect(lines[1]).toMatch(/^last_known_position,2016-02-01T12:00:00Z,,/);
    const corners = lines.filter((l) => l.startsWith("area_corner"));
    let expected = 0;
    for (const s of snaps) {
      for (const a of Object.values(s.areas)) {
        const polys = a!.geometry.type === "Polygon" ? [a!.geometry.coordinates] : a!.geometry.coordinates;
        for (const rings of polys) for (const ring of rings) expected += ring.length - 1;
      }
    }
    expect(corners).toHaveLength(expected);
    for (const line of corners.slice(0, 50)) {
      const f = line.split(",");
      expect(f).toHaveLength(13);
      const lat = Number(f[9]);
      const lon = Number(f[10]);
      expect(f[11]).toBe(formatDegreesMinutes(lat, "lat", 3));
      expect(f[12]).toBe(formatDegreesMinutes(lon, "lon", 3));
      expect(f[11]).toMatch(/^\d\d°\d\d\.\d{3}'[NS]$/);
      expect(f[12]).toMatch(/^\d{3}°\d\d\.\d{3}'[EW]$/);
    }
    expect(lines.filter((l) => l.startsWith("centroid,"))).toHaveLength(4);
  });
});
