// A mission of two scenarios through runSimulationSpec: summary.json's scenario table, a layer per scenario in
// search_areas.geojson, each particle's scenario and object type in particles.nc.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openNetcdf } from "../../src/io/netcdf/open.js";
import { numsAttr } from "../../src/io/netcdf/types.js";
import { type RunResult, runSimulationSpec } from "../../src/pipeline/run.js";
import type { ScenarioRow } from "../../src/products/scenarios.js";
import { BUNDLED_FORCING } from "../api/helpers.js";
import { have } from "../helpers/needs.js";
import { twoScenarioSpec } from "../helpers/scenarios.js";

const POPPLER = await have(
  "test/pipeline/scenarios-products.test.ts: report.pdf's text through pdftotext",
  "poppler",
);

describe("a mission of two scenarios", () => {
  let run: RunResult;
  let summary: {
    scenarios: ScenarioRow[];
    searchAreas: { areas: Record<string, { areaKm2: number } | null> }[];
  };
  beforeAll(async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), "scenarios-"));
    run = await runSimulationSpec(twoScenarioSpec(), {
      outDir,
      threads: 1,
      products: ["netcdf", "search_areas", "summary", "kml", "png", "pdf"],
    });
    summary = JSON.parse(readFileSync(run.files.summary as string, "utf8"));
  }, 120_000);

  it("writes summary.json's scenario table: weights, object types, particles, shares, each one's areas", () => {
    const rows = summary.scenarios;
    expect(rows.map((r) => [r.name, r.weight, r.objectType.key, r.particleCount])).toEqual([
      ["life raft", 0.6, "LIFE-RAFT-DB-10", 1200],
      ["person left the raft", 0.4, "PIW-1", 800],
    ]);
    // Nothing strands without a coast: each scenario's afloat weight is its weight.
    expect(rows.map((r) => r.afloatWeight)).toEqual([0.6, 0.4]);
    expect(rows.map((r) => r.strandedWeight)).toEqual([0, 0]);
    const mission = summary.searchAreas[summary.searchAreas.length - 1].areas;
    for (const r of rows) {
      for (const p of ["50", "90", "95"] as const) expect(r.searchAreaKm2[p]).toBeGreaterThan(0);
      expect(r.searchAreaKm2["50"]).toBeLessThan(r.searchAreaKm2["90"] as number);
      // Each on its own is smaller than the two together.
      expect(r.searchAreaKm2["90"]).toBeLessThan(mission["90"]?.areaKm2 as number);
      expect(r.mostLikely).not.toBeNull();
    }
  });

  it("draws a layer per scenario in search_areas.geojson, beside the combined areas", () => {
    const geo = JSON.parse(readFileSync(run.files.search_areas as string, "utf8"));
    const props = geo.features.map((f: { properties: Record<string, unknown> }) => f.properties);
    const kinds = (kind: string) => props.filter((p: Record<string, unknown>) => p.kind === kind);
    expect(kinds("search_area").every((p: Record<string, unknown>) => p.scenario === undefined)).toBe(true);
    expect(
      kinds("scenario_release").map((p: Record<string, unknown>) => [p.scenario, p.object_type]),
    ).toEqual([
      ["life raft", "LIFE-RAFT-DB-10"],
      ["person left the raft", "PIW-1"],
    ]);
    const layer = kinds("scenario_search_area");
    const nt = summary.searchAreas.length;
    for (const k of [0, 1]) {
      const own = layer.filter(
        (p: Record<string, unknown>) => p.scenario_index === k && p.time_index === nt - 1,
      );
      expect(own.map((p: Record<string, unknown>) => p.percent)).toEqual([95, 90, 50]);
      expect(own[1].area_km2).toBeCloseTo(summary.scenarios[k].searchAreaKm2["90"] as number, 3);
    }
  });

  it("records each particle's scenario and object type in particles.nc", async () => {
    const nc = await openNetcdf(run.files.netcdf as string);
    try {
      const scenario = [...nc.readAll("scenario")];
      const objectType = [...nc.readAll("object_type")];
      const weight = [...nc.readAll("weight")];
      expect(scenario.filter((s) => s === 0).length).toBe(1200);
      expect(scenario.slice(1200).every((s) => s === 1)).toBe(true);
      expect(new Set(objectType.slice(0, 1200))).toEqual(new Set([7]));
      expect(new Set(objectType.slice(1200))).toEqual(new Set([1]));
      // Weights add up to each scenario's share of the particles.
      const sum = (k: number) => weight.filter((_, i) => scenario[i] === k).reduce((a, b) => a + b, 0);
      expect(sum(0) / 2000).toBeCloseTo(0.6, 12);
      const v = nc.variables.get("scenario");
      expect(v?.attrs.get("flag_meanings")?.value).toBe("life_raft person_left_the_raft");
      expect(v?.attrs.get("scenario_names")?.value).toBe("life raft; person left the raft");
      expect(numsAttr(v as never, "scenario_weights")).toEqual([0.6, 0.4]);
    } finally {
      nc.close();
    }
  });

  it("gives mission.kml a folder per scenario with its release and own areas", () => {
    const kml = readFileSync(run.files.kml as string, "utf8");
    const folder = kml.slice(kml.indexOf("<Folder><name>Scenarios</name>"));
    expect(folder).toContain("<name>life raft (60 %, LIFE-RAFT-DB-10)</name>");
    expect(folder).toContain("<name>person left the raft (40 %, PIW-1)</name>");
    expect(folder).toContain("<name>person left the raft: 90 % at +12 h</name>");
    // The combined areas keep their folder.
    expect(kml).toContain("<name>90 % at +12 h</name>");
  });

  it.runIf(POPPLER)("puts a table of the scenarios in report.pdf", () => {
    const text = execFileSync("pdftotext", ["-layout", run.files.pdf as string, "-"]).toString("utf8");
    expect(text).toContain("Scenarios (each on its own at the final time");
    const row = (name: string) =>
      text.split("\n").find((l) => new RegExp(`^\\s*${name}\\s+\\d`).test(l)) ?? "";
    expect(row("life raft")).toMatch(/life raft\s+60\.0 %\s+LIFE-RAFT-DB-10\s+1,200\s+60\.0 %\s+0\.0 %/);
    expect(row("person left the raft")).toMatch(/40\.0 %\s+PIW-1\s+800/);
    expect(text).toContain(
      "2 scenarios: life raft 60 % (LIFE-RAFT-DB-10), person left the raft 40 % (PIW-1)",
    );
  });
});

describe("scenarios with a forcing ensemble and beyond the forcing", () => {
  it("tables each scenario over every member (its particles in every member's block)", async () => {
    const spec = twoScenarioSpec();
    spec.forcing = {
      wind: { constant: { x: 0, y: -10 } },
      current: { ensemble: [{ constant: { x: 0.2, y: 0 } }, { constant: { x: 0, y: 0.2 } }] },
    };
    const outDir = await mkdtemp(path.join(tmpdir(), "scenarios-members-"));
    const result = await runSimulationSpec(spec, {
      outDir,
      threads: 1,
      products: ["search_areas", "summary"],
    });
    const rows = result.summary.scenarios ?? [];
    expect(rows.map((r) => [r.name, r.particleCount, r.afloatWeight])).toEqual([
      ["life raft", 1200, 0.6],
      ["person left the raft", 800, 0.4],
    ]);
    for (const r of rows) expect(r.searchAreaKm2["90"]).toBeGreaterThan(0);
    expect(result.summary.members?.length).toBe(2);
  }, 120_000);

  it("refuses a scenario the forcing does not cover, naming where", async () => {
    const spec = twoScenarioSpec();
    spec.forcing = {
      wind: { files: ["synthetic_wind_20160201_lonlat.nc"] },
      current: { constant: { x: 0, y: 0 } },
    };
    const scenarios = spec.scenarios as { release: Record<string, unknown> }[];
    scenarios[0].release = { lon: 14.0, lat: 68.9 };
    scenarios[1].release = { lon: 3.0, lat: -30.0 };
    const outDir = await mkdtemp(path.join(tmpdir(), "scenarios-uncovered-"));
    await expect(
      runSimulationSpec(spec, { outDir, threads: 1, forcingDir: BUNDLED_FORCING, products: ["summary"] }),
    ).rejects.toThrow(/no wind forcing covers 3\.0E 30\.0S at 2016-02-01T12:00Z/);
  }, 120_000);
});
