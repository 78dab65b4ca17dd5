// THREDDS NCSS: the stand-in cuts a NetCDF-3 subset of Arctic20 (polar stereographic, the native grid) as a
// TDS does for NorKyst800; the fetched subset samples like the whole local file inside the mission window.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ForcingWindow } from "../../../src/core/types.js";
import { describeFile } from "../../../src/forcing/formats.js";
import { FetchState, fetchForcingFor } from "../../../src/forcing/providers/fetch.js";
import { ThreddsNcssProvider, type ThreddsOptions } from "../../../src/forcing/providers/thredds.js";
import { arctic20Window, FAST_HTTP, finiteCount, maxDiff, NOW, samples, tempDir } from "./helpers.js";
import { ARCTIC20, arctic20Ncss, type StandIn, startStandIn } from "./stand-in.js";

let server: StandIn;
beforeAll(async () => {
  server = await startStandIn();
});
afterAll(async () => {
  await server?.close();
});

const arctic = (over: Partial<ThreddsOptions> = {}) =>
  new ThreddsNcssProvider({ ...arctic20Ncss(server.url), ...over });

const fetchWith = (w: ForcingWindow, dir: string, providers = [arctic()]) =>
  fetchForcingFor(w, {
    forcingDir: dir,
    providers,
    kinds: ["current"],
    http: FAST_HTTP,
    now: NOW,
    state: new FetchState(),
  });

describe("THREDDS NetCDF Subset Service", () => {
  it("asks for the variables, area, times and level; the native subset samples like the local file", async () => {
    const tmp = tempDir("ncss");
    try {
      server.reset();
      const w = arctic20Window();
      const r = await fetchWith(w, tmp.dir);
      expect(r.current).toMatchObject({ provider: "arctic20", fallback: false, cached: false });
      // The file's forecast_reference_time names the run when the dataset path does not.
      expect(r.current!.modelRun).toBe("2016-02-01T12Z");
      const [call] = server.requests;
      const q = new URL(call.split(" ")[1], "http://x").searchParams;
      expect(q.getAll("var")).toEqual(["u", "v"]);
      expect(q.get("accept")).toBe("netcdf");
      expect(q.get("horizStride")).toBe("1");
      expect(q.get("vertCoord")).toBe("0");
      expect(Number(q.get("west"))).toBeLessThanOrEqual(w.west);
      expect(Number(q.get("north"))).toBeGreaterThanOrEqual(w.north);
      const d = await describeFile(r.current!.files[0]);
      expect(d.vectors[0].projection).toMatch(/proj=stere/);
      const whole = await describeFile(ARCTIC20);
      expect(d.vectors[0].grid).not.toBe(whole.vectors[0].grid); // a subset, not the whole file
      const fetched = await samples(r.current!.files[0], "current", w);
      const local = await samples(ARCTIC20, "current", w);
      expect(finiteCount(local)).toBeGreaterThan(local.length * 0.5);
      expect(maxDiff(fetched, local)).toBeLessThan(1e-6);
    } finally {
      tmp.done();
    }
  });

  it("a damaged file that passes the transfer checks is fetched again, never installed", async () => {
    const tmp = tempDir("ncss-short");
    try {
      server.reset();
      server.failNext("/thredds/", "short");
      const logs: string[] = [];
      const w = arctic20Window();
      const r = await fetchForcingFor(w, {
        forcingDir: tmp.dir,
        providers: [arctic()],
        kinds: ["current"],
        http: FAST_HTTP,
        now: NOW,
        state: new FetchState(),
        log: (l) => logs.push(l),
      });
      expect(server.count("/thredds/")).toBe(2);
      expect(logs.join("\n")).toMatch(/arctic20 .*unreadable download .*fetching again/);
      expect(
        maxDiff(await samples(r.current!.files[0], "current", w), await samples(ARCTIC20, "current", w)),
      ).toBeLessThan(1e-6);
    } finally {
      tmp.done();
    }
  });

  it("skips a dataset whose configured domain does not contain the mission, without a request", async () => {
    const tmp = tempDir("ncss-domain");
    try {
      server.reset();
      const p = arctic({ area: { west: 0, east: 5, south: 55, north: 60 } });
      const err = await fetchWith(arctic20Window(), tmp.dir, [p]).catch((e) => e);
      expect(err.message).toMatch(
        /arctic20 .*: its domain lon 0..5 E, lat 55..60 N does not contain the mission area/,
      );
      expect(server.requests).toEqual([]);
    } finally {
      tmp.done();
    }
  });

  it("a subset refused by the service (outside the data) moves on and is reported", async () => {
    const tmp = tempDir("ncss-refused");
    try {
      const w: ForcingWindow = {
        west: -40,
        east: -39,
        south: 10,
        north: 11,
        start: arctic20Window().start,
        end: arctic20Window().end,
      };
      const err = await fetchWith(w, tmp.dir).catch((e) => e);
      expect(err.message).toMatch(
        /the service refused the subset: Request Bounding Box does not intersect Data \[HTTP 400 http:\/\/127\.0\.0\.1:\d+\/thredds\/ncss\/grid\/arctic20/,
      );
    } finally {
      tmp.done();
    }
  });

  it("templated dataset paths name the run and fall back cycle by cycle", () => {
    const p = arctic({
      dataset: "fou-hi/norkyst800m-1h/NorKyst-800m_ZDEPTHS_his.an.{YYYY}{MM}{DD}{HH}.nc",
      cycleHours: 24,
    });
    const w: ForcingWindow = {
      west: 5,
      east: 6,
      south: 60,
      north: 61,
      start: Date.UTC(2024, 5, 3, 6) / 1000,
      end: Date.UTC(2024, 5, 4) / 1000,
    };
    const runs = p.runs(w, Date.UTC(2024, 5, 3, 8));
    expect(runs.map((r) => r.id)).toEqual(["2024-06-03T00Z", "2024-06-02T00Z", "2024-06-01T00Z"]);
    expect(p.url(runs[1], w)).toContain(
      "/thredds/ncss/grid/fou-hi/norkyst800m-1h/NorKyst-800m_ZDEPTHS_his.an.2024060200.nc?var=u&var=v",
    );
  });
});
