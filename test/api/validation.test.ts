// A mission's validation against observed drift (issue 23 item 5), in the embedded server (PGlite, local files,
// the real pipeline): a drifter's track posted as CSV is compared with the run, the figures come back, the files
// are stored and downloaded, a bad track names its line, and the OpenAPI document lists the routes.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { geodesicDirect } from "../../src/core/geodesy.js";
import { openApiDocument } from "../../src/service/api/openapi.js";
import { specOfResult } from "../../src/validation/result.js";
import { call, useServerWithCompletedMission, waitForMission } from "./helpers.js";

const T0 = Date.UTC(2016, 1, 1, 12) / 1000;

/** A drifter from the last known position, 0.5 m/s towards 060°, a fix every 30 min for 12 h. */
function trackCsv(): string {
  const rows = ["time,lon,lat,id"];
  for (let i = 0; i <= 24; i++) {
    const p = geodesicDirect(69.3, 15.9, 60, 900 * i);
    rows.push(
      `${new Date((T0 + 1800 * i) * 1000).toISOString()},${p.lon.toFixed(6)},${p.lat.toFixed(6)},SLDMB-1`,
    );
  }
  return `${rows.join("\n")}\n`;
}

const at = useServerWithCompletedMission({
  name: "API test: validation off Andøya",
  lastKnownLat: 69.3,
  lastKnownLon: 15.9,
  lastKnownTime: "2016-02-01T12:00:00Z",
  objectType: "LIFE-RAFT-DB-11",
  forecastHours: 12,
  particleCount: 1000,
  uncertaintyRadiusM: 1000,
});

describe("validation API", () => {
  it("compares a posted track with the run, stores the files and lists the validation", async () => {
    const { server, id } = at;
    const r = await call(server, "POST", `/api/v1/missions/${id}/validations`, { track: trackCsv() });
    expect(r.status, r.text).toBe(201);
    const v = r.json.data;
    expect(r.headers.get("location")).toBe(`/api/v1/missions/${id}/validations/${v.id}`);
    expect(v.mode).toBe("result");
    expect(v.drifters).toHaveLength(1);
    const d = v.drifters[0];
    expect(d.id).toBe("SLDMB-1");
    expect(d.points).toHaveLength(13);
    expect(d.points[0].centroidKm).toBeLessThan(1); // released around the first fix
    // The mission's seed comes from its random id: near the coast the cloud may be all ashore by 12 h (null).
    expect(Number.isFinite(d.leads[0].centroidKm)).toBe(true);
    for (const l of d.leads) expect(l.centroidKm === null || Number.isFinite(l.centroidKm)).toBe(true);
    expect(d.leads.map((l: { label: string }) => l.label)).toEqual(["6 h", "12 h", "end"]);
    expect(v.total.hitRates["95"].n).toBeGreaterThan(0);
    expect(v.total.hitRates["95"].n).toBeLessThanOrEqual(12);
    expect(Object.keys(v.downloads)).toEqual(
      expect.arrayContaining(["validation.json", "validation.csv", "validation-1.png", "validation.pdf"]),
    );
    const png = await fetch(`${server.url}${v.downloads["validation-1.png"]}`);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    const csv = await call(server, "GET", v.downloads["validation.csv"]);
    expect(csv.text.split("\n")[1]).toMatch(/^SLDMB-1,/);

    const one = await call(server, "GET", `/api/v1/missions/${id}/validations/${v.id}`);
    expect(one.json.data.total).toEqual(v.total);
    const list = await call(server, "GET", `/api/v1/missions/${id}/validations`);
    expect(list.json.data.map((x: { id: string }) => x.id)).toEqual([v.id]);
  }, 120_000);

  it("names the bad field and line; a track outside the forecast cannot be compared", async () => {
    const { server, id } = at;
    const bad = await call(server, "POST", `/api/v1/missions/${id}/validations`, {
      track: "time,lon,lat\n2016-02-01T12:00:00Z,15.9,69.3\nlater,15.9,69.3\n",
    });
    expect(bad.status).toBe(400);
    expect(bad.json.details[0]).toMatchObject({
      field: "track",
      message: expect.stringMatching(/line 3: time "later"/),
    });
    const late = await call(server, "POST", `/api/v1/missions/${id}/validations`, {
      track: "time,lon,lat\n2017-02-01T12:00:00Z,15.9,69.3\n2017-02-01T13:00:00Z,15.9,69.3\n",
    });
    expect(late.status).toBe(400);
    expect(late.json.details[0].message).toMatch(/no output time/);
    const neither = await call(server, "POST", `/api/v1/missions/${id}/validations`, {});
    expect(neither.status).toBe(400);
    const file = await call(
      server,
      "GET",
      `/api/v1/missions/${id}/validations/${crypto.randomUUID()}/download?file=../x`,
    );
    expect(file.status).toBe(400);
  }, 120_000);

  it("estimates a current correction from the drifter, and a mission takes it", async () => {
    const { server, id } = at;
    const r = await call(server, "POST", `/api/v1/missions/${id}/corrections`, {
      track: trackCsv(),
      hours: 6,
    });
    expect(r.status, r.text).toBe(200);
    const c = r.json.data;
    expect(c.drifter).toBe("SLDMB-1");
    expect(c.samples).toBeGreaterThan(10);
    expect(c.speed).toBeGreaterThan(0);
    expect(c.speed).toBeLessThan(3);
    expect(c.direction).toBeGreaterThanOrEqual(0);
    expect(c.currentCorrection).toEqual({ x: expect.any(Number), y: expect.any(Number) });
    const mission = await call(server, "GET", `/api/v1/missions/${id}`);
    expect(mission.status).toBe(200);
    const rerun = await call(server, "POST", "/api/v1/missions", {
      name: "API test: validation off Andøya, corrected",
      lastKnownLat: 69.3,
      lastKnownLon: 15.9,
      lastKnownTime: "2016-02-01T12:00:00Z",
      objectType: "LIFE-RAFT-DB-11",
      forecastHours: 12,
      particleCount: 500,
      uncertaintyRadiusM: 1000,
      currentCorrection: c.currentCorrection,
    });
    expect(rerun.status, rerun.text).toBe(201);
    expect((await waitForMission(server, rerun.json.data.id, 220_000)).status).toBe("completed");
    // The rerun's spec (in its particles.nc) has the bias after the current sources.
    const nc = await fetch(
      `${server.url}/api/v1/missions/${rerun.json.data.id}/results/download?format=netcdf`,
    );
    expect(nc.status).toBe(200);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "driftline-rerun-")), "particles.nc");
    writeFileSync(file, Buffer.from(await nc.arrayBuffer()));
    const spec = (await specOfResult(file)) as { forcing: { current: unknown[] } };
    expect(spec.forcing.current.at(-1)).toEqual({ bias: c.currentCorrection });
    const bad = await call(server, "POST", `/api/v1/missions/${id}/corrections`, {
      track: trackCsv(),
      hours: 100,
    });
    expect(bad.status).toBe(400);
    expect(bad.json.details[0].field).toBe("hours");
  }, 300_000);

  it("is in the OpenAPI document", () => {
    const doc = openApiDocument("test") as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/missions/{id}/validations",
        "/api/v1/missions/{id}/validations/{vid}",
        "/api/v1/missions/{id}/validations/{vid}/download",
        "/api/v1/missions/{id}/corrections",
      ]),
    );
  });
});
