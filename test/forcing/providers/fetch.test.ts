// fetchForcingFor: one download per area and time however many missions ask at once, none for the next
// mission, the finest covering source first, and every failure mode ending as its rule says.
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CopernicusMarineProvider } from "../../../src/forcing/providers/copernicus.js";
import { FetchState, fetchForcingFor, requestWindow } from "../../../src/forcing/providers/fetch.js";
import { GfsProvider } from "../../../src/forcing/providers/gfs.js";
import { redactUrl } from "../../../src/forcing/providers/http.js";
import { ThreddsNcssProvider } from "../../../src/forcing/providers/thredds.js";
import { provenanceRecord } from "../../../src/forcing/providers/types.js";
import { startS3 } from "../../service/helpers.js";
import { arctic20Window, FAST_HTTP, maxDiff, NOW, samples, tempDir } from "./helpers.js";
import {
  arctic20Ncss,
  CMEMS_DATASET,
  CMEMS_PASSWORD,
  CMEMS_PRODUCT,
  CMEMS_USER,
  type StandIn,
  SYNTHETIC,
  startStandIn,
  T0,
} from "./stand-in.js";

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
const cmems = () =>
  new CopernicusMarineProvider({
    stacUrl: `${server.url}/cmems/stac`,
    authUrl: `${server.url}/cmems/auth/token`,
    product: CMEMS_PRODUCT,
    dataset: CMEMS_DATASET,
    username: CMEMS_USER,
    password: CMEMS_PASSWORD,
  });
const arctic = () => new ThreddsNcssProvider(arctic20Ncss(server.url));

const filterCalls = () => server.requests.filter((q) => q.includes("filter_gfs_0p25.pl")).length;

describe("one download per area and time", () => {
  it("two concurrent missions cause one download; a third a minute later causes none", async () => {
    const tmp = tempDir("concurrent");
    try {
      server.reset();
      const w = arctic20Window();
      const state = new FetchState();
      const opts = { forcingDir: tmp.dir, providers: [filter(), arctic()], http: FAST_HTTP, now: NOW, state };
      const [a, b] = await Promise.all([fetchForcingFor(w, opts), fetchForcingFor(w, opts)]);
      const hours = filterCalls();
      expect(hours).toBe(Math.round((a.request.end - a.request.start) / 3600) + 1); // each forecast hour once
      expect(server.count("/thredds/")).toBe(1);
      expect([a.wind!.cached, b.wind!.cached].sort()).toEqual([false, true]);
      expect(a.wind!.files).toEqual(b.wind!.files);
      expect(a.current!.files).toEqual(b.current!.files);

      server.requests.length = 0;
      const c = await fetchForcingFor(w, { ...opts, now: NOW + 60_000 });
      expect(server.requests).toEqual([]);
      expect(c.wind).toMatchObject({ cached: true, files: a.wind!.files, modelRun: a.wind!.modelRun });
      expect(c.current).toMatchObject({ cached: true, files: a.current!.files });

      // A smaller mission inside the same area and time reuses the same files too.
      const inner = { ...w, west: w.west + 1, east: w.east - 1, end: w.end - 6 * 3600 };
      const d = await fetchForcingFor(inner, { ...opts, now: NOW + 120_000 });
      expect(server.requests).toEqual([]);
      expect(d.wind!.files).toEqual(a.wind!.files);
    } finally {
      tmp.done();
    }
  });

  it("two processes (separate lock tables) sharing the directory still download once (lock file)", async () => {
    const tmp = tempDir("processes");
    try {
      server.reset();
      const w = arctic20Window();
      const opts = {
        forcingDir: tmp.dir,
        providers: [filter()],
        kinds: ["wind" as const],
        http: FAST_HTTP,
        now: NOW,
      };
      const [a, b] = await Promise.all([
        fetchForcingFor(w, { ...opts, state: new FetchState({ pollMs: 20 }) }),
        fetchForcingFor(w, { ...opts, state: new FetchState({ pollMs: 20 }) }),
      ]);
      expect(filterCalls()).toBe(Math.round((a.request.end - a.request.start) / 3600) + 1);
      expect(a.wind!.files).toEqual(b.wind!.files);
      // No lock or partial file is left behind; the manifest sits beside the data file.
      const dir = a.wind!.files[0].replace(/\/[^/]+$/, "");
      expect(readdirSync(dir).sort()).toEqual([
        `.${a.wind!.files[0].split("/").pop()}.json`,
        a.wind!.files[0].split("/").pop(),
      ]);
    } finally {
      tmp.done();
    }
  });

  it("hosts sharing the platform bucket: the second takes the first one's download from the bucket", async () => {
    const s3 = await startS3();
    const hostA = tempDir("hostA");
    const hostB = tempDir("hostB");
    try {
      server.reset();
      const w = arctic20Window();
      const share = { storage: s3.storage, bucket: "environmental-data" };
      const opts = { providers: [filter()], kinds: ["wind" as const], http: FAST_HTTP, now: NOW, share };
      const a = await fetchForcingFor(w, { ...opts, forcingDir: hostA.dir, state: new FetchState() });
      const name = a.wind!.files[0].split("/").pop();
      expect(await s3.storage.list("environmental-data", "wind/")).toEqual(
        expect.arrayContaining([`wind/2016/02/01/06/${name}`, `wind/2016/02/01/06/.${name}.json`]),
      );
      server.requests.length = 0;
      const b = await fetchForcingFor(w, { ...opts, forcingDir: hostB.dir, state: new FetchState() });
      expect(server.requests).toEqual([]);
      expect(b.wind).toMatchObject({ cached: true, modelRun: a.wind!.modelRun });
      expect(b.attempts[0].message).toMatch(/from bucket environmental-data/);
      expect(
        maxDiff(await samples(b.wind!.files[0], "wind", w), await samples(a.wind!.files[0], "wind", w)),
      ).toBe(0);
    } finally {
      hostA.done();
      hostB.done();
      await s3.close();
    }
  });

  it("snaps the request outward so neighbouring missions share it", () => {
    const w = arctic20Window();
    const r = requestWindow(w);
    expect(r.west).toBeLessThanOrEqual(w.west - 0.5);
    expect(Number.isInteger(r.west) && Number.isInteger(r.north)).toBe(true);
    expect((r.start % 21600) + (r.end % 21600)).toBe(0);
    const shifted = requestWindow({ ...w, west: w.west + 0.05, start: w.start + 600 });
    expect(shifted).toEqual(r);
  });
});

describe("choice and provenance", () => {
  it("prefers the finest source; when it fails the next one is used and the result says fallback", async () => {
    const tmp = tempDir("choice");
    try {
      server.reset();
      const w = arctic20Window();
      const state = new FetchState();
      const opts = { forcingDir: tmp.dir, kinds: ["current" as const], http: FAST_HTTP, now: NOW, state };
      const best = await fetchForcingFor(w, { ...opts, providers: [arctic(), cmems()] });
      expect(best.current).toMatchObject({ provider: "cmems", fallback: false });
      expect(server.count("/thredds/")).toBe(0);

      const tmp2 = tempDir("choice2");
      try {
        server.reset();
        server.failAlways("/cmems/arco/", 503);
        const fb = await fetchForcingFor(w, {
          ...opts,
          forcingDir: tmp2.dir,
          providers: [arctic(), cmems()],
          state: new FetchState(),
        });
        expect(fb.current).toMatchObject({ provider: "arctic20", fallback: true, cached: false });
        // What the pipeline records in the results and particles.nc.
        expect(provenanceRecord(fb.current!)).toMatchObject({
          variable: "current",
          type: "fetched",
          provider: "arctic20",
          modelRun: "2016-02-01T12Z",
          fallback: "yes",
          files: fb.current!.files[0].split("/").pop(),
        });
        expect(fb.attempts.map((a) => `${a.provider} ${a.outcome}`)).toEqual([
          "cmems failed",
          "arctic20 downloaded",
        ]);
        expect(fb.attempts[0].message).toMatch(/HTTP 503 \(service error\).*\(after 3 tries\)/);
        expect(server.count("/cmems/arco/")).toBeGreaterThanOrEqual(3);
      } finally {
        tmp2.done();
      }
    } finally {
      tmp.done();
    }
  });
});

describe("failures", () => {
  const w = () => arctic20Window();
  /** A short mission (13 forecast hours to fetch) for the many retry cases. */
  const small = () => ({
    west: 13,
    east: 15,
    south: 68,
    north: 69.5,
    start: T0 + 12 * 3600,
    end: T0 + 15 * 3600,
  });
  const windOnly = (dir: string, providers = [filter()]) => ({
    forcingDir: dir,
    providers,
    kinds: ["wind" as const],
    // A short timeout so that the timeout cases stay quick.
    http: { ...FAST_HTTP, timeoutMs: 1000 },
    now: NOW,
    state: new FetchState(),
  });

  for (const [label, behaviour, message] of [
    ["a 500", 500, /HTTP 500/],
    ["a timeout", "hang", /no answer within 1 s/],
    ["a truncated body", "truncate", /download cut off/],
    ["a corrupt body", "corrupt", /not GRIB2/],
    ["a dropped connection", "reset", /connection failed/],
  ] as const) {
    it(`${label} is retried with backoff and the download completes`, async () => {
      const tmp = tempDir("retry");
      try {
        server.reset();
        server.failNext("/nomads/", behaviour, behaviour);
        const logs: string[] = [];
        const r = await fetchForcingFor(small(), { ...windOnly(tmp.dir), log: (l) => logs.push(l) });
        expect(r.wind).toMatchObject({ provider: "gfs", fallback: false, cached: false });
        const fetched = await samples(r.wind!.files[0], "wind", small());
        expect(maxDiff(fetched, await samples(SYNTHETIC, "wind", small()))).toBeLessThan(2e-5);
        expect(filterCalls()).toBe(Math.round((r.request.end - r.request.start) / 3600) + 1 + 2);
        void message;
      } finally {
        tmp.done();
      }
    });

    it(`${label} that persists moves on to the next provider (fallback)`, async () => {
      const tmp = tempDir("persist");
      try {
        server.reset();
        server.failAlways("/nomads/", behaviour);
        const r = await fetchForcingFor(small(), windOnly(tmp.dir, [filter(), bucket()]));
        expect(r.wind).toMatchObject({ provider: "gfs-bucket", fallback: true });
        expect(r.attempts[0]).toMatchObject({ provider: "gfs", outcome: "failed" });
        expect(r.attempts[0].message).toMatch(message);
        expect(r.attempts[0].url).toMatch(
          /^http:\/\/127\.0\.0\.1:\d+\/nomads\/cgi-bin\/filter_gfs_0p25\.pl\?dir=/,
        );
      } finally {
        tmp.done();
      }
    });
  }

  it("when nothing works the error names each provider, URL and status, and no file is left", async () => {
    const tmp = tempDir("down");
    try {
      server.reset();
      server.failAlways("/nomads/", 502);
      server.failAlways("/gfs-bucket/", 503);
      const err = await fetchForcingFor(w(), windOnly(tmp.dir, [filter(), bucket()])).catch((e) => e);
      expect(err.name).toBe("ForcingFetchError");
      expect(err.message).toMatch(
        /^no wind forcing could be fetched for lon 8\.09\.\.19\.91 E, lat 66\.96\.\.70\.84 N, 2016-02-01T12:00Z\.\.2016-02-02T12:00Z; tried: /,
      );
      expect(err.message).toMatch(
        /gfs gfs 0p25 pgrb2 10 m wind run 2016-02-01T06Z: HTTP 502 \(service error\).*\(after 3 tries\) \[HTTP 502 http:\/\/127\.0\.0\.1:\d+\/nomads\/cgi-bin\/filter_gfs_0p25\.pl\?dir=/,
      );
      expect(err.message).toMatch(
        /gfs-bucket .* run 2016-02-01T06Z: HTTP 503 .*\[HTTP 503 http:\/\/127\.0\.0\.1:\d+\/gfs-bucket\/gfs\.20160201\/06\/atmos\/gfs\.t06z\.pgrb2\.0p25\.f\d{3}\.idx\]/,
      );
      expect(err.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(["failed", "failed"]);
      const left = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? left(`${dir}/${e.name}`) : [e.name],
        );
      expect(left(tmp.dir)).toEqual([]);
    } finally {
      tmp.done();
    }
  });

  it("a download that does not cover the mission is not installed, and the message says what it covers", async () => {
    const tmp = tempDir("cover");
    try {
      server.reset();
      // The stand-in's GFS grid ends at 25E: a mission reaching 27E cannot be covered.
      const wide = { ...small(), west: 20, east: 27 };
      const err = await fetchForcingFor(wide, windOnly(tmp.dir)).catch((e) => e);
      expect(err.message).toMatch(
        /the data cover lon 19(\.\d+)?\.\.25 E, lat .* N, the mission needs lon 20\.\.27 E/,
      );
    } finally {
      tmp.done();
    }
  });

  it("no provider configured for a vector: says so and where to configure it", async () => {
    const tmp = tempDir("none");
    try {
      const err = await fetchForcingFor(w(), {
        forcingDir: tmp.dir,
        providers: [filter()],
        kinds: ["current"],
        now: NOW,
      }).catch((e) => e);
      expect(err.message).toMatch(/no current provider is configured \(see docs\/forcing-providers\.md\)/);
    } finally {
      tmp.done();
    }
  });

  it("bad windows are refused naming the field", async () => {
    await expect(
      fetchForcingFor({ ...w(), north: Number.NaN }, { forcingDir: "/tmp", providers: [] }),
    ).rejects.toThrow(/forcing window: north must be a finite number/);
    const saved = process.env.FORCING_DIR;
    delete process.env.FORCING_DIR;
    try {
      await expect(fetchForcingFor(w(), { providers: [] })).rejects.toThrow(/FORCING_DIR/);
    } finally {
      if (saved !== undefined) process.env.FORCING_DIR = saved;
    }
  });

  it("credentials never appear in URLs of messages", () => {
    expect(redactUrl("https://bob:pw@host/p?x-cop-user=bob&password=pw&var=u")).toBe(
      "https://host/p?x-cop-user=***&password=***&var=u",
    );
  });
});
