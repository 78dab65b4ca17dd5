// Plans and searches as sub-resources of a mission (issue 22 item 5), in the embedded server (PGlite, local
// files, the real pipeline): a plan on the run, the helicopter's planned route marked flown, revision 1 with
// its own products, the original untouched.
import { describe, expect, it } from "vitest";
import { call, useServerWithCompletedMission } from "./helpers.js";

const UNITS = {
  conditions: { visibility_nm: 10, wind_kn: 10, sea_ft: 2 },
  units: [
    { name: "Vessel", platform: "vessel", speed_kn: 12, on_scene_hours: 3 },
    { name: "Heli", platform: "helicopter", speed_kn: 90, on_scene_hours: 1, altitude_ft: 500 },
  ],
};

const at = useServerWithCompletedMission({
  name: "API test: raft off Andøya",
  lastKnownLat: 69.3,
  lastKnownLon: 15.9,
  lastKnownTime: "2016-02-01T12:00:00Z",
  objectType: "LIFE-RAFT-DB-11",
  forecastHours: 12,
  particleCount: 1000,
  uncertaintyRadiusM: 3000,
});

describe("search planning API", () => {
  it("plans, marks the helicopter's route flown, and keeps every revision", async () => {
    const { server, id } = at;
    const plan = await call(server, "POST", `/api/v1/missions/${id}/plans`, UNITS);
    expect(plan.status).toBe(201);
    const p = plan.json.data;
    expect(p.units).toHaveLength(2);
    expect(p.joint_pos).toBeGreaterThanOrEqual(p.even_split_pos);
    expect(p.revision).toBe(0);
    const listed = await call(server, "GET", `/api/v1/missions/${id}/plans`);
    expect(listed.json.data.map((x: { id: string }) => x.id)).toEqual([p.id]);
    const gpx = await call(server, "GET", `/api/v1/missions/${id}/plans/${p.id}/download?file=plan.gpx`);
    expect(gpx.status).toBe(200);
    expect(gpx.text.match(/<rte>/g)).toHaveLength(2);

    const searched = await call(server, "POST", `/api/v1/missions/${id}/searches`, {
      units: UNITS,
      planId: p.id,
      done: ["Heli"],
    });
    expect(searched.status).toBe(201);
    const s = searched.json.data;
    expect(s.revision).toBe(1);
    expect(s.search.tracks.map((t: { unit: string }) => t.unit)).toEqual(["Heli"]);
    expect(s.cumulativePos).toBeGreaterThan(0);
    expect(s.cumulativePos).toBeCloseTo(p.units[1].pos, 2);

    const revisions = await call(server, "GET", `/api/v1/missions/${id}/revisions`);
    expect(revisions.json.data.map((r: { revision: number }) => r.revision)).toEqual([0, 1]);
    const density = await call(server, "GET", `/api/v1/missions/${id}/revisions/1/density`);
    expect(density.status).toBe(200);
    expect(density.json.data.cells.length).toBeGreaterThan(0);
    const cloud1 = await call(server, "GET", `/api/v1/missions/${id}/revisions/1/particles?max=1000`);
    expect(cloud1.status).toBe(200);
    expect(Math.min(...cloud1.json.data.weight)).toBeLessThan(0.5 * Math.max(...cloud1.json.data.weight));
    const summary1 = await call(server, "GET", `/api/v1/missions/${id}/revisions/1/download?format=summary`);
    expect(summary1.json.revision.cumulativePos).toBeCloseTo(s.cumulativePos, 6);
    // The run itself is revision 0, unchanged.
    const summary0 = await call(server, "GET", `/api/v1/missions/${id}/results/download?format=summary`);
    expect(summary0.json.revision).toBeUndefined();

    // A plan on the latest revision starts from the updated cloud.
    const plan2 = await call(server, "POST", `/api/v1/missions/${id}/plans`, UNITS);
    expect(plan2.json.data.revision).toBe(1);
    expect(plan2.json.data.cumulative_pos_before).toBeCloseTo(s.cumulativePos, 4);
  }, 300_000);

  it("names the bad field", async () => {
    const { server, id } = at;
    const bad = await call(server, "POST", `/api/v1/missions/${id}/plans`, {
      ...UNITS,
      units: [{ ...UNITS.units[0], platform: "submarine" }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.details[0].field).toBe("units.0.platform");
    const noTracks = await call(server, "POST", `/api/v1/missions/${id}/searches`, { units: UNITS });
    expect(noTracks.status).toBe(400);
    expect(noTracks.json.details[0].field).toBe("gpx");
    const timeless = await call(server, "POST", `/api/v1/missions/${id}/searches`, {
      units: UNITS,
      gpx: '<gpx><trk><name>Heli</name><trkpt lat="69.3" lon="15.9"></trkpt><trkpt lat="69.4" lon="15.9"></trkpt></trk></gpx>',
    });
    expect(timeless.status).toBe(400);
    expect(timeless.json.error).toMatch(/every point needs a <time>/);
    const future = await call(server, "GET", `/api/v1/missions/${id}/revisions/9/density`);
    expect(future.status).toBe(404);
  }, 120_000);
});
