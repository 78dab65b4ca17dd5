// The OpenDrift-compatible ROMS reader against OpenDrift's own reader (reader_ROMS_native, 1.14.10): the
// 1,788 direct probes of roms_reader_reference.json (inside, between reader times, the last-row and
// last-column strip, outside) and the first values of every reader call of the roms-nordic-public run.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { discoverVector } from "../../src/forcing/discover.js";
import { RomsOpenDriftSource } from "../../src/forcing/roms-opendrift.js";
import { openNetcdf } from "../../src/io/netcdf/open.js";
import { have } from "../helpers/needs.js";
import { FORCING_DIR, REFERENCE_DIR } from "../helpers/reference.js";

const SHARED = await have(
  "test/forcing/roms-opendrift.test.ts: the ROMS reader against OpenDrift's probes in ../shared",
  "shared-dir",
);

interface Probe {
  time: string;
  lon: number;
  lat: number;
  x: number | null;
  y: number | null;
  u: number | null;
  v: number | null;
}

const reference = JSON.parse(
  SHARED ? readFileSync(`${REFERENCE_DIR}roms-nordic-public/roms_reader_reference.json`, "utf8") : "null",
) as { probes: { rows: Probe[] }; run_samples: { rows: [string, number, number, number, number][] } };
let source: RomsOpenDriftSource;

beforeAll(async () => {
  const path = `${FORCING_DIR}Nordic_subset.nc`;
  const file = await openNetcdf(path);
  const layout = discoverVector(file, "current")!;
  file.close();
  source = new RomsOpenDriftSource([...layout.times].map((time, tIndex) => ({ path, tIndex, time, layout })));
  const [start, end] = source.timeRange;
  await source.prepare({ start, end, west: 12, east: 16, south: 66, north: 68 });
});

/** Our current at one point and time: [u, v], or null when the source does not cover it. */
function sample(time: string, lon: number, lat: number): [number, number] | null {
  const u = new Float64Array(1);
  const v = new Float64Array(1);
  const need = Uint8Array.of(1);
  source.sample(Date.parse(time) / 1000, Float64Array.of(lon), Float64Array.of(lat), 1, need, u, v);
  return need[0] === 0 ? [u[0], v[0]] : null;
}

describe.runIf(SHARED)("OpenDrift-compatible ROMS reader", () => {
  it("gives OpenDrift's float32 current bit for bit at all 1,788 probes, and no current outside", () => {
    const rows = reference.probes.rows;
    expect(rows).toHaveLength(1788);
    let outside = 0;
    for (const r of rows) {
      const ours = sample(r.time, r.lon, r.lat);
      if (r.u === null) {
        expect(ours, `${r.time} ${r.lon} ${r.lat}`).toBeNull();
        outside++;
        continue;
      }
      expect(ours, `${r.time} ${r.lon} ${r.lat}`).not.toBeNull();
      expect(ours![0], `u at ${r.time} ${r.lon} ${r.lat}`).toBe(Math.fround(r.u));
      expect(ours![1], `v at ${r.time} ${r.lon} ${r.lat}`).toBe(Math.fround(r.v!));
    }
    expect(outside).toBeGreaterThan(100);
  });

  it("matches the values OpenDrift's Leeway run used (first 10 elements of each of the 144 calls)", () => {
    const rows = reference.run_samples.rows;
    expect(rows.length).toBeGreaterThan(1000);
    for (const [time, lon, lat, u, v] of rows) {
      const ours = sample(time, lon, lat);
      expect(ours).toEqual([Math.fround(u), Math.fround(v)]);
    }
  });
});
