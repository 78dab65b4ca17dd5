import { describe, expect, it } from "vitest";
import { readGpxTracks } from "../../src/planning/gpx-tracks.js";

describe("searched tracks from GPX", () => {
  it("reads tracks and timed routes, named by unit", () => {
    const gpx = `<?xml version="1.0"?><gpx version="1.1"><trk><name>Vessel &amp; A</name><trkseg>
      <trkpt lat="60.0" lon="3.0"><ele>0</ele><time>2016-02-01T20:00:00Z</time></trkpt>
      <trkpt lat="60.1" lon="3.1"><time>2016-02-01T21:00:00Z</time></trkpt></trkseg>
      <trkseg><trkpt lat="60.2" lon="3.2"><time>2016-02-01T22:00:00Z</time></trkpt></trkseg></trk>
      <rte><name>Heli</name><rtept lat="60" lon="3"><time>2016-02-01T20:00:00Z</time><name>Heli 1</name></rtept>
      <rtept lat="60.05" lon="3.05"><time>2016-02-01T20:10:00Z</time><name>Heli 2</name></rtept></rte></gpx>`;
    const t = readGpxTracks(gpx);
    expect(t.map((x) => x.name)).toEqual(["Vessel & A", "Heli"]);
    expect(t[0].lat).toEqual([60, 60.1, 60.2]);
    expect(t[0].times[2] - t[0].times[0]).toBe(7200);
    expect(t[1].lon).toEqual([3, 3.05]);
  });

  it("names what is missing", () => {
    expect(() => readGpxTracks("<gpx></gpx>", "x.gpx")).toThrow(/x.gpx: no <trk> or <rte> with timed points/);
    expect(() =>
      readGpxTracks(
        '<gpx><trk><name>A</name><trkpt lat="1" lon="2"></trkpt><trkpt lat="1" lon="2"></trkpt></trk></gpx>',
      ),
    ).toThrow(/A: every point needs a <time>/);
  });
});
