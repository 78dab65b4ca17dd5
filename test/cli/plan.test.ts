// `driftline plan` as a user runs it (issue 22 item 2): a real simulate result, a units file, every plan file
// telling the same story; a bad units file names the field.
import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driftline } from "../helpers/cli.js";
import { RAFT_SPEC, UNITS } from "../helpers/planning.js";

let dir: string;
let result: string;
let unitsPath: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "driftline-plan-"));
  const spec = path.join(dir, "raft.json");
  await writeFile(spec, JSON.stringify(RAFT_SPEC));
  unitsPath = path.join(dir, "units.json");
  await writeFile(unitsPath, JSON.stringify(UNITS));
  result = path.join(dir, "run");
  const r = await driftline(["simulate", spec, "--out", result, "--products", "netcdf,summary"]);
  expect(r.stderr).not.toMatch(/failed/);
  expect(r.code).toBe(0);
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("driftline plan", () => {
  it("writes plan.json, GPX, KML, CSV and tasking.pdf that agree", async () => {
    const out = path.join(dir, "plan");
    const r = await driftline(["plan", result, "--units", unitsPath, "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/joint POS \d+\.\d %/);
    const plan = JSON.parse(readFileSync(path.join(out, "plan.json"), "utf8"));
    expect(plan.units).toHaveLength(2);
    expect(plan.joint_pos).toBeGreaterThanOrEqual(plan.even_split_pos);
    expect(plan.joint_pos).toBeGreaterThan(0);
    // Default window: ends at the run's last output time, as long as the longest on-scene time.
    expect(plan.window).toEqual({ from: "2016-02-01T20:00:00Z", to: "2016-02-02T00:00:00Z" });
    expect(plan.search_object).toBe("Raft 4 person");
    const heli = plan.units[1];
    expect(heli.sweep_width_nm.corrected).toBeCloseTo(1.6 * 1.0 * 1.0, 6);
    expect(heli.end).toBe("2016-02-01T21:30:00Z");
    expect(heli.area.corners).toHaveLength(4);
    const gpx = readFileSync(path.join(out, "plan.gpx"), "utf8");
    expect(gpx.match(/<rte>/g)).toHaveLength(2);
    const points = plan.units.reduce((s: number, u: { waypoints: unknown[] }) => s + u.waypoints.length, 0);
    expect(gpx.match(/<rtept /g)).toHaveLength(points);
    const csv = readFileSync(path.join(out, "plan_waypoints.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(points + 1);
    expect(csv[1]).toMatch(/^Vessel A,1,2016-02-01T20:00:00Z,\d{2}°\d{2}\.\d{2}'N,\d{3}°\d{2}\.\d{2}'E,/);
    const kml = readFileSync(path.join(out, "plan.kml"), "utf8");
    expect(kml.match(/<Polygon>/g)).toHaveLength(2);
    const pdf = readFileSync(path.join(out, "tasking.pdf"));
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  }, 120_000);

  it("names the bad field of a units file (exit 2)", async () => {
    const bad = path.join(dir, "bad.json");
    await writeFile(bad, JSON.stringify({ ...UNITS, units: [{ ...UNITS.units[0], speed_kn: -3 }] }));
    const r = await driftline(["plan", result, "--units", bad, "--out", path.join(dir, "x")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/units\.0\.speed_kn: must be > 0/);
    expect(existsSync(path.join(dir, "x", "plan.json"))).toBe(false);
  }, 120_000);

  it("searched: a new revision from the re-weighted cloud, cumulative POS, the parent untouched", async () => {
    const parentNc = path.join(result, "particles.nc");
    const before = statSync(parentNc).mtimeMs;
    const plan = JSON.parse(readFileSync(path.join(dir, "plan", "plan.json"), "utf8"));
    // The helicopter flew its planned route (plan.gpx holds both units; keep its route only).
    const gpx = readFileSync(path.join(dir, "plan", "plan.gpx"), "utf8").replace(
      /<rte><name>Vessel A[\s\S]*?<\/rte>\n/,
      "",
    );
    const tracks = path.join(dir, "heli.gpx");
    await writeFile(tracks, gpx);
    const rev1 = path.join(dir, "rev1");
    const r = await driftline(["searched", result, "--tracks", tracks, "--units", unitsPath, "--out", rev1]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const revision = JSON.parse(readFileSync(path.join(rev1, "revision.json"), "utf8"));
    expect(revision.revision).toBe(1);
    expect(revision.searches[0].tracks.map((t: { unit: string }) => t.unit)).toEqual(["Heli"]);
    // One search: its POS is the cumulative POS, and the planned unit's POS (same route, same cloud).
    expect(revision.cumulativePos).toBeCloseTo(revision.searches[0].pos, 3);
    expect(revision.searches[0].pos).toBeCloseTo(plan.units[1].pos, 2);
    expect(existsSync(path.join(rev1, "particles.nc"))).toBe(true);
    expect(existsSync(path.join(rev1, "summary.json"))).toBe(true);
    expect(statSync(parentNc).mtimeMs).toBe(before);
    // A plan on the revision starts from the updated cloud.
    const plan2 = path.join(dir, "plan2");
    const p = await driftline(["plan", rev1, "--units", unitsPath, "--out", plan2]);
    expect(p.code).toBe(0);
    const doc2 = JSON.parse(readFileSync(path.join(plan2, "plan.json"), "utf8"));
    expect(doc2.cumulative_pos_before).toBeCloseTo(revision.cumulativePos, 4);
    // The same track again, on revision 1: revision 2, a larger cumulative POS; an existing directory is refused.
    const rev2 = path.join(dir, "rev2");
    const searchedIntoRev2 = () =>
      driftline(["searched", rev1, "--tracks", tracks, "--units", unitsPath, "--out", rev2]);
    const again = await searchedIntoRev2();
    expect(again.code).toBe(0);
    const revision2 = JSON.parse(readFileSync(path.join(rev2, "revision.json"), "utf8"));
    expect(revision2.revision).toBe(2);
    expect(revision2.searches).toHaveLength(2);
    expect(revision2.cumulativePos).toBeGreaterThan(revision.cumulativePos);
    const refused = await searchedIntoRev2();
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/revisions are never overwritten/);
  }, 300_000);
});
