// mission.kml and mission.kmz: the search areas, tracks and markers as Google Earth reads them, text escaped.
import { readFileSync } from "node:fs";
import path from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { computeDensity } from "../../src/products/density.js";
import { missionKml, writeMissionKml, writeMissionKmz, xmlEscape } from "../../src/products/kml.js";
import { computeSearchAreas } from "../../src/products/search-areas.js";
import { coastalRun, syntheticContext, syntheticTrajectory } from "./synthetic.js";
import { pythonJson, tempDir } from "./tools.js";

const { traj, ctx, snaps } = coastalRun();

describe("mission.kml / mission.kmz", () => {
  it("is well-formed KML that parses, with time stamps for the slider", async () => {
    const dir = tempDir();
    const kml = path.join(dir, "mission.kml");
    const kmz = path.join(dir, "mission.kmz");
    await writeMissionKml(ctx, snaps, kml);
    await writeMissionKmz(ctx, snaps, kmz);
    const r = pythonJson<{
      root: string;
      placemarks: number;
      spans: number;
      stamps: number;
      tracks: number;
      polygons: number;
      name: string;
      whens: number;
    }>(
      `
import json, sys, xml.etree.ElementTree as ET
ns = {"k": "http://www.opengis.net/kml/2.2", "gx": "http://www.google.com/kml/ext/2.2"}
root = ET.parse(sys.argv[1]).getroot()
print(json.dumps({
  "root": root.tag,
  "placemarks": len(root.findall(".//k:Placemark", ns)),
  "spans": len(root.findall(".//k:TimeSpan", ns)),
  "stamps": len(root.findall(".//k:TimeStamp", ns)),
  "tracks": len(root.findall(".//gx:Track", ns)),
  "polygons": len(root.findall(".//k:Polygon", ns)),
  "name": root.find("k:Document/k:name", ns).text,
  "whens": len(root.findall(".//gx:Track/k:when", ns)),
}))
`,
      [kml],
    );
    const nt = traj.times.length;
    expect(r.root).toBe("{http://www.opengis.net/kml/2.2}kml");
    expect(r.name).toBe(`Driftline: ${ctx.simulation.name}`); // escaped in the file, read back as text
    expect(r.stamps).toBe(1);
    // Centroid and most likely point per time, three areas per time.
    expect(r.spans).toBe(nt * 5);
    expect(r.polygons).toBeGreaterThanOrEqual(nt * 3);
    expect(r.tracks).toBe(101); // centroid + 100 sampled particles
    expect(r.whens).toBeGreaterThan(nt);
    const zip = unzipSync(readFileSync(kmz));
    expect(Object.keys(zip)).toEqual(["doc.kml"]);
    expect(strFromU8(zip["doc.kml"])).toBe(readFileSync(kml, "utf8"));
  });

  it("escapes text and orders time spans in a backtracking run", () => {
    expect(xmlEscape(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;");
    const back = syntheticTrajectory({ n: 200, hours: 4, backward: true });
    const bctx = syntheticContext(back);
    const text = missionKml(bctx, computeSearchAreas(bctx, computeDensity(bctx)));
    const spans = [...text.matchAll(/<TimeSpan><begin>([^<]+)<\/begin><end>([^<]+)<\/end><\/TimeSpan>/g)];
    expect(spans.length).toBeGreaterThan(0);
    for (const m of spans) expect(Date.parse(m[1])).toBeLessThan(Date.parse(m[2]));
    expect(text).toMatch(/Centroid -4 h/);
  });
});
