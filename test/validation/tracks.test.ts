// Observed-track readers (issue 23 item 1): CSV, GPX (a hand-written file after the GPX 1.1 schema, as a Garmin
// unit writes it), GeoJSON, and CF trajectory NetCDF written by netCDF4-python (committed fixtures, and written
// afresh when python3-netcdf4 is here), by OpenDrift (its reference run) and by Driftline itself (particles.nc).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { writeParticlesNetcdf } from "../../src/products/particles-nc.js";
import { observedAt, TrackError } from "../../src/validation/track.js";
import { readTracks, TRACK_FORMATS } from "../../src/validation/tracks/index.js";
import { have } from "../helpers/needs.js";
import { REFERENCE_DIR } from "../helpers/reference.js";
import { syntheticContext, syntheticTrajectory } from "../products/synthetic.js";
import { python } from "../products/tools.js";

const PYTHON = await have(
  "test/validation/tracks.test.ts: netCDF4-python writes the drifter files",
  "python-netcdf4",
);
const SHARED = await have("test/validation/tracks.test.ts: OpenDrift's reference run", "shared-dir");
const FIXTURES = fileURLToPath(new URL("../fixtures/validation/", import.meta.url));
const T0 = Date.UTC(2016, 1, 3, 6) / 1000;
const tmp = () => mkdtempSync(path.join(tmpdir(), "driftline-tracks-"));
const write = (name: string, text: string) => {
  const file = path.join(tmp(), name);
  writeFileSync(file, text);
  return file;
};

/** The fixture positions of make_drifters.py. */
function expectFixtureDrifters(tracks: Awaited<ReturnType<typeof readTracks>>, ids: string[]) {
  expect(tracks.map((t) => t.id)).toEqual(ids);
  expect(tracks.map((t) => t.times.length)).toEqual([5, 3]);
  tracks.forEach((t, k) => {
    for (let i = 0; i < t.times.length; i++) {
      expect(t.times[i]).toBe(T0 + 3600 * i);
      expect(t.lon[i]).toBeCloseTo(13.0 + 0.01 * (k + 1) * i, 5);
      expect(t.lat[i]).toBeCloseTo(67.3 + 0.005 * i, 5);
    }
  });
}

describe("observed track readers", () => {
  it("CSV with a header in any order, several drifters, ISO and Unix times", async () => {
    const file = write(
      "t.csv",
      "# drifters\nid;Latitude;Longitude;time\nA;60.0;4.0;2016-02-03T06:00:00Z\nB;61;5;1454479200\nA;60.1;4.1;2016-02-03 07:00\nB;61.1;5.1;2016-02-03T07:00:00+00:00\n",
    );
    const tracks = await readTracks(file);
    expect(tracks.map((t) => t.id)).toEqual(["A", "B"]);
    expect(Array.from(tracks[0].times)).toEqual([T0, T0 + 3600]);
    expect(Array.from(tracks[0].lon)).toEqual([4, 4.1]);
    expect(Array.from(tracks[1].lat)).toEqual([61, 61.1]);
  });

  it("CSV without a header: time, lon, lat; rows out of order are sorted", async () => {
    const tracks = await readTracks(
      write("t.csv", "2016-02-03T07:00:00Z,4.1,60.1\n2016-02-03T06:00:00Z,4,60\n"),
    );
    expect(tracks).toHaveLength(1);
    expect(tracks[0].id).toBe("1");
    expect(Array.from(tracks[0].lon)).toEqual([4, 4.1]);
  });

  it("CSV errors name the line and what is allowed", async () => {
    await expect(
      readTracks(write("t.csv", "time,lon,lat\n2016-02-03T06:00Z,4,60\nyesterday,4,60\n")),
    ).rejects.toThrow(/line 3: time "yesterday" \(ISO 8601 or Unix seconds\)/);
    await expect(
      readTracks(write("t.csv", "time,lon,lat\n2016-02-03T06:00Z,4,95\n2016-02-03T07:00Z,4,60\n")),
    ).rejects.toThrow(/lat 95 \(allowed −90…90\)/);
    await expect(readTracks(write("t.csv", "time,lon,lat\n2016-02-03T06:00Z,4,60\n"))).rejects.toThrow(
      /1 position\(s\) \(at least 2 per drifter\)/,
    );
    await expect(readTracks(write("t.csv", "when,x,y\n1,2,3\n"))).rejects.toThrow(/lacks time, lon, lat/);
    await expect(readTracks("/nonexistent/track.csv")).rejects.toThrow(TrackError);
  });

  it("GPX 1.1 as a Garmin unit writes it (hand-written after the schema)", async () => {
    const tracks = await readTracks(path.join(FIXTURES, "sldmb-garmin.gpx"));
    expect(tracks).toHaveLength(1); // the drop waypoint is a mark beside the track
    const t = tracks[0];
    expect(t.id).toBe("SLDMB 7 & co");
    expect(Array.from(t.times)).toEqual([T0, T0 + 1800, T0 + 3600, T0 + 7200]);
    expect(t.lat[3]).toBe(67.318101);
    expect(t.lon[1]).toBe(13.061275);
  });

  it("GPX of timed waypoints alone; a point without time is an error", async () => {
    const gpx = (pts: string) =>
      `<?xml version="1.0"?><gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1">${pts}</gpx>`;
    const tracks = await readTracks(
      write(
        "w.gpx",
        gpx(
          `<wpt lat="60" lon="4"><time>2016-02-03T06:00:00Z</time></wpt><wpt lat='60.1' lon='4.2'><time>2016-02-03T07:00:00Z</time></wpt>`,
        ),
      ),
    );
    expect(Array.from(tracks[0].lon)).toEqual([4, 4.2]);
    await expect(
      readTracks(write("b.gpx", gpx(`<trk><trkseg><trkpt lat="60" lon="4"></trkpt></trkseg></trk>`))),
    ).rejects.toThrow(/<trkpt lat="60" lon="4">: no <time>/);
  });

  it("GeoJSON: LineString with times, Points grouped by id", async () => {
    const line = {
      type: "FeatureCollection",
      features: [
        {
          type: "Feature",
          properties: { name: "buoy-1", times: ["2016-02-03T06:00:00Z", "2016-02-03T07:00:00Z"] },
          geometry: {
            type: "LineString",
            coordinates: [
              [4, 60],
              [4.1, 60.1],
            ],
          },
        },
        ...[0, 1].map((i) => ({
          type: "Feature",
          properties: { drifter: 9, time: T0 + 3600 * i },
          geometry: { type: "Point", coordinates: [5 + i, 61] },
        })),
      ],
    };
    const tracks = await readTracks(write("t.geojson", JSON.stringify(line)));
    expect(tracks.map((t) => t.id)).toEqual(["buoy-1", "9"]);
    expect(Array.from(tracks[1].lon)).toEqual([5, 6]);
    const bad = {
      type: "Feature",
      properties: { times: ["2016-02-03T06:00:00Z"] },
      geometry: line.features[0].geometry,
    };
    await expect(readTracks(write("b.json", JSON.stringify(bad)))).rejects.toThrow(/2 vertices but 1 times/);
  });

  it("CF trajectory NetCDF by netCDF4-python (committed fixtures): TrajAn layout and contiguous ragged array", async () => {
    expectFixtureDrifters(await readTracks(path.join(FIXTURES, "drifters-trajan.nc")), [
      "SVP-300234",
      "SLDMB-7",
    ]);
    expectFixtureDrifters(await readTracks(path.join(FIXTURES, "drifters-ragged.nc")), ["300234", "7"]);
  });

  it.runIf(PYTHON)("CF trajectory NetCDF written afresh by netCDF4-python", async () => {
    const dir = tmp();
    python(
      `import runpy, sys; sys.argv = ["make_drifters.py", ${JSON.stringify(dir)}]; runpy.run_path(${JSON.stringify(path.join(FIXTURES, "make_drifters.py"))}, run_name="__main__")`,
    );
    expectFixtureDrifters(await readTracks(path.join(dir, "drifters-trajan.nc")), ["SVP-300234", "SLDMB-7"]);
    expectFixtureDrifters(await readTracks(path.join(dir, "drifters-ragged.nc")), ["300234", "7"]);
  });

  it.runIf(SHARED)(
    "OpenDrift's own output (the ROMS Nordic reference run): one track per particle",
    async () => {
      const tracks = await readTracks(path.join(REFERENCE_DIR, "roms-nordic-public/opendrift.nc"));
      expect(tracks).toHaveLength(1000);
      expect(tracks[0].times[0]).toBe(T0);
      expect(tracks[0].lon[0]).toBeCloseTo(13.05, 5);
      expect(tracks[0].lat[0]).toBeCloseTo(67.3, 5);
      expect(Math.max(...tracks.map((t) => t.times.length))).toBe(25);
    },
  );

  it("Driftline's own particles.nc: one track per particle, released particles only", async () => {
    const ctx = syntheticContext(syntheticTrajectory({ n: 4 }));
    const file = path.join(tmp(), "particles.nc");
    await writeParticlesNetcdf(ctx, file);
    const tracks = await readTracks(file);
    const t = ctx.trajectory;
    expect(tracks.length).toBeGreaterThan(0);
    const p = Number(tracks[0].id) - 1;
    const k = t.times.indexOf(tracks[0].times[0]);
    expect(tracks[0].lon[0]).toBeCloseTo(t.lon[k * t.n + p], 5);
  });

  it("formats are told by their first bytes", () => {
    const sniff = (s: string | number[]) =>
      TRACK_FORMATS.find((f) =>
        f.sniff(typeof s === "string" ? new TextEncoder().encode(s) : Uint8Array.from(s)),
      )?.name;
    expect(sniff([0x43, 0x44, 0x46, 1])).toBe("netcdf");
    expect(sniff([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])).toBe("netcdf");
    expect(sniff('\uFEFF<?xml version="1.0"?>\n<gpx version="1.1">')).toBe("gpx");
    expect(sniff(' {"type": "FeatureCollection"}')).toBe("geojson");
    expect(sniff("time,lon,lat")).toBe("csv");
  });

  it("observed position between fixes is linear in time, across the antimeridian too", () => {
    const track = {
      id: "1",
      times: Float64Array.of(0, 3600),
      lon: Float64Array.of(179.9, -179.9),
      lat: Float64Array.of(0, 1),
    };
    const p = observedAt(track, 1800)!;
    expect(Math.abs(p.lon)).toBeCloseTo(180, 9);
    expect(p.lat).toBeCloseTo(0.5, 12);
    expect(observedAt(track, 3601)).toBeNull();
  });
});
