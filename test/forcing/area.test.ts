// The outline of a forcing grid (src/forcing/area.ts gridOutline), which the page draws instead of a lon/lat
// box: a projected grid's edge in lon/lat, closed, inside its box and touching it, not the box itself.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { pointInRing } from "../../src/core/rings.js";
import { scanCatalog } from "../../src/forcing/index.js";

const FORCING = fileURLToPath(new URL("../../data-bundled/forcing/", import.meta.url));

describe("gridOutline", () => {
  it("gives projected grids their real outline and lon/lat grids none (their box is their shape)", async () => {
    const catalog = await scanCatalog(FORCING, { cacheFile: "" });
    const vector = (file: string) => catalog.entries.find((e) => e.file === file)!.vectors[0];
    expect(vector("synthetic_wind_20160201_lonlat.nc").outline).toBeUndefined();
    for (const file of ["Arctic20_1to5Feb_2016.nc", "AROME_MetCoOp_00_DEF_20160114_subset.nc"]) {
      const { outline, area } = vector(file);
      expect(outline, file).toBeDefined();
      const ring = outline!;
      expect(ring.length).toBeGreaterThan(20);
      expect(ring.length).toBeLessThanOrEqual(250);
      expect(ring[ring.length - 1]).toEqual(ring[0]);
      const lons = ring.map((p) => p[0]);
      const lats = ring.map((p) => p[1]);
      // Inside the box and touching its sides (the box is made from the same edge nodes).
      expect(Math.min(...lats)).toBeCloseTo(area.south, 0);
      expect(Math.max(...lats)).toBeCloseTo(area.north, 0);
      expect(Math.min(...lons)).toBeCloseTo(area.west, 0);
      expect(Math.max(...lons)).toBeCloseTo(area.east, 0);
      // Not the box: the box's centre is inside the grid, and some corner of the box is not.
      expect(pointInRing((area.west + area.east) / 2, (area.south + area.north) / 2, ring), file).toBe(true);
      const corners: [number, number][] = [
        [area.west, area.south],
        [area.west, area.north],
        [area.east, area.south],
        [area.east, area.north],
      ];
      expect(
        corners.some(([lon, lat]) => !pointInRing(lon, lat, ring)),
        file,
      ).toBe(true);
    }
  });
});
