// cellLookup interpolates between projected samples: it must give exactly the table that projecting every
// pixel with proj4 gives, for small and large cells and views, high latitudes and the antimeridian.
import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import { cellLookup } from "../../src/products/cell-lookup.js";
import { Bounds, fitView, type MapView } from "../../src/products/map-view.js";
import type { DensityGrids } from "../../src/products/types.js";

/** A grid of nx × ny cells of cellM metres on a LAEA projection centred at (lon0, lat0), centred there. */
function grid(lon0: number, lat0: number, cellM: number, nx: number, ny: number): DensityGrids {
  const proj = `+proj=laea +lat_0=${lat0} +lon_0=${lon0} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs`;
  const x = Float64Array.from({ length: nx }, (_, i) => (i - (nx - 1) / 2) * cellM + 0.37 * cellM);
  const y = Float64Array.from({ length: ny }, (_, j) => (j - (ny - 1) / 2) * cellM - 0.21 * cellM);
  return {
    proj4: proj,
    cellM,
    nx,
    ny,
    x,
    y,
    lon: new Float64Array(nx * ny),
    lat: new Float64Array(nx * ny),
    land: new Uint8Array(nx * ny),
    counts: new Uint32Array(0),
    stranded: new Uint32Array(0),
    afloat: new Uint32Array(0),
    weight: new Float64Array(0),
    afloatWeight: new Float64Array(0),
  };
}

/** The straightforward table: every pixel projected. */
function bruteForce(view: MapView, grids: DensityGrids): Int32Array {
  const { w, h } = view.rect;
  const out = new Int32Array(w * h).fill(-1);
  const conv = proj4(grids.proj4);
  const dx = grids.x[1] - grids.x[0];
  const dy = grids.y[1] - grids.y[0];
  for (let py = 0; py < h; py++) {
    const lat = view.lat(view.rect.y + py + 0.5);
    for (let px = 0; px < w; px++) {
      const q = conv.forward([view.lon(view.rect.x + px + 0.5), lat]);
      const i = Math.round((q[0] - grids.x[0]) / dx);
      const j = Math.round((q[1] - grids.y[0]) / dy);
      if (i >= 0 && i < grids.nx && j >= 0 && j < grids.ny) out[py * w + px] = j * grids.nx + i;
    }
  }
  return out;
}

function view(
  lonRef: number,
  west: number,
  south: number,
  east: number,
  north: number,
  w: number,
  h: number,
) {
  const b = new Bounds(lonRef);
  b.add(west, south);
  b.add(east, north);
  return fitView(b, { x: 30, y: 20, w, h }, 0.05);
}

describe("cellLookup", () => {
  const cases: [string, MapView, DensityGrids][] = [
    ["heat-map sized, 1 km cells", view(4.7, 4.5, 59.9, 5.1, 60.2, 806, 716), grid(4.7, 60, 1000, 60, 50)],
    ["cells smaller than a pixel", view(4.7, 4.5, 59.9, 5.1, 60.2, 300, 250), grid(4.7, 60, 40, 900, 900)],
    ["a few huge cells", view(4.7, 4.5, 59.9, 5.1, 60.2, 400, 300), grid(4.8, 60.05, 9000, 4, 3)],
    ["arctic, grid off-centre", view(14, 12, 68.5, 16, 69.5, 500, 420), grid(14.5, 69.2, 700, 150, 90)],
    ["near the pole", view(20, 0, 86, 40, 88.5, 350, 300), grid(20, 87, 2500, 200, 120)],
    [
      "across the antimeridian",
      view(179.8, 179.5, -40.3, -179.9, -39.8, 420, 330),
      grid(179.9, -40, 500, 120, 140),
    ],
    ["continental view", view(-30, -45, 30, -15, 55, 600, 500), grid(-30, 42, 20000, 130, 150)],
  ];
  for (const [name, v, g] of cases) {
    it(`equals projecting every pixel: ${name}`, () => {
      const fast = cellLookup(v, g);
      const exact = bruteForce(v, g);
      let diff = 0;
      let inside = 0;
      for (let p = 0; p < exact.length; p++) {
        if (fast[p] !== exact[p]) diff++;
        if (exact[p] >= 0) inside++;
      }
      expect(diff).toBe(0);
      expect(inside).toBeGreaterThan(0);
    });
  }
});
