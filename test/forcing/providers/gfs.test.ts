// NOAA GFS 0.25° 10 m wind through the NOMADS grib filter and through the bucket's .idx byte ranges, against
// the stand-in server: the fetched file samples like the synthetic wind it was encoded from; a run that is
// not published falls back to the previous one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FetchState, fetchForcingFor } from "../../../src/forcing/providers/fetch.js";
import { forecastHours, GfsProvider, windRanges } from "../../../src/forcing/providers/gfs.js";
import { arctic20Window, FAST_HTTP, finiteCount, maxDiff, NOW, samples, tempDir } from "./helpers.js";
import { type StandIn, SYNTHETIC, startStandIn } from "./stand-in.js";

let server: StandIn;
beforeAll(async () => {
  server = await startStandIn();
});
afterAll(async () => {
  await server?.close();
});

const filter = () =>
  new GfsProvider({ mode: "filter", baseUrl: `${server.url}/nomads/cgi-bin/filter_gfs_0p25.pl` });
const bucket = () => new GfsProvider({ mode: "idx", baseUrl: `${server.url}/gfs-bucket` });

describe("GFS run and forecast-hour arithmetic", () => {
  it("takes the newest published run not after the start, older ones as fallbacks", () => {
    const p = filter();
    const w = {
      start: Date.UTC(2024, 5, 1, 13) / 1000,
      end: Date.UTC(2024, 5, 2, 13) / 1000,
      west: 0,
      east: 1,
      south: 0,
      north: 1,
    };
    // Now is 15:30Z: the 12Z run is not out yet (4 h), so 06Z first.
    const runs = p.runs(w, Date.UTC(2024, 5, 1, 15, 30));
    expect(runs.map((r) => r.id)).toEqual([
      "2024-06-01T06Z",
      "2024-06-01T00Z",
      "2024-05-31T18Z",
      "2024-05-31T12Z",
    ]);
    // A mission in the past uses the run before its start.
    expect(p.runs(w, Date.UTC(2024, 6, 1))[0].id).toBe("2024-06-01T12Z");
  });

  it("lists hourly forecast hours to f120 and 3-hourly after", () => {
    const run = 0;
    expect(forecastHours(run, 5 * 3600 + 1800, 8 * 3600)).toEqual([5, 6, 7, 8]);
    expect(forecastHours(run, 118 * 3600, 126 * 3600 + 1)).toEqual([118, 119, 120, 123, 126, 129]);
  });

  it("reads the UGRD/VGRD 10 m byte ranges of an .idx inventory, merged when adjacent", () => {
    const idx = [
      "1:0:d=2024060100:PRMSL:mean sea level:anl:",
      "2:1000:d=2024060100:UGRD:10 m above ground:anl:",
      "3:2500:d=2024060100:VGRD:10 m above ground:anl:",
      "4:4000:d=2024060100:TMP:2 m above ground:anl:",
    ].join("\n");
    expect(windRanges(idx, "2024060100", "x.idx")).toEqual([{ start: 1000, end: 3999 }]);
    expect(() => windRanges(idx, "2024060106", "x.idx")).toThrow(
      /inventory is for d=2024060100, expected d=2024060106/,
    );
    expect(() => windRanges("1:0:d=2024060100:TMP:2 m above ground:anl:", "2024060100", "x.idx")).toThrow(
      /no UGRD and VGRD/,
    );
  });
});

describe("GFS from the stand-in", () => {
  it("through the NOMADS filter: the file samples like the synthetic wind it came from", async () => {
    const tmp = tempDir("gfs-filter");
    try {
      const w = arctic20Window();
      server.reset();
      const r = await fetchForcingFor(w, {
        forcingDir: tmp.dir,
        providers: [filter()],
        kinds: ["wind"],
        http: FAST_HTTP,
        now: NOW,
        state: new FetchState(),
      });
      expect(r.wind).toMatchObject({
        provider: "gfs",
        modelRun: "2016-02-01T06Z",
        fallback: false,
        cached: false,
      });
      expect(r.wind!.files[0]).toMatch(
        /\/wind\/2016\/02\/01\/06\/gfs_gfs-0p25-pgrb2-10-m-wind_[0-9a-f]{12}\.nc$/,
      );
      // Only the filter was asked, once per forecast hour, with the subregion of the request.
      const calls = server.requests.filter((q) => q.includes("filter_gfs_0p25.pl"));
      expect(calls.length).toBe(server.requests.length);
      expect(calls[0]).toContain(`leftlon=${r.request.west}`);
      expect(calls[0]).toContain("lev_10_m_above_ground=on");
      const fetched = await samples(r.wind!.files[0], "wind", w);
      const local = await samples(SYNTHETIC, "wind", w);
      expect(finiteCount(local)).toBeGreaterThan(local.length * 0.95);
      // GRIB simple packing at 2^-16 m/s: the same wind to that precision.
      expect(maxDiff(fetched, local)).toBeLessThan(2e-5);
    } finally {
      tmp.done();
    }
  });

  it("through .idx byte ranges: only the 10 m messages are read, same samples", async () => {
    const tmp = tempDir("gfs-idx");
    try {
      const w = arctic20Window();
      server.reset();
      const r = await fetchForcingFor(w, {
        forcingDir: tmp.dir,
        providers: [bucket()],
        kinds: ["wind"],
        http: FAST_HTTP,
        now: NOW,
        state: new FetchState(),
      });
      expect(r.wind).toMatchObject({ provider: "gfs-bucket", modelRun: "2016-02-01T06Z", fallback: false });
      const idx = server.count("/gfs-bucket/") && server.requests.filter((q) => q.endsWith(".idx")).length;
      const data = server.requests.filter((q) => q.includes("/gfs-bucket/") && !q.endsWith(".idx")).length;
      // One inventory and one (merged UGRD+VGRD) range request per forecast hour.
      expect(data).toBe(idx);
      const fetched = await samples(r.wind!.files[0], "wind", w);
      const local = await samples(SYNTHETIC, "wind", w);
      expect(maxDiff(fetched, local)).toBeLessThan(2e-5);
    } finally {
      tmp.done();
    }
  });

  it("falls back to the previous run when the newest is not (completely) published, and says so", async () => {
    const tmp = tempDir("gfs-fallback");
    try {
      const w = arctic20Window();
      server.reset();
      server.missingRuns.add(Date.UTC(2016, 1, 1, 6) / 1000);
      const state = new FetchState();
      const opts = {
        forcingDir: tmp.dir,
        providers: [filter()],
        kinds: ["wind" as const],
        http: FAST_HTTP,
        now: NOW,
        state,
      };
      const r = await fetchForcingFor(w, opts);
      expect(r.wind).toMatchObject({ modelRun: "2016-02-01T00Z", fallback: true, cached: false });
      expect(r.attempts.map((a) => `${a.run} ${a.outcome}`)).toEqual([
        "2016-02-01T06Z unavailable",
        "2016-02-01T00Z downloaded",
      ]);
      expect(r.attempts[0].message).toMatch(/not \(completely\) published.*data file is not present/);
      const fetched = await samples(r.wind!.files[0], "wind", w);
      expect(maxDiff(fetched, await samples(SYNTHETIC, "wind", w))).toBeLessThan(2e-5);
      // The next mission a minute later neither asks for the missing run again nor downloads.
      server.requests.length = 0;
      const again = await fetchForcingFor(w, { ...opts, now: NOW + 60_000 });
      expect(again.wind).toMatchObject({ modelRun: "2016-02-01T00Z", cached: true, fallback: true });
      expect(server.requests).toEqual([]);
    } finally {
      tmp.done();
    }
  });
});
