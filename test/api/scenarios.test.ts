// POST /missions with weighted scenarios: validated at the edge, run by the embedded worker, a layer per
// scenario in search_areas.geojson; the OpenAPI document describes the field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, removeDir, SMALL_MISSION, startTestServer, waitForMission } from "./helpers.js";

let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer();
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (server) removeDir(server.dataDir);
});

const TWO_SCENARIOS = {
  ...SMALL_MISSION,
  name: "API test: raft or person",
  scenarios: [
    { name: "raft", weight: 0.6, objectType: "Life Raft", lastKnownLat: 59.3, lastKnownLon: 4.6 },
    {
      name: "person",
      weight: 0.4,
      objectType: "PIW",
      lastKnownLat: 59.32,
      lastKnownLon: 4.65,
      lastKnownTime: "2024-03-01T07:00:00Z",
      endTime: "2024-03-01T08:00:00Z",
      uncertaintyRadiusM: 1000,
    },
  ],
};

describe("POST /api/v1/missions with scenarios", () => {
  it("runs each scenario and stores a layer per scenario", async () => {
    const r = await call(server, "POST", "/api/v1/missions", TWO_SCENARIOS);
    expect(r.status).toBe(201);
    const id = r.json.data.id;
    const done = await waitForMission(server, id, 120_000);
    expect(done.status).toBe("completed");
    // The results row carries the scenario table (mission_results.summary), as summary.json does.
    const results = await call(server, "GET", `/api/v1/missions/${id}/results`);
    const table = results.json.data.extra.summary.scenarios;
    expect(table.map((s: { name: string; particleCount: number }) => [s.name, s.particleCount])).toEqual([
      ["raft", 120],
      ["person", 80],
    ]);
    expect(table[1].searchAreaKm2["90"]).toBeGreaterThan(0);
    const res = await fetch(`${server.url}/api/v1/missions/${id}/results/download?format=search-areas`);
    expect(res.status).toBe(200);
    const geo = await res.json();
    const releases = geo.features.filter(
      (f: { properties: { kind: string } }) => f.properties.kind === "scenario_release",
    );
    expect(
      releases.map((f: { properties: Record<string, unknown> }) => [
        f.properties.scenario,
        f.properties.weight,
        f.properties.object_type,
        f.properties.particles,
      ]),
    ).toEqual([
      ["raft", 0.6, "LIFE-RAFT-DB-10", 120],
      ["person", 0.4, "PIW-1", 80],
    ]);
    const own = geo.features.filter(
      (f: { properties: { kind: string } }) => f.properties.kind === "scenario_search_area",
    );
    expect(
      new Set(own.map((f: { properties: { scenario_index: number } }) => f.properties.scenario_index)),
    ).toEqual(new Set([0, 1]));
  }, 150_000);

  it("names a bad scenario field (400)", async () => {
    const bad = structuredClone(TWO_SCENARIOS);
    bad.scenarios[1].lastKnownTime = "2024-03-02T07:00:00Z";
    (bad.scenarios[0] as Record<string, unknown>).lastKnownLat = undefined;
    const r = await call(server, "POST", "/api/v1/missions", bad);
    expect(r.status).toBe(400);
    const fields = r.json.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(["scenarios.0.lastKnownLat", "scenarios.1.lastKnownTime"]));
  });

  it("is in the OpenAPI document", async () => {
    const doc = await call(server, "GET", "/api/v1/openapi.json");
    const body = doc.json.components.schemas.MissionCreate;
    expect(body.properties.scenarios.type).toBe("array");
    expect(Object.keys(body.properties.scenarios.items.properties)).toEqual(
      expect.arrayContaining(["name", "weight", "objectType", "lastKnownLat", "endTime", "polygon"]),
    );
  });

  it("refuses a scenario the forcing files do not cover (400 naming it)", async () => {
    const mission = {
      name: "API test: scenario beyond the forcing",
      lastKnownLat: 68.9,
      lastKnownLon: 14.0,
      lastKnownTime: "2016-02-01T12:00:00Z",
      objectType: "Life Raft",
      forecastHours: 6,
      particleCount: 200,
      scenarios: [
        { name: "raft", lastKnownLat: 68.9, lastKnownLon: 14.0 },
        { name: "far away", lastKnownLat: 40.0, lastKnownLon: 3.0 },
      ],
    };
    const r = await call(server, "POST", "/api/v1/missions", mission);
    expect(r.status).toBe(400);
    expect(r.json.details.map((d: { field: string }) => d.field)).toContain("scenarios.1.lastKnownLat");
  });
});
