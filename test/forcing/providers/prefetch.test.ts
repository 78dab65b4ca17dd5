// Pre-fetch (CLI and worker schedule), retention, and provider configuration from the environment.
import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { run } from "../../../src/cli/forcing-prefetch.js";
import { pruneFetched } from "../../../src/forcing/providers/cache.js";
import { providersFromConfig, providersFromEnv } from "../../../src/forcing/providers/config.js";
import { httpOptionsFromEnv } from "../../../src/forcing/providers/http.js";
import {
  parseArea,
  prefetchOptionsFromEnv,
  startPrefetchSchedule,
} from "../../../src/forcing/providers/prefetch.js";
import { FAST_HTTP, tempDir } from "./helpers.js";
import { arctic20Ncss, type StandIn, startStandIn } from "./stand-in.js";

let server: StandIn;
beforeAll(async () => {
  server = await startStandIn();
});
afterAll(async () => {
  await server?.close();
});

const ENV_KEYS = [
  "FORCING_PROVIDERS_CONFIG",
  "FORCING_PROVIDERS",
  "FORCING_DIR",
  "FORCING_HTTP_TIMEOUT_SECONDS",
  "FORCING_HTTP_ATTEMPTS",
  "GFS_NOMADS_URL",
  "GFS_BUCKET_URL",
  "COPERNICUSMARINE_SERVICE_USERNAME",
  "COPERNICUSMARINE_SERVICE_PASSWORD",
  "COPERNICUSMARINE_STAC_URL",
];
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  vi.restoreAllMocks();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    out.push(String(s));
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    err.push(String(s));
    return true;
  });
  return { out, err };
}

const standInConfig = () =>
  JSON.stringify({
    providers: [
      { type: "gfs", mode: "filter", baseUrl: `${server.url}/nomads/cgi-bin/filter_gfs_0p25.pl` },
      { type: "thredds", ...arctic20Ncss(server.url) },
    ],
  });

describe("driftline forcing prefetch", () => {
  it("fetches an area's wind and current into the catalog and prints what it used", async () => {
    const tmp = tempDir("cli");
    try {
      process.env.FORCING_PROVIDERS_CONFIG = standInConfig();
      process.env.FORCING_HTTP_TIMEOUT_SECONDS = "5";
      server.reset();
      const io = capture();
      const code = await run([
        "--area",
        "12,68,16,70",
        "--hours",
        "24",
        "--start",
        "2016-02-01T12:00Z",
        "--dir",
        tmp.dir,
      ]);
      vi.restoreAllMocks();
      expect(io.err.join("")).not.toMatch(/forcing prefetch:/);
      expect(code).toBe(0);
      const lines = io.out.join("").trim().split("\n");
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(
        /^wind\tgfs\tgfs 0p25 pgrb2 10 m wind\trun 2016-02-01T06Z\t.*\/wind\/2016\/02\/01\/06\/gfs_.*\.nc\t\(downloaded\)$/,
      );
      expect(lines[1]).toMatch(/^current\tarctic20\t.*\(downloaded\)$/);
      // Again: all from the catalog, no request.
      server.requests.length = 0;
      const again = capture();
      expect(
        await run([
          "--area",
          "12,68,16,70",
          "--hours",
          "24",
          "--start",
          "2016-02-01T12:00Z",
          "--dir",
          tmp.dir,
          "--json",
        ]),
      ).toBe(0);
      vi.restoreAllMocks();
      const json = JSON.parse(again.out.join(""));
      expect(json.provenance.map((p: { cached: boolean }) => p.cached)).toEqual([true, true]);
      expect(server.requests).toEqual([]);
    } finally {
      tmp.done();
    }
  });

  it("usage errors exit 2 naming the option; fetch failures exit 1 with the tries", async () => {
    const tmp = tempDir("cli-bad");
    try {
      let io = capture();
      expect(await run(["--hours", "24", "--dir", tmp.dir])).toBe(2);
      expect(io.err.join("")).toMatch(/--area W,S,E,N is required/);
      vi.restoreAllMocks();
      io = capture();
      expect(await run(["--area", "12,70,16,68", "--hours", "24", "--dir", tmp.dir])).toBe(2);
      expect(io.err.join("")).toMatch(/need -90 ≤ S < N ≤ 90/);
      vi.restoreAllMocks();
      process.env.FORCING_PROVIDERS_CONFIG = standInConfig();
      io = capture();
      expect(
        await run(["--area", "12,68,16,70", "--hours", "6", "--dir", tmp.dir, "--providers", "ecmwf"]),
      ).toBe(1);
      expect(io.err.join("")).toMatch(/unknown forcing provider\(s\) ecmwf \(configured: gfs, arctic20\)/);
      vi.restoreAllMocks();
      server.reset();
      server.failAlways("/nomads/", 503);
      process.env.FORCING_HTTP_ATTEMPTS = "1";
      io = capture();
      const code = await run([
        "--area",
        "12,68,16,70",
        "--hours",
        "6",
        "--start",
        "2016-02-01T12:00Z",
        "--dir",
        tmp.dir,
        "--kinds",
        "wind",
      ]);
      vi.restoreAllMocks();
      expect(code).toBe(1);
      expect(io.err.join("")).toMatch(/forcing prefetch: no wind forcing could be fetched .*gfs .*HTTP 503/);
    } finally {
      server.reset();
      tmp.done();
    }
  });
});

describe("prefetch schedule and retention", () => {
  it("runs a round at once, then on its interval, and deletes fetched forcing past retention", async () => {
    const tmp = tempDir("schedule");
    try {
      // An old download (manifest says fetched 10 days ago) and an operator's own file without manifest.
      const oldDir = join(tmp.dir, "wind", "2016", "01", "01", "00");
      mkdirSync(oldDir, { recursive: true });
      writeFileSync(join(oldDir, "gfs_old.nc"), "CDF\u0001");
      writeFileSync(
        join(oldDir, ".gfs_old.nc.json"),
        JSON.stringify({
          version: 1,
          file: "gfs_old.nc",
          fetchedAt: new Date(Date.now() - 10 * 86_400_000).toISOString(),
        }),
      );
      writeFileSync(join(tmp.dir, "operator.nc"), "CDF\u0001");
      server.reset();
      const results: string[] = [];
      const errors: string[] = [];
      const pruned: string[] = [];
      const providers = providersFromConfig(JSON.parse(standInConfig()));
      const schedule = startPrefetchSchedule({
        area: parseArea("12,68,16,70"),
        hours: 12,
        everyMinutes: 60,
        retentionDays: 3,
        forcingDir: tmp.dir,
        providers: providers.filter((p) => p.kind === "wind"),
        kinds: ["wind"],
        http: FAST_HTTP,
        onResult: (r) => results.push(`${r.wind?.provider} ${r.wind?.cached}`),
        onError: (e) => errors.push(e.message),
        onPruned: (files) => pruned.push(...files),
      });
      await schedule.runNow(); // the round started at once
      expect(errors).toEqual([]);
      expect(results).toEqual(["gfs false"]);
      expect(pruned).toEqual([join(oldDir, "gfs_old.nc")]);
      expect(existsSync(oldDir)).toBe(false);
      expect(existsSync(join(tmp.dir, "operator.nc"))).toBe(true);
      await schedule.runNow(); // a later round finds everything in the catalog
      expect(results).toEqual(["gfs false", "gfs true"]);
      schedule.stop();
    } finally {
      tmp.done();
    }
  });

  it("the worker's schedule from the environment", () => {
    expect(prefetchOptionsFromEnv({})).toBeNull();
    expect(prefetchOptionsFromEnv({ FORCING_PREFETCH_AREA: "4,57,12,63" })).toEqual({
      area: { west: 4, south: 57, east: 12, north: 63 },
      hours: 72,
      everyMinutes: 360,
    });
    expect(
      prefetchOptionsFromEnv({
        FORCING_PREFETCH_AREA: "4,57,12,63",
        FORCING_PREFETCH_HOURS: "48",
        FORCING_RETENTION_DAYS: "7",
      }),
    ).toMatchObject({ hours: 48, retentionDays: 7 });
    expect(() => prefetchOptionsFromEnv({ FORCING_PREFETCH_AREA: "4,57,12" })).toThrow(
      /FORCING_PREFETCH_AREA: area "4,57,12": expected four numbers/,
    );
    expect(() =>
      prefetchOptionsFromEnv({ FORCING_PREFETCH_AREA: "4,57,12,63", FORCING_PREFETCH_EVERY_MINUTES: "0" }),
    ).toThrow(/FORCING_PREFETCH_EVERY_MINUTES=0: expected a number ≥ 1/);
  });

  it("retention keeps recent downloads and removes stale partial files and locks", async () => {
    const tmp = tempDir("prune");
    try {
      const d = join(tmp.dir, "ocean-currents", "2024", "06", "01", "00");
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, "cmems_x.nc"), "CDF\u0001");
      writeFileSync(
        join(d, ".cmems_x.nc.json"),
        JSON.stringify({ version: 1, file: "cmems_x.nc", fetchedAt: new Date().toISOString() }),
      );
      writeFileSync(join(d, ".cmems_y.nc.123.ab.part"), "x");
      const old = (Date.now() - 2 * 86_400_000) / 1000;
      utimesSync(join(d, ".cmems_y.nc.123.ab.part"), old, old);
      const { deleted } = await pruneFetched(tmp.dir, 3);
      expect(deleted).toEqual([]);
      expect(existsSync(join(d, "cmems_x.nc"))).toBe(true);
      expect(existsSync(join(d, ".cmems_y.nc.123.ab.part"))).toBe(false);
      await expect(pruneFetched(tmp.dir, -1)).rejects.toThrow(/days must be ≥ 0/);
    } finally {
      tmp.done();
    }
  });
});

describe("provider configuration", () => {
  it("defaults: GFS through NOMADS then the AWS bucket; Copernicus Marine waits for credentials", () => {
    for (const k of ENV_KEYS) delete process.env[k];
    const p = providersFromEnv();
    expect(p.map((x) => `${x.name}:${x.kind}`)).toEqual(["gfs:wind", "gfs-bucket:wind", "cmems:current"]);
    expect(p[2].unavailable).toMatch(
      /COPERNICUSMARINE_SERVICE_USERNAME and COPERNICUSMARINE_SERVICE_PASSWORD/,
    );
    process.env.COPERNICUSMARINE_SERVICE_USERNAME = "u";
    process.env.COPERNICUSMARINE_SERVICE_PASSWORD = "p";
    process.env.GFS_NOMADS_URL = "off";
    process.env.FORCING_PROVIDERS = "cmems,gfs-bucket";
    const q = providersFromEnv();
    expect(q.map((x) => x.name)).toEqual(["gfs-bucket", "cmems"]);
    expect(q[1].unavailable).toBeUndefined();
  });

  it("a JSON list (inline or a file) replaces the defaults; mistakes name the entry and field", () => {
    const tmp = tempDir("config");
    try {
      const file = join(tmp.dir, "providers.json");
      writeFileSync(file, standInConfig());
      process.env.FORCING_PROVIDERS_CONFIG = file;
      expect(providersFromEnv().map((x) => x.name)).toEqual(["gfs", "arctic20"]);
      expect(() => providersFromConfig([{ type: "ftp" }])).toThrow(
        /\[0\]: type must be "gfs", "cmems" or "thredds"/,
      );
      expect(() =>
        providersFromConfig([
          {
            type: "thredds",
            name: "x",
            kind: "current",
            baseUrl: "https://h",
            dataset: "d",
            variables: ["u", "v"],
          },
        ]),
      ).toThrow(/\[0\]: thredds provider x: resolutionM must be a positive number of metres/);
      expect(() =>
        providersFromConfig([
          { type: "gfs", mode: "filter" },
          { type: "gfs", mode: "filter" },
        ]),
      ).toThrow(/\[1\]: name gfs is used twice/);
      process.env.FORCING_PROVIDERS_CONFIG = "{not json";
      expect(() => providersFromEnv()).toThrow(/FORCING_PROVIDERS_CONFIG: not valid JSON/);
      expect(() => httpOptionsFromEnv({ FORCING_HTTP_TIMEOUT_SECONDS: "soon" })).toThrow(
        /FORCING_HTTP_TIMEOUT_SECONDS=soon: expected a number/,
      );
      expect(
        httpOptionsFromEnv({ FORCING_HTTP_TIMEOUT_SECONDS: "20", FORCING_HTTP_ATTEMPTS: "5" }),
      ).toMatchObject({ timeoutMs: 20_000, attempts: 5 });
    } finally {
      tmp.done();
    }
  });
});
