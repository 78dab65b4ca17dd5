// The forcing-ensemble agreement layer (issue 21 item 2): per density cell, the share of the members (by weight)
// whose own 90 % area covers it; agreement.geojson and density.nc's `agreement`.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { concatTrajectories } from "../../src/core/trajectory-merge.js";
import { openNetcdf } from "../../src/io/netcdf/open.js";
import { agreementOf, writeAgreementGeoJson } from "../../src/products/agreement.js";
import type { ProductContext } from "../../src/products/context.js";
import { computeDensity, writeDensityNetcdf } from "../../src/products/density.js";
import { PRODUCTS } from "../../src/products/registry.js";
import { renderReportPdf } from "../../src/products/report.js";
import { computeSearchAreas } from "../../src/products/search-areas.js";
import { buildSnapshotSummaries } from "../../src/products/summary.js";
import { have } from "../helpers/needs.js";
import { syntheticContext, syntheticTrajectory } from "./synthetic.js";

const POPPLER = await have(
  "test/products/agreement.test.ts: the members in report.pdf (pdftotext)",
  "poppler",
);

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "driftline-agreement-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Two members of 2,000 particles: the second's cloud 0.06° (3.3 km) east of the first's; weights 0.75, 0.25. */
function twoMembers(): { ctx: ProductContext; alone: ProductContext } {
  const a = syntheticTrajectory({ n: 2000, hours: 6, seed: 1 });
  const b = syntheticTrajectory({ n: 2000, hours: 6, seed: 2, lon0: 4.56 });
  b.member.fill(1);
  a.weight.fill(0.75 * 2);
  b.weight.fill(0.25 * 2);
  const t = concatTrajectories([a, b]);
  const ctx = syntheticContext(t);
  ctx.members = [
    { index: 0, name: "current: a.nc", weight: 0.75, particles: 2000 },
    { index: 1, name: "current: b.nc", weight: 0.25, particles: 2000 },
  ];
  return { ctx, alone: syntheticContext(a) };
}

describe("agreement", () => {
  it("gives each cell the weight of the members whose own 90 % area covers it", () => {
    const { ctx, alone } = twoMembers();
    const grids = computeDensity(ctx);
    const layer = agreementOf(ctx, grids);
    expect(layer).not.toBeNull();
    if (!layer) return;
    expect(layer.timeIndex).toBe(6);
    const values = new Set(Array.from(layer.share, (v) => Math.round(v * 1e6) / 1e6));
    expect([...values].sort()).toEqual([0, 0.25, 0.75, 1]);
    // Member 0's cells lie west of member 1's: the westernmost covered cell is member 0's alone.
    let west = -1;
    for (let c = 0; c < layer.share.length; c++) {
      if (layer.share[c] > 0 && (west < 0 || grids.lon[c] < grids.lon[west])) west = c;
    }
    expect(layer.share[west]).toBeCloseTo(0.75, 6);
    // A member's area is its 90 % search area run alone (another grid: within 15 %).
    const own = computeSearchAreas(alone, computeDensity(alone));
    const ownArea = own[6].areas["90"]?.areaKm2 ?? 0;
    expect(layer.members[0].areaKm2).toBeGreaterThan(0.85 * ownArea);
    expect(layer.members[0].areaKm2).toBeLessThan(1.15 * ownArea);
    // Computed once per grid.
    expect(agreementOf(ctx, grids)).toBe(layer);
  });

  it("writes agreement.geojson (levels nested) and density.nc's agreement", async () => {
    const { ctx } = twoMembers();
    const grids = computeDensity(ctx);
    const file = path.join(dir, "agreement.geojson");
    await writeAgreementGeoJson(ctx, grids, file);
    const json = JSON.parse(readFileSync(file, "utf8"));
    expect(json.properties.members.map((m: { weight: number }) => m.weight)).toEqual([0.75, 0.25]);
    const levels = json.features.map((f: { properties: { min_share: number } }) => f.properties.min_share);
    expect(levels).toEqual([0.25, 0.5, 0.75, 1]);
    const areas = json.features.map((f: { properties: { area_km2: number } }) => f.properties.area_km2);
    expect(areas[0]).toBeGreaterThan(areas[1]);
    expect(areas[1]).toBe(areas[2]); // 0.5 and 0.75: member 0's area (0.75 alone, or both)
    expect(areas[2]).toBeGreaterThan(areas[3]);
    expect(areas[3]).toBeGreaterThan(0);
    for (const f of json.features) expect(["Polygon", "MultiPolygon"]).toContain(f.geometry.type);

    const nc = path.join(dir, "density.nc");
    await writeDensityNetcdf(ctx, grids, nc);
    const read = await openNetcdf(nc);
    try {
      const agreement = read.readAll("agreement");
      const layer = agreementOf(ctx, grids);
      expect(Array.from(agreement)).toEqual(Array.from(layer?.share ?? []));
    } finally {
      read.close();
    }
  });

  it.runIf(POPPLER)(
    "lists the members and their overlap in report.pdf",
    async () => {
      const { ctx } = twoMembers();
      const grids = computeDensity(ctx);
      ctx.searchAreas = computeSearchAreas(ctx, grids);
      const pdf = await renderReportPdf({ ctx, grids, areas: ctx.searchAreas, generatedAt: 1.7e9 });
      const file = path.join(dir, "report.pdf");
      await writeFile(file, pdf);
      const text = execFileSync("pdftotext", ["-layout", file, "-"]).toString("utf8");
      expect(text).toMatch(/Forcing ensemble \(2 members/);
      expect(text).toContain("current: a.nc");
      expect(text).toMatch(/75\.0 %/);
      expect(text).toMatch(/All members' own 90 % areas overlap on/);
      // Still the two-page briefing.
      expect(execFileSync("pdfinfo", [file]).toString("utf8")).toMatch(/Pages:\s+2\n/);
    },
    60_000,
  );

  it("draws no outline for a level no cell reaches (members that never overlap)", async () => {
    const a = syntheticTrajectory({ n: 1000, hours: 3, seed: 1 });
    const b = syntheticTrajectory({ n: 1000, hours: 3, seed: 2, lon0: 5.5 });
    b.member.fill(1);
    a.weight.fill(1.5);
    b.weight.fill(0.5);
    const ctx = syntheticContext(concatTrajectories([a, b]));
    ctx.members = [
      { index: 0, name: "a", weight: 0.75, particles: 1000 },
      { index: 1, name: "b", weight: 0.25, particles: 1000 },
    ];
    const file = path.join(dir, "apart.geojson");
    await writeAgreementGeoJson(ctx, computeDensity(ctx), file);
    const json = JSON.parse(readFileSync(file, "utf8"));
    expect(json.features.map((f: { properties: { min_share: number } }) => f.properties.min_share)).toEqual([
      0.25, 0.5, 0.75,
    ]);
  });

  it("says there is nothing to compare without an ensemble", async () => {
    const t = syntheticTrajectory({ n: 300, hours: 3 });
    const ctx = syntheticContext(t);
    ctx.summaries = buildSnapshotSummaries(t);
    const grids = computeDensity(ctx);
    expect(agreementOf(ctx, grids)).toBeNull();
    const file = path.join(dir, "none.geojson");
    await writeAgreementGeoJson(ctx, grids, file);
    const json = JSON.parse(readFileSync(file, "utf8"));
    expect(json.features).toEqual([]);
    expect(json.properties.note).toMatch(/no forcing ensemble/);
    const nc = path.join(dir, "plain-density.nc");
    await writeDensityNetcdf(ctx, grids, nc);
    const read = await openNetcdf(nc);
    expect(read.variables.has("agreement")).toBe(false);
    read.close();
    expect(PRODUCTS.some((p) => p.name === "agreement" && p.file === "agreement.geojson")).toBe(true);
  });
});
