import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PRODUCT_FILES } from "../../src/products/context.js";
import { DATA_PRODUCTS, writeDataProducts } from "../../src/products/data-products.js";
import { eastOfLand, syntheticContext, syntheticTrajectory } from "./synthetic.js";
import { tempDir } from "./tools.js";

describe("writeDataProducts", () => {
  it("writes every selected data product and fills ctx.searchAreas", async () => {
    const t = syntheticTrajectory({ n: 300, hours: 5, coastLon: 4.57 });
    const ctx = syntheticContext(t, { landmask: eastOfLand(4.57) });
    const dir = tempDir();
    const seen: string[] = [];
    const { grids, files } = await writeDataProducts(ctx, dir, [...DATA_PRODUCTS, "png"], {
      onProgress: (_f, p) => seen.push(p),
    });
    expect(ctx.searchAreas).toHaveLength(6);
    expect(grids.afloat).toHaveLength(6);
    expect(Object.keys(files).sort()).toEqual([...DATA_PRODUCTS].sort());
    for (const p of DATA_PRODUCTS) {
      expect(files[p]).toBe(path.resolve(dir, PRODUCT_FILES[p]));
      expect(existsSync(files[p]!) && statSync(files[p]!).size > 0).toBe(true);
    }
    expect(files.png).toBeUndefined();
    expect(seen).toContain("kmz");
  });
});
