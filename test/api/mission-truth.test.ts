// What the API tells about a mission must be the whole truth (issue 19): stranded particles keep their last
// position and status at every later time, a run past the end of the forcing is refused unless asked for,
// messages name the field in words a person uses, particleCount with ensembleSize as its old name.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forcingGap } from "../../src/service/api/forcing-coverage.js";
import { call, removeDir, startTestServer, waitForMission } from "./helpers.js";

let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer(); // the shared demo forcing (Arctic20, Nordic, synthetic wind, AROME)
});

afterAll(async () => {
  await server?.close();
  if (server) removeDir(server.dataDir);
});

// Off Andøya, 1 Feb 2016: the demo forcing covers it from 12:00 to 5 Feb 12:00.
const ANDOYA = {
  name: "API test: PIW off Andøya",
  lastKnownLat: 69.3,
  lastKnownLon: 15.9,
  lastKnownTime: "2016-02-01T12:00:00Z",
  objectType: "PIW",
  forecastHours: 48,
  particleCount: 1000,
  uncertaintyRadiusM: 2000,
};

describe("stranded particles", () => {
  it("keep their last position and status at every later time, counted as summary.json counts them", async () => {
    // Strong on-scene wind from the north-west towards the coast: many strand.
    const body = {
      ...ANDOYA,
      onSceneWind: { speed: 20, direction: 315 },
      onSceneCurrent: { x: 0.3, y: -0.3 },
    };
    const created = await call(server, "POST", "/api/v1/missions", body);
    expect(created.status).toBe(201);
    const id = created.json.data.id;
    expect((await waitForMission(server, id, 220_000)).status).toBe("completed");
    const cloud = (await call(server, "GET", `/api/v1/missions/${id}/results/particles?max=20000`)).json.data;
    const summary = (await call(server, "GET", `/api/v1/missions/${id}/results/download?format=summary`))
      .json;
    const snapshots = summary.snapshots ?? summary.times ?? summary.summaries;
    expect(cloud.counts).toHaveLength(snapshots.length);
    const last = cloud.times.length - 1;
    expect(cloud.counts[last].stranded).toBeGreaterThan(10);
    cloud.counts.forEach((c: Record<string, number>, k: number) => {
      expect(c.stranded).toBe(snapshots[k].counts.stranded);
      expect(c.active).toBe(snapshots[k].counts.active);
    });
    // Every particle stranded at some time is there, with a position, at every later time.
    for (let p = 0; p < cloud.sampleCount; p++) {
      const k = cloud.status.findIndex((row: number[]) => row[p] === 1);
      if (k < 0) continue;
      for (let t = k; t <= last; t++) {
        expect(cloud.status[t][p]).toBe(1);
        expect(cloud.lon[t][p]).toBe(cloud.lon[k][p]);
        expect(cloud.lat[t][p]).not.toBeNull();
      }
    }
  }, 240_000);
});

describe("runs the forcing does not cover", () => {
  it("are refused with a 400 naming the field and the covered window", async () => {
    const r = await call(server, "POST", "/api/v1/missions", {
      ...ANDOYA,
      lastKnownTime: "2016-02-05T00:00:00Z",
    });
    expect(r.status).toBe(400);
    const current = r.json.details.find((d: { message: string }) => d.message.startsWith("current"));
    expect(current.field).toBe("forecastHours");
    expect(current.message).toMatch(/Arctic20_1to5Feb_2016\.nc 2016-02-01 12:00 UTC – 2016-02-05 12:00 UTC/);
    expect(current.message).toMatch(/at most 12 h/);
    expect(current.message).toMatch(/allowPartial/);
  });

  it("run when the caller allows a partial run", async () => {
    const r = await call(server, "POST", "/api/v1/missions", {
      ...ANDOYA,
      particleCount: 200,
      lastKnownTime: "2016-02-05T00:00:00Z",
      forecastHours: 24,
      allowPartial: true,
    });
    expect(r.status).toBe(201);
    expect(r.json.data.config.allow_partial).toBe(true);
  });

  it("name the gap before and after the data, forward and backward", () => {
    const files = [
      {
        name: "a.nc",
        variables: ["current" as const],
        west: 0,
        east: 10,
        south: 60,
        north: 70,
        start: "2016-02-01T00:00:00Z",
        end: "2016-02-02T00:00:00Z",
      },
      {
        name: "b.nc",
        variables: ["current" as const],
        west: 0,
        east: 10,
        south: 60,
        north: 70,
        start: "2016-02-02T00:00:00Z",
        end: "2016-02-03T00:00:00Z",
      },
    ];
    const t = (s: string) => Date.parse(s);
    expect(
      forcingGap(files, "current", 65, 5, t("2016-02-01T06:00Z"), t("2016-02-02T18:00Z")),
    ).toBeUndefined();
    expect(
      forcingGap(files, "current", 65, 5, t("2016-02-02T06:00Z"), t("2016-02-03T18:00Z"))?.message,
    ).toMatch(/at most 18 h/);
    expect(
      forcingGap(files, "current", 65, 5, t("2016-02-01T06:00Z"), t("2016-01-31T18:00Z"))?.message,
    ).toMatch(/at most 6 h/);
    expect(forcingGap(files, "current", 65, 5, t("2016-02-04T00:00Z"), t("2016-02-04T06:00Z"))?.field).toBe(
      "lastKnownTime",
    );
    expect(
      forcingGap(files, "current", 50, 5, t("2016-02-01T06:00Z"), t("2016-02-01T08:00Z"))?.message,
    ).toMatch(/none; the current files cover a\.nc/);
    expect(forcingGap(files, "wind", 65, 5, t("2016-02-01T06:00Z"), t("2016-02-01T08:00Z"))).toBeDefined();
  });
});

describe("mission fields", () => {
  it("say what is wrong in words a person uses", async () => {
    const r = await call(server, "POST", "/api/v1/missions", {
      ...ANDOYA,
      particleCount: 0,
      forecastHours: 1.5,
      name: "",
    });
    expect(r.status).toBe(400);
    const messages = Object.fromEntries(
      r.json.details.map((d: { field: string; message: string }) => [d.field, d.message]),
    );
    expect(messages.particleCount).toBe("Particles: at least 100");
    expect(messages.name).toBe("Mission name: required");
    expect(messages.forecastHours).toMatch(/^Duration: /);
    for (const m of Object.values(messages)) expect(m).not.toMatch(/Too small|expected|Invalid input/);
  });

  it("take particleCount, and ensembleSize as its old name; the time step defaults to the spec's 600 s", async () => {
    const old = await call(server, "POST", "/api/v1/missions", {
      ...ANDOYA,
      particleCount: undefined,
      ensembleSize: 300,
      forecastHours: 2,
    });
    expect(old.status).toBe(201);
    expect(old.json.data).toMatchObject({ particleCount: 300, ensembleSize: 300 });
    expect(old.json.data.config.time_step_seconds).toBe(600);
    const bad = await call(server, "POST", "/api/v1/missions", { ...ANDOYA, timeStepSeconds: 700 });
    expect(bad.status).toBe(400);
    expect(bad.json.details[0]).toMatchObject({ field: "timeStepSeconds" });
    expect(bad.json.details[0].message).toMatch(/^Time step: must divide an hour/);
  });
});
