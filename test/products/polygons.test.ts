import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import type { MultiPolygon, Polygon } from "../../src/products/geojson-types.js";
import { Laea } from "../../src/products/laea.js";
import { cellsToGeometry, ringArea, traceCells } from "../../src/products/polygons.js";
import { geometryProblems } from "./geometry-check.js";
import { rng } from "./synthetic.js";

/** An nx × ny grid of `cellM` cells centred on 4.5E 60N. */
function grid(nx: number, ny: number, cellM = 1000) {
  const p = new Laea(4.5, 60);
  const x = Float64Array.from({ length: nx }, (_, i) => (i - nx / 2 + 0.5) * cellM);
  const y = Float64Array.from({ length: ny }, (_, j) => (j - ny / 2 + 0.5) * cellM);
  return { nx, ny, x, y, cellM, proj4: p.proj4 };
}

/** Cell indices from a picture: rows top (north) first, '#' = in the set. */
function cellsOf(picture: string[]): { cells: number[]; nx: number; ny: number } {
  const ny = picture.length;
  const nx = picture[0].length;
  const cells: number[] = [];
  picture.forEach((row, r) => {
    for (let i = 0; i < nx; i++) if (row[i] === "#") cells.push((ny - 1 - r) * nx + i);
  });
  return { cells, nx, ny };
}

function geometryOf(picture: string[]): Polygon | MultiPolygon {
  const { cells, nx, ny } = cellsOf(picture);
  const g = cellsToGeometry(cells, grid(nx, ny));
  if (!g) throw new Error("no geometry");
  return g;
}

describe("cell set → polygons", () => {
  it("one cell is a closed counter-clockwise square", () => {
    const g = geometryOf(["#"]);
    expect(g.type).toBe("Polygon");
    const ring = (g as Polygon).coordinates[0];
    expect(ring).toHaveLength(5);
    expect(ring[0]).toEqual(ring[4]);
    expect(geometryProblems(g)).toEqual([]);
  });

  it("a ring of cells around an empty centre keeps the hole", () => {
    const g = geometryOf(["###", "#.#", "###"]);
    expect(g.type).toBe("Polygon");
    expect((g as Polygon).coordinates).toHaveLength(2);
    expect(geometryProblems(g)).toEqual([]);
  });

  it("cells touching only at a corner become separate polygons that do not touch", () => {
    const g = geometryOf(["#.", ".#"]);
    expect(g.type).toBe("MultiPolygon");
    expect((g as MultiPolygon).coordinates).toHaveLength(2);
    expect(geometryProblems(g)).toEqual([]);
  });

  it("a notch closed by a diagonal contact is split, not self-touching", () => {
    // The empty centre reaches the outside through the corner contact of the two cells on its north-east.
    const g = geometryOf(["##.", "#.#", "###"]);
    expect(g.type).toBe("Polygon");
    expect((g as Polygon).coordinates).toHaveLength(1);
    expect(geometryProblems(g)).toEqual([]);
  });

  it("a hole touching the exterior at a corner stays valid", () => {
    const g = geometryOf(["#####", "#..##", "#.#.#", "##..#", "#####"]);
    expect(geometryProblems(g)).toEqual([]);
  });

  it("an island inside a hole is a second polygon", () => {
    const g = geometryOf(["#####", "#...#", "#.#.#", "#...#", "#####"]);
    expect(g.type).toBe("MultiPolygon");
    const polys = (g as MultiPolygon).coordinates;
    expect(polys).toHaveLength(2);
    expect(polys[0]).toHaveLength(2);
    expect(polys[1]).toHaveLength(1);
    expect(geometryProblems(g)).toEqual([]);
  });

  it("a checkerboard gives one polygon per cell, all valid", () => {
    const pic = Array.from({ length: 6 }, (_, r) =>
      Array.from({ length: 6 }, (_, i) => ((r + i) % 2 === 0 ? "#" : ".")).join(""),
    );
    const g = geometryOf(pic);
    expect((g as MultiPolygon).coordinates).toHaveLength(18);
    expect(geometryProblems(g)).toEqual([]);
  });

  it("random cell sets trace into valid polygons with the right area and component count", () => {
    const r = rng(3);
    for (let trial = 0; trial < 40; trial++) {
      const nx = 6 + Math.floor(r() * 8);
      const ny = 6 + Math.floor(r() * 8);
      const fill = 0.3 + r() * 0.4;
      const cells: number[] = [];
      for (let c = 0; c < nx * ny; c++) if (r() < fill) cells.push(c);
      if (cells.length === 0) continue;
      const polys = traceCells(cells, nx, ny);
      // Areas in cell units: every cell, less the tiny chamfers at split corners.
      const area = polys.reduce(
        (a, p) => a + ringArea(p.exterior) + p.holes.reduce((h, q) => h + ringArea(q), 0),
        0,
      );
      expect(area).toBeLessThanOrEqual(cells.length + 1e-9);
      expect(area).toBeGreaterThan(cells.length - 0.01 * cells.length);
      expect(polys.reduce((a, p) => a + p.cells, 0)).toBe(cells.length);
      const g = cellsToGeometry(cells, grid(nx, ny, 500))!;
      expect(geometryProblems(g), `trial ${trial}`).toEqual([]);
    }
  });

  it("places vertices at the projected cell corners (checked with proj4)", () => {
    const gr = grid(4, 3, 2000);
    const g = cellsToGeometry([0], gr) as Polygon;
    const inv = proj4(gr.proj4, "WGS84");
    const ring = g.coordinates[0].slice(0, 4);
    for (const [dx, dy] of [
      [-1000, -1000],
      [1000, -1000],
      [1000, 1000],
      [-1000, 1000],
    ]) {
      const [lon, lat] = inv.forward([gr.x[0] + dx, gr.y[0] + dy]);
      const nearest = Math.min(...ring.map(([x, y]) => Math.hypot(x - lon, y - lat)));
      expect(nearest).toBeLessThan(1e-6);
    }
  });

  it("returns null for an empty set and rejects cells outside the grid", () => {
    expect(cellsToGeometry([], grid(2, 2))).toBeNull();
    expect(() => traceCells([4], 2, 2)).toThrow(/outside the 2×2 grid/);
  });
});

describe("the validity checker itself", () => {
  it("flags a bow-tie, a clockwise exterior, an open ring and rings touching at a point", () => {
    const bowtie: Polygon = {
      type: "Polygon",
      coordinates: [
        [
          [0, 0],
          [1, 1],
          [1, 0],
          [0, 1],
          [0, 0],
        ],
      ],
    };
    expect(geometryProblems(bowtie).length).toBeGreaterThan(0);
    const cw: Polygon = {
      type: "Polygon",
      coordinates: [
        [
          [0, 0],
          [0, 1],
          [1, 1],
          [1, 0],
          [0, 0],
        ],
      ],
    };
    expect(geometryProblems(cw)).toContain("polygon 0 ring 0: exterior not counter-clockwise");
    const open: Polygon = {
      type: "Polygon",
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
        ],
      ],
    };
    expect(geometryProblems(open)).toContain("polygon 0 ring 0: not closed");
    const sq = (x: number, y: number) => [
      [
        [x, y],
        [x + 1, y],
        [x + 1, y + 1],
        [x, y + 1],
        [x, y],
      ] as [number, number][],
    ];
    const touching: MultiPolygon = { type: "MultiPolygon", coordinates: [sq(0, 0), sq(1, 1)] };
    expect(geometryProblems(touching).length).toBeGreaterThan(0);
  });
});
