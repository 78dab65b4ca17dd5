// The HTTP API end to end on the embedded server: every endpoint's success and error cases, and a mission
// created through the API, processed by the worker (the real pipeline, small run) and downloadable in
// every format.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeRunner } from "./fake-runner.js";
import { call, removeDir, SMALL_MISSION, startTestServer, waitForMission } from "./helpers.js";

// DRIFTLINE_TEST_FAKE_RUNNER=1 runs the API tests without the simulation pipeline (development only).
const runner = process.env.DRIFTLINE_TEST_FAKE_RUNNER ? fakeRunner : undefined;

let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer({ runner, forcingDir: null });
});

afterAll(async () => {
  await server?.close();
  if (server) removeDir(server.dataDir);
});

describe("service endpoints", () => {
  it("GET /health and /api/v1/health say healthy", async () => {
    for (const route of ["/health", "/api/v1/health"]) {
      const r = await call(server, "GET", route);
      expect(r.status).toBe(200);
      expect(r.json.status).toBe("healthy");
    }
  });

  it("serves the OpenAPI document and its reference page", async () => {
    const doc = await call(server, "GET", "/api/v1/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/missions",
        "/api/v1/missions/{id}/results/download",
        "/api/v1/object-types",
      ]),
    );
    const body = doc.json.components.schemas.MissionCreate;
    expect(body.properties.lastKnownLat).toMatchObject({ exclusiveMinimum: -90, exclusiveMaximum: 90 });
    expect(body.properties.ensembleSize).toMatchObject({ minimum: 100, maximum: 10000 });
    const page = await call(server, "GET", "/api/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.text).toContain("/api/v1/missions/{id}/results/download");
    expect(page.text).not.toMatch(/https?:\/\/(?!localhost)[a-z]/i); // no CDN
  });

  it("describes the responses of the service routes as they are: every required field there, types right", async () => {
    const doc = (await call(server, "GET", "/api/v1/openapi.json")).json;
    // biome-ignore lint/suspicious/noExplicitAny: walks a JSON schema over a JSON value
    const problems = (schema: any, value: unknown, at: string): string[] => {
      if (!schema || value === undefined) return [];
      const types = [schema.type].flat().filter(Boolean);
      const kind = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
      const ok =
        types.length === 0 ||
        types.some((t: string) => t === kind || (t === "integer" && Number.isInteger(value)));
      if (!ok) return [`${at}: ${kind}, schema says ${types.join("|")}`];
      if (kind === "array")
        return (value as unknown[]).slice(0, 5).flatMap((v, i) => problems(schema.items, v, `${at}[${i}]`));
      if (kind !== "object") return [];
      const o = value as Record<string, unknown>;
      const missing = (schema.required ?? [])
        .filter((k: string) => !(k in o))
        .map((k: string) => `${at}.${k}: missing`);
      return [
        ...missing,
        ...Object.entries(schema.properties ?? {}).flatMap(([k, s]) => problems(s, o[k], `${at}.${k}`)),
      ];
    };
    for (const route of [
      "/api/v1/object-types",
      "/api/v1/forcing/coverage",
      "/api/v1/coastline?bbox=5,60,5.5,60.5&zoom=10",
      "/api/v1/coastline/land?lat=69.25&lon=16",
      "/api/v1/health",
      "/health",
    ]) {
      const path = route.split("?")[0];
      const response = doc.paths[path].get.responses["200"];
      const schema = Object.values(response.content ?? {})[0] as { schema: unknown } | undefined;
      expect(schema, `${path}: 200 has a schema`).toBeDefined();
      const r = await call(server, "GET", route);
      expect(r.status).toBe(200);
      expect(problems(schema!.schema, r.json, path)).toEqual([]);
    }
  });

  it("lists the 85 object types grouped, with common names", async () => {
    const r = await call(server, "GET", "/api/v1/object-types");
    expect(r.status).toBe(200);
    const categories = r.json.data.flatMap((g: { categories: unknown[] }) => g.categories);
    expect(categories).toHaveLength(85);
    expect(r.json.data[0].group).toBe("Persons in water");
    const raft = categories.find((c: { id: number }) => c.id === 7);
    expect(raft.commonNames).toContain("life raft");
  });

  it("reports forcing coverage as a list", async () => {
    const r = await call(server, "GET", "/api/v1/forcing/coverage");
    expect(r.status).toBe(200);
    expect(Array.isArray(r.json.data)).toBe(true);
  });

  it("serves coastline polygons for a bbox and rejects a bad one", async () => {
    const r = await call(server, "GET", "/api/v1/coastline?bbox=5,60,5.5,60.5&zoom=10");
    expect(r.status).toBe(200);
    expect(r.json.type).toBe("FeatureCollection");
    expect(r.json.features.length).toBeGreaterThan(0);
    expect(r.json.features[0].geometry.type).toBe("MultiPolygon");
    const zoomedOut = await call(server, "GET", "/api/v1/coastline?bbox=-180,-80,180,80&zoom=2");
    expect(zoomedOut.json.features).toEqual([]);
    expect(zoomedOut.json.note).toMatch(/zoom in/);
    for (const bbox of ["1,2,3", "5,61,6,60", "a,b,c,d"]) {
      const bad = await call(server, "GET", `/api/v1/coastline?bbox=${bbox}`);
      expect(bad.status).toBe(400);
      expect(bad.json.details[0].field).toBe("bbox");
    }
  });

  it("says whether a position is on land by the land mask a run uses, and where the run would move it", async () => {
    // Andøya, inland: land, with the nearest sea within the 20 km a run searches.
    const land = (await call(server, "GET", "/api/v1/coastline/land?lat=69.25&lon=16.0")).json.data;
    expect(land).toMatchObject({ lat: 69.25, lon: 16, land: true });
    expect(land.nearestSea.distanceM).toBeGreaterThan(0);
    expect(land.nearestSea.distanceM).toBeLessThan(20_000);
    // Open sea, and a longitude given past 180: the point itself, wrapped.
    const sea = (await call(server, "GET", "/api/v1/coastline/land?lat=69.3&lon=375.9")).json.data;
    expect(sea).toMatchObject({ land: false, nearestSea: { distanceM: 0 } });
    expect(sea.lon).toBeCloseTo(15.9, 9);
    for (const query of ["lat=91&lon=0", "lon=5", "lat=x&lon=5"]) {
      const bad = await call(server, "GET", `/api/v1/coastline/land?${query}`);
      expect(bad.status).toBe(400);
      expect(bad.json.details[0].field).toBe("lat");
    }
  });

  it("serves the web page and Leaflet from disk", async () => {
    const page = await call(server, "GET", "/");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Driftline");
    const leaflet = await call(server, "GET", "/vendor/leaflet/leaflet-src.esm.js");
    expect(leaflet.status).toBe(200);
    expect(leaflet.headers.get("content-type")).toMatch(/javascript/);
    expect((await call(server, "GET", "/web/../package.json")).status).toBe(404);
    expect((await call(server, "GET", "/vendor/leaflet/../../package.json")).status).toBe(404);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const r = await call(server, "GET", "/api/v1/nothing-here");
    expect(r.status).toBe(404);
    expect(r.json.error).toMatch(/not found/);
  });
});

describe("mission validation", () => {
  const base = SMALL_MISSION;
  const cases: [string, Record<string, unknown>, string][] = [
    ["latitude above 90", { ...base, lastKnownLat: 90.5 }, "lastKnownLat"],
    ["longitude below -180", { ...base, lastKnownLon: -181 }, "lastKnownLon"],
    ["latitude as text", { ...base, lastKnownLat: "sixty" }, "lastKnownLat"],
    ["time without zone", { ...base, lastKnownTime: "2024-03-01 06:00" }, "lastKnownTime"],
    ["time not a time", { ...base, lastKnownTime: "yesterday" }, "lastKnownTime"],
    ["unknown object type", { ...base, objectType: "submarine" }, "objectType"],
    ["object id out of range", { ...base, objectType: 86 }, "objectType"],
    ["forecast 0 h", { ...base, forecastHours: 0 }, "forecastHours"],
    ["forecast 169 h", { ...base, forecastHours: 169 }, "forecastHours"],
    ["ensemble 99", { ...base, ensembleSize: 99 }, "ensembleSize"],
    ["ensemble 10001", { ...base, ensembleSize: 10001 }, "ensembleSize"],
    ["negative radius", { ...base, uncertaintyRadiusM: -1 }, "uncertaintyRadiusM"],
    ["missing name", { ...base, name: undefined }, "name"],
    ["wind speed without direction", { ...base, onSceneWind: { speed: 5 } }, "onSceneWind.direction"],
    ["wind both forms", { ...base, onSceneWind: { speed: 5, direction: 3, x: 1, y: 1 } }, "onSceneWind"],
    ["current unknown field", { ...base, onSceneCurrent: { u: 1, v: 1 } }, "onSceneCurrent"],
    [
      "release end before start",
      { ...base, release: { endTime: "2024-03-01T05:00:00Z" } },
      "release.endTime",
    ],
    ["release line half given", { ...base, release: { endLat: 59.4 } }, "release.endLon"],
    ["backtracking not boolean", { ...base, backtracking: "yes" }, "backtracking"],
  ];
  it.each(cases)("rejects %s with a field-level 400", async (_label, body, field) => {
    const r = await call(server, "POST", "/api/v1/missions", body);
    expect(r.status).toBe(400);
    expect(r.json.error).toBe("invalid mission");
    expect(r.json.details.map((d: { field: string }) => d.field)).toContain(field);
    for (const d of r.json.details) expect(d.message.length).toBeGreaterThan(3);
  });

  it("rejects bodies that are not JSON objects", async () => {
    expect((await call(server, "POST", "/api/v1/missions", "[1,2]")).status).toBe(400);
    expect((await call(server, "POST", "/api/v1/missions", "{not json")).status).toBe(400);
    const text = await fetch(`${server.url}/api/v1/missions`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "hello",
    });
    expect(text.status).toBe(415);
    expect((await text.json()).error).toMatch(/JSON/);
  });

  it("rejects bodies over 1 MB with 413", async () => {
    const r = await call(server, "POST", "/api/v1/missions", { ...base, description: "x".repeat(1_100_000) });
    expect(r.status).toBe(413);
    expect(r.json.error).toMatch(/larger than/);
  });
});

describe("unknown and malformed mission ids", () => {
  const unknown = "7d0c4f3e-1111-4222-8333-444455556666";
  const routes = [
    "",
    "/status",
    "/results",
    "/results/download?format=pdf",
    "/results/particles",
    "/results/density",
    "/events",
  ];
  it.each(routes)("GET /missions/<id>%s: 404 unknown, 400 not a UUID", async (suffix) => {
    const missing = await call(server, "GET", `/api/v1/missions/${unknown}${suffix}`);
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatch(/not found/);
    const bad = await call(server, "GET", `/api/v1/missions/not-a-uuid${suffix}`);
    expect(bad.status).toBe(400);
    expect(bad.json.details[0]).toEqual({ field: "id", message: "must be a UUID" });
  });

  it("DELETE of an unknown mission is 404", async () => {
    expect((await call(server, "DELETE", `/api/v1/missions/${unknown}`)).status).toBe(404);
    expect((await call(server, "DELETE", "/api/v1/missions/42")).status).toBe(400);
  });
});

describe("a mission through the API and the worker", () => {
  let id: string;
  /** The Server-Sent Events stream, opened right after creation and read until the mission ends. */
  let events: Promise<string>;

  it("creates the mission (201, queued, Location) and enqueues its job", async () => {
    const r = await call(server, "POST", "/api/v1/missions", SMALL_MISSION);
    expect(r.status).toBe(201);
    id = r.json.data.id;
    events = fetch(`${server.url}/api/v1/missions/${id}/events`).then((res) => {
      expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
      return res.text();
    });
    expect(r.headers.get("location")).toBe(`/api/v1/missions/${id}`);
    expect(r.json.data).toMatchObject({
      name: SMALL_MISSION.name,
      lastKnownLat: 59.3,
      lastKnownLon: 4.6,
      lastKnownTime: "2024-03-01T06:00:00.000Z",
      objectType: "Life Raft",
      objectCategory: { id: 7, key: "LIFE-RAFT-DB-10" },
      forecastHours: 6,
      ensembleSize: 200,
      uncertaintyRadiusM: 500,
      backtracking: false,
    });
    expect(["queued", "processing", "completed"]).toContain(r.json.data.status);
  });

  it("says results are not ready while it runs, then completes", async () => {
    const early = await call(server, "GET", `/api/v1/missions/${id}/results`);
    if (early.status !== 200) {
      expect(early.status).toBe(400);
      expect(early.json.error).toMatch(/results are available when it is completed/);
    }
    const status = await waitForMission(server, id, 120_000);
    expect(status.errorMessage).toBeNull();
    expect(status).toMatchObject({ status: "completed", progress: 1 });
  }, 150_000); // the wait above may take its 120 s on a busy machine

  it("lists it, gets it and reports status", async () => {
    const list = await call(server, "GET", "/api/v1/missions?page=1&perPage=5");
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ page: 1, perPage: 5 });
    expect(list.json.total).toBeGreaterThanOrEqual(1);
    expect(list.json.data.map((m: { id: string }) => m.id)).toContain(id);
    const filtered = await call(server, "GET", "/api/v1/missions?status=failed");
    expect(filtered.json.data.map((m: { id: string }) => m.id)).not.toContain(id);
    expect((await call(server, "GET", "/api/v1/missions?perPage=1000")).status).toBe(400);
    const one = await call(server, "GET", `/api/v1/missions/${id}`);
    expect(one.json.data.status).toBe("completed");
    expect(one.json.data.completedAt).toMatch(/Z$/);
  });

  it("returns the result row with search areas, contours and downloads", async () => {
    const r = await call(server, "GET", `/api/v1/missions/${id}/results`);
    expect(r.status).toBe(200);
    const d = r.json.data;
    expect(d.missionId).toBe(id);
    expect(d.particleCount).toBe(200);
    expect(d.centroidLat).toBeGreaterThan(59);
    expect(d.centroidTime).toBe("2024-03-01T12:00:00.000Z");
    expect(["Polygon", "MultiPolygon"]).toContain(d.searchArea90Geom.type);
    expect(d.timestepContours.length).toBe(7);
    expect(d.timestepContours[0]).toHaveProperty("timeIndex", 0);
    expect(d.netcdfPath).toMatch(/^file:\/\/.*\/raw\/particles\.nc$/);
    expect(d.downloads.map((x: { format: string }) => x.format)).toEqual(
      expect.arrayContaining(["netcdf", "geojson", "kml", "png", "gif", "pdf", "density", "csv"]),
    );
  });

  const formats: [string, RegExp, (b: Buffer) => boolean][] = [
    [
      "netcdf",
      /application\/x-netcdf/,
      (b) => b.subarray(0, 3).toString() === "CDF" || b.subarray(1, 4).toString() === "HDF",
    ],
    ["geojson", /application\/geo\+json/, (b) => JSON.parse(b.toString()).type === "FeatureCollection"],
    ["search-areas", /application\/geo\+json/, (b) => JSON.parse(b.toString()).features.length > 0],
    ["kml", /kml/, (b) => b.toString().includes("<kml")],
    ["png", /image\/png/, (b) => b.subarray(1, 4).toString() === "PNG"],
    ["gif", /image\/gif/, (b) => b.subarray(0, 3).toString() === "GIF"],
    ["pdf", /application\/pdf/, (b) => b.subarray(0, 4).toString() === "%PDF"],
    [
      "density",
      /application\/x-netcdf/,
      (b) => b.subarray(0, 3).toString() === "CDF" || b.subarray(1, 4).toString() === "HDF",
    ],
    ["csv", /text\/csv/, (b) => b.toString().split("\n").length > 2],
  ];
  it.each(formats)(
    "downloads format=%s with its content type and a file name",
    async (format, type, check) => {
      const res = await fetch(`${server.url}/api/v1/missions/${id}/results/download?format=${format}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(type);
      expect(res.headers.get("content-disposition")).toMatch(
        /^attachment; filename="api-test-life-raft-off-utsira-[0-9a-f]{8}-/,
      );
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.length).toBeGreaterThan(0);
      expect(check(body)).toBe(true);
    },
  );

  it("rejects an unknown download format", async () => {
    const r = await call(server, "GET", `/api/v1/missions/${id}/results/download?format=docx`);
    expect(r.status).toBe(400);
    expect(r.json.details[0].field).toBe("format");
  });

  it("serves the particle cloud per output time for the map", async () => {
    const r = await call(server, "GET", `/api/v1/missions/${id}/results/particles?max=50`);
    expect(r.status).toBe(200);
    const c = r.json.data;
    expect(c.times).toHaveLength(7);
    expect(c.times[0]).toBe(Date.parse("2024-03-01T06:00:00Z") / 1000);
    expect(c.particleCount).toBe(200);
    expect(c.sampleCount).toBe(50);
    expect(c.lon[6]).toHaveLength(50);
    expect(c.lon[6].filter((x: number | null) => x !== null).length).toBeGreaterThan(40);
  });

  it("serves the probability grid per output time, the one the search areas come from", async () => {
    const r = await call(server, "GET", `/api/v1/missions/${id}/results/density`);
    expect(r.status).toBe(200);
    const g = r.json.data;
    expect(g.times).toHaveLength(7);
    expect(g.cornerLon).toHaveLength((g.nx + 1) * (g.ny + 1));
    expect(g.cornerLat).toHaveLength((g.nx + 1) * (g.ny + 1));
    expect(g.cells).toHaveLength(7);
    for (const c of g.cells) {
      expect(c.index.length).toBe(c.probability.length);
      expect(c.index.every((k: number) => k >= 0 && k < g.nx * g.ny)).toBe(true);
      // Afloat probabilities sum to 1 at every time (all particles afloat here).
      expect(c.probability.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
    }
    // Corners surround the release point at the first time.
    const lons = g.cornerLon as number[];
    const lats = g.cornerLat as number[];
    expect(Math.min(...lons)).toBeLessThan(4.6);
    expect(Math.max(...lons)).toBeGreaterThan(4.6);
    expect(Math.min(...lats)).toBeLessThan(59.3);
    expect(Math.max(...lats)).toBeGreaterThan(59.3);
  });

  it("streamed status and progress as Server-Sent Events until the mission was done", async () => {
    const text = await events; // the stream ends by itself once the mission is completed
    const updates = [...text.matchAll(/event: status\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1]));
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates[updates.length - 1]).toMatchObject({ id, status: "completed", progress: 1 });
    const progress = updates.map((u) => u.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b)); // never goes backwards
    // A stream opened after the end gets the final status at once and closes.
    const late = await fetch(`${server.url}/api/v1/missions/${id}/events`).then((res) => res.text());
    expect(late).toMatch(/"status":"completed"/);
  });

  it("deletes the mission, its results and its products", async () => {
    const r = await call(server, "DELETE", `/api/v1/missions/${id}`);
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ id, deleted: true });
    expect(r.json.data.productsDeleted).toBeGreaterThan(5);
    expect((await call(server, "GET", `/api/v1/missions/${id}`)).status).toBe(404);
    expect(await server.services.storage.list("driftline-results", `${id}/`)).toEqual([]);
    const rows = await server.services.db.query("SELECT 1 FROM mission_results WHERE mission_id = $1", [id]);
    expect(rows.rowCount).toBe(0);
  });
});
