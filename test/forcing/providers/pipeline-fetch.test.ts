// Evidence at the pipeline level: a spec whose sources say {"fetch": true} runs to products on forcing
// downloaded from the (stand-in) services, fetches only what the local sources do not cover, records
// where the forcing came from, and fails with a message naming every try when nothing covers.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FetchState } from "../../../src/forcing/providers/fetch.js";
import { GfsProvider } from "../../../src/forcing/providers/gfs.js";
import { ThreddsNcssProvider } from "../../../src/forcing/providers/thredds.js";
import { runSimulationSpec } from "../../../src/pipeline/run.js";
import { arctic20Spec, FAST_HTTP, NOW, tempDir } from "./helpers.js";
import { ARCTIC20, arctic20Ncss, type StandIn, startStandIn } from "./stand-in.js";

let server: StandIn;
let tmp: ReturnType<typeof tempDir>;
beforeAll(async () => {
  server = await startStandIn();
  tmp = tempDir("pipeline-fetch");
});
afterAll(async () => {
  await server?.close();
  tmp?.done();
});

const spec = (forcing: unknown) => ({
  ...arctic20Spec(),
  coastline: "none",
  seed: { ...(arctic20Spec().seed as object), number: 200 },
  forcing,
});

const providers = () => [
  new GfsProvider({ mode: "filter", baseUrl: `${server.url}/nomads/cgi-bin/filter_gfs_0p25.pl` }),
  new ThreddsNcssProvider(arctic20Ncss(server.url)),
];

describe('the pipeline with {"fetch": true} sources', () => {
  it("downloads what the local sources do not cover, runs, and records where the forcing came from", async () => {
    server.reset();
    const outDir = join(tmp.dir, "out-wind");
    const catalog = join(tmp.dir, "catalog-1");
    // Current from the local file, wind only from the services.
    const result = await runSimulationSpec(spec({ wind: { fetch: true }, current: { files: [ARCTIC20] } }), {
      outDir,
      forcingDir: catalog,
      products: ["netcdf", "summary"],
      fetch: { providers: providers(), http: FAST_HTTP, now: NOW, state: new FetchState() },
    });
    expect(result.summary.particleCount).toBe(200);
    expect(result.summary.activeCount).toBe(200);
    expect(existsSync(join(outDir, "particles.nc"))).toBe(true);
    expect(server.count("/nomads")).toBeGreaterThan(0);
    expect(server.count("/thredds")).toBe(0);
    const wind = result.summary.forcing.filter((f) => f.variable === "wind");
    expect(JSON.stringify(wind)).toMatch(/gfs/i);
    const current = result.summary.forcing.filter((f) => f.variable === "current");
    expect(JSON.stringify(current)).toContain("Arctic20_1to5Feb_2016.nc");
  }, 120_000);

  it("fetches both vectors when nothing local is given", async () => {
    server.reset();
    const result = await runSimulationSpec(spec({ wind: { fetch: true }, current: { fetch: true } }), {
      outDir: join(tmp.dir, "out-both"),
      forcingDir: join(tmp.dir, "catalog-2"),
      products: ["summary"],
      fetch: { providers: providers(), http: FAST_HTTP, now: NOW, state: new FetchState() },
    });
    expect(result.summary.activeCount).toBe(200);
    expect(server.count("/nomads")).toBeGreaterThan(0);
    expect(server.count("/thredds")).toBeGreaterThan(0);
  }, 120_000);

  it("fails with a message naming every try when no provider has the forcing", async () => {
    server.reset();
    server.failAlways("/thredds", 500);
    try {
      const run = runSimulationSpec(spec({ wind: { fetch: true }, current: { fetch: true } }), {
        outDir: join(tmp.dir, "out-none"),
        forcingDir: join(tmp.dir, "catalog-3"),
        products: ["summary"],
        fetch: { providers: providers(), http: FAST_HTTP, now: NOW, state: new FetchState() },
      });
      const error = await run.then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error?.name).toBe("ForcingFetchError");
      expect(error?.message).toMatch(
        /^no current forcing could be fetched for lon .* E, lat .* N, 2016-02-01T12:00Z/,
      );
      expect(error?.message).toMatch(/tried: arctic20 .*HTTP 500/);
    } finally {
      server.failAlways("/thredds", null);
    }
  }, 120_000);
});
